// Bad data gives a typed error that names where, before anything reads past a
// buffer or divides by zero: no examples, labels that are no class, layers of zero
// units, weights assigned with the wrong shape, and a loss that grows without bound.
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>
#include <string>

#include "nn/conv2d.hpp"
#include "nn/dense.hpp"
#include "nn/model.hpp"

using nn::Tensor;

namespace {

// The message of the exception of type E that f throws ("" if it throws none).
template <class E, class F>
std::string message_of(F f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

// 2 inputs -> dense (3 logits).
nn::Sequential<float> tiny_classifier() {
  nn::Sequential<float> model({2}, 1);
  model.add(nn::Dense(3));
  model.compile(nn::SGD(0.1f), nn::SoftmaxCrossEntropy(), {"accuracy"});
  return model;
}

}  // namespace

TEST_CASE("fit, evaluate and predict on zero examples say so instead of dividing by zero") {
  auto model = tiny_classifier();
  const Tensor<float> x = Tensor<float>::from_shape({0, 2}), y = Tensor<float>::from_shape({0});
  CHECK(message_of<nn::value_error>([&] { model.fit(x, y, {.verbose = 0}); }) ==
        "fit: no examples (x has shape (0, 2))");
  CHECK(message_of<nn::value_error>([&] { model.evaluate(x, y); }) ==
        "evaluate: no examples (x has shape (0, 2))");
  CHECK(message_of<nn::value_error>([&] { model.predict(x); }) ==
        "predict: no examples (x has shape (0, 2))");
  const Tensor<float> one = {{1, 2}};
  CHECK(message_of<nn::value_error>([&] { model.predict(one, 0); }) ==
        "predict: batch_size must be at least 1, got 0");
}

TEST_CASE("a class label that is negative, too large or fractional is refused, naming its row") {
  nn::SoftmaxCrossEntropy<float> loss;
  const Tensor<float> z = Tensor<float>::from_shape({3, 10});
  // (no structured bindings: clang 14 cannot capture them in the lambda)
  for (const auto& bad :
       std::vector<std::pair<float, std::string>>{{-1.0f, "-1"}, {200.0f, "200"}, {3.7f, "3.7"}}) {
    Tensor<float> t = {0, bad.first, 1};  // row 1 holds the bad label
    CAPTURE(bad.first);
    CHECK(message_of<nn::value_error>([&] { loss.forward(z, t); }) ==
          "categorical_crossentropy targets: row 1 holds " + bad.second + ", not a class index 0..9");
  }
  const Tensor<float> good = {0, 9, 1};
  CHECK(message_of<nn::value_error>([&] { loss.forward(z, good); }).empty());

  nn::BinaryCrossEntropy<float> bce;
  const Tensor<float> p = nn::column({0.5f, 0.5f}), t = nn::column({1.0f, 2.0f});
  CHECK(message_of<nn::value_error>([&] { bce.forward(p, t); }) ==
        "binary_crossentropy targets: element 1 holds 2.000000, not a probability in [0, 1]");
}

TEST_CASE("a layer of zero units or filters is refused when it is made") {
  CHECK(message_of<nn::value_error>([] { nn::Dense<float>(0); }) ==
        "dense: units must be at least 1, got 0");
  CHECK(message_of<std::invalid_argument>([] { nn::Conv2D<float>(0, 3); }) ==
        "conv2d: filters, kernel_size and stride must be at least 1");
}

TEST_CASE("weights assigned with a shape other than the built one are refused before the product") {
  nn::Generator rng(1);
  SUBCASE("dense") {
    nn::Dense<float> dense(4);
    dense.set_name("dense");
    dense.build({3}, rng);
    dense.W = Tensor<float>::from_shape({2, 4});  // (D, U) = (3, 4) was built
    const Tensor<float> x = Tensor<float>::from_shape({5, 3});
    CHECK(message_of<nn::shape_error>([&] { dense.forward(x); }) ==
          "dense.W: expected (3, 4), got (2, 4)");
  }
  SUBCASE("conv2d") {
    nn::Conv2D<float> conv(2, 3);
    conv.set_name("conv2d");
    conv.build({1, 5, 5}, rng);
    conv.W = Tensor<float>::from_shape({2, 1, 2, 2});  // (F, C, K, K) = (2, 1, 3, 3) was built
    const Tensor<float> x = Tensor<float>::from_shape({1, 1, 5, 5});
    CHECK(message_of<nn::shape_error>([&] { conv.forward(x); }) ==
          "conv2d.W: expected (2, 1, 3, 3), got (2, 1, 2, 2)");
  }
}

TEST_CASE("a finite loss that grows a hundredfold prints one warning naming the learning rate") {
  // y = w x + b on one example x = 1, t = 0, squared error: one SGD step multiplies
  // the error e = w + b by 1 - 2 lr (x^2 + 1) = 1 - 4 lr; lr = 1 makes it -3, so the
  // loss e^2 grows 9-fold per epoch. An epoch's loss is measured before its step:
  // epoch 1 has the starting loss, epoch 4 has 9^3 = 729 times it: past 100-fold.
  nn::Sequential<double> model({1}, 1);
  model.add(nn::Dense<double>(1));
  model.compile(nn::SGD<double>(1.0), nn::MeanSquaredError<double>());
  const Tensor<double> x = nn::column({1.0}), t = nn::column({0.0});
  std::ostringstream log;
  const nn::History h = model.fit(x, t, {.epochs = 5, .batch_size = 1, .verbose = 0}, &log);
  CHECK(h.values.at("loss")[4] == doctest::Approx(6561 * h.values.at("loss")[0]));  // 9^4, finite
  const std::string text = log.str();
  CHECK(text.find("warning: the training loss grew from ") == 0);
  CHECK(text.find("(epoch 4), more than 100-fold: the learning rate 1 is probably too large\n") !=
        std::string::npos);
  CHECK(std::count(text.begin(), text.end(), '\n') == 1);  // said once

  std::ostringstream quiet;  // lr 0.1: the loss falls, no warning
  nn::Sequential<double> calm({1}, 1);
  calm.add(nn::Dense<double>(1));
  calm.compile(nn::SGD<double>(0.1), nn::MeanSquaredError<double>());
  calm.fit(x, t, {.epochs = 5, .batch_size = 1, .verbose = 0}, &quiet);
  CHECK(quiet.str().empty());
}
