// Chapter 4 checks: each loss and each optimizer's update worked by hand; the
// training loop's promises (same seed, same run; a NaN loss stops training).
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "nn/data/dataset.hpp"
#include "nn/dense.hpp"
#include "nn/model.hpp"

using nn::Activation;
using nn::Tensor;

// [loss-worked-examples]
TEST_CASE("each loss on a tiny batch, worked by hand") {
  SUBCASE("mean squared error") {
    nn::MeanSquaredError<double> mse;
    const Tensor<double> y = {{1.0, 2.0}, {3.0, 4.0}};
    const Tensor<double> t = {{1.0, 0.0}, {3.0, 5.0}};
    // errors (0, 2, 0, -1): L = (0 + 4 + 0 + 1) / 4 = 1.25
    CHECK(mse.forward(y, t) == 1.25);
    // dL/dy = 2 (y - t) / 4 = (0, 1, 0, -0.5)
    CHECK(mse.backward() == Tensor<double>{{0.0, 1.0}, {0.0, -0.5}});
  }
  SUBCASE("binary cross-entropy") {
    nn::BinaryCrossEntropy<double> bce;
    const Tensor<double> p = nn::column({0.8, 0.25});
    const Tensor<double> t = nn::column({1.0, 0.0});
    // L = -(log 0.8 + log 0.75) / 2 = (0.223144 + 0.287682) / 2 = 0.255413
    CHECK(bce.forward(p, t) == doctest::Approx(0.255413).epsilon(1e-6));
    // dL/dp = (p - t) / (p (1 - p) N): (-0.2 / 0.16 / 2, 0.25 / 0.1875 / 2) = (-0.625, 0.666667)
    CHECK(bce.backward()(0, 0) == doctest::Approx(-0.625));
    CHECK(bce.backward()(1, 0) == doctest::Approx(0.666667).epsilon(1e-6));
  }
  SUBCASE("softmax cross-entropy") {
    nn::SoftmaxCrossEntropy<double> ce;
    // one example, logits (ln 1, ln 2, ln 5): softmax = (1/8, 2/8, 5/8); target class 2
    const Tensor<double> z = {{0.0, std::log(2.0), std::log(5.0)}};
    // L = -log(5/8) = 0.470004
    CHECK(ce.forward(z, Tensor<double>{2.0}) == doctest::Approx(0.470004).epsilon(1e-6));
    // dL/dz = p - t = (0.125, 0.25, -0.375)
    CHECK(ce.backward()(0, 0) == doctest::Approx(0.125));
    CHECK(ce.backward()(0, 1) == doctest::Approx(0.25));
    CHECK(ce.backward()(0, 2) == doctest::Approx(-0.375));
  }
}
// [loss-worked-examples]

namespace {
// One parameter w = 1 with gradient g = 0.5, stepped `steps` times by `opt`.
template <class O>
std::vector<double> steps_of(O opt, int steps, double g = 0.5) {
  Tensor<double> w = {1.0};
  Tensor<double> dw = {g};
  std::vector<nn::Param<double>> params = {{"w", &w, &dw}};
  std::vector<double> trace;
  for (int i = 0; i < steps; ++i) {
    opt.step(params);
    trace.push_back(w(0));
  }
  return trace;
}
}  // namespace

// [optimizer-worked-examples]
TEST_CASE("each optimizer's first steps on one weight, worked by hand (w = 1, g = 0.5)") {
  SUBCASE("SGD") {
    // w <- w - lr g = 1 - 0.1 * 0.5 = 0.95, then 0.90
    const auto w = steps_of(nn::SGD<double>(0.1), 2);
    CHECK(w[0] == doctest::Approx(0.95));
    CHECK(w[1] == doctest::Approx(0.90));
  }
  SUBCASE("SGD with momentum 0.9") {
    // v = 0.9*0 - 0.1*0.5 = -0.05, w = 0.95;  v = 0.9*(-0.05) - 0.05 = -0.095, w = 0.855
    const auto w = steps_of(nn::SGD<double>(0.1, 0.9), 2);
    CHECK(w[0] == doctest::Approx(0.95));
    CHECK(w[1] == doctest::Approx(0.855));
  }
  SUBCASE("RMSprop, Keras defaults") {
    // s = 0.9*0 + 0.1*0.25 = 0.025;  w = 1 - 0.001 * 0.5 / (sqrt(0.025) + 1e-7) = 1 - 0.0031623 = 0.9968377
    // s = 0.9*0.025 + 0.025 = 0.0475; w = 0.9968377 - 0.001 * 0.5 / 0.2179449 = 0.9945436
    const auto w = steps_of(nn::RMSprop<double>(), 2);
    CHECK(w[0] == doctest::Approx(0.9968377).epsilon(1e-7));
    CHECK(w[1] == doctest::Approx(0.9945436).epsilon(1e-7));
  }
  SUBCASE("Adam, Keras defaults") {
    // m = 0.05, v = 0.00025; m^ = 0.05 / 0.1 = 0.5, v^ = 0.00025 / 0.001 = 0.25
    // w = 1 - 0.001 * 0.5 / (0.5 + 1e-7) = 0.999: the first step is lr, whatever g's size
    const auto w = steps_of(nn::Adam<double>(), 2);
    CHECK(w[0] == doctest::Approx(0.999).epsilon(1e-9));
    // constant gradient: m^ = g and v^ = g^2 at every step, so each step is again lr
    CHECK(w[1] == doctest::Approx(0.998).epsilon(1e-9));
  }
  SUBCASE("weight decay adds lambda w to the gradient") {
    nn::SGD<double> sgd(0.1);
    sgd.weight_decay = 0.5;
    // g' = 0.5 + 0.5 * 1 = 1;  w = 1 - 0.1 * 1 = 0.9
    CHECK(steps_of(sgd, 1)[0] == doctest::Approx(0.9));
  }
}
// [optimizer-worked-examples]

namespace {
nn::Sequential<float> small_model(std::uint64_t seed) {
  nn::Sequential model({2}, seed);
  model.add(nn::Dense(8, Activation::tanh));
  model.add(nn::Dense(2));
  return model;
}
}  // namespace

// [same-seed-test]
TEST_CASE("same seed, same run, bit for bit") {
  nn::Generator rng(9);
  const nn::Dataset data = nn::make_spirals(50, 2, 0.1, rng);
  auto train = [&](std::uint64_t seed) {
    auto model = small_model(seed);
    model.compile(nn::Adam(), nn::SoftmaxCrossEntropy(), {"accuracy"});
    return model.fit(data.x, data.y, {.epochs = 3, .batch_size = 16, .verbose = 0});
  };
  const auto a = train(5), b = train(5), c = train(6);
  CHECK(a.values.at("loss") == b.values.at("loss"));
  CHECK(a.values.at("loss") != c.values.at("loss"));
}
// [same-seed-test]

// [diverged-test]
TEST_CASE("a loss that overflows stops training with a message that says what to do") {
  // Linear regression with a far too large step: every step multiplies the error by
  // about |1 - 2 * lr * mean(x^2)| = |1 - 2 * 100 * 3.3|, so the loss overflows within steps.
  nn::Generator rng(4);
  const nn::Dataset sine = nn::make_sine(200, 0.05, rng);
  nn::Sequential model({1}, 2);
  model.add(nn::Dense(1));
  model.compile(nn::SGD(100.0f), nn::MeanSquaredError());
  CHECK_THROWS_WITH_AS(model.fit(sine.x, sine.y, {.epochs = 5, .batch_size = 20, .verbose = 0}),
                       doctest::Contains("lower the learning rate"), nn::training_error);
}
// [diverged-test]

TEST_CASE("fit reports a per-epoch history and writes it as CSV and JSON") {
  nn::Generator rng(9);
  const nn::Dataset data = nn::make_spirals(50, 2, 0.1, rng);
  auto model = small_model(1);
  model.compile(nn::Adam(), nn::SoftmaxCrossEntropy(), {"accuracy"});
  std::ostringstream log;
  const auto h = model.fit(data.x, data.y,
                           {.epochs = 2, .batch_size = 25, .validation_data = {&data.x, &data.y}},
                           &log);
  CHECK(h.names == std::vector<std::string>{"loss", "accuracy", "val_loss", "val_accuracy"});
  CHECK(h.values.at("loss").size() == 2);
  // Keras's progress line: 100 examples in batches of 25 = 4 steps
  CHECK(log.str().find("Epoch 2/2") != std::string::npos);
  CHECK(log.str().find("4/4 [==============================]") != std::string::npos);
  CHECK(log.str().find("val_accuracy: ") != std::string::npos);
  const auto dir = std::filesystem::temp_directory_path();
  h.write_csv((dir / "nn_history.csv").string());
  h.write_json((dir / "nn_history.json").string());
  std::ifstream csv(dir / "nn_history.csv");
  std::string header;
  std::getline(csv, header);
  CHECK(header == "epoch,loss,accuracy,val_loss,val_accuracy,seconds");
  std::ifstream json(dir / "nn_history.json");
  std::string text((std::istreambuf_iterator<char>(json)), std::istreambuf_iterator<char>());
  CHECK(text.rfind("{\"loss\": [", 0) == 0);
}

TEST_CASE("mini-batch gradient descent lowers the loss of a regression on a noisy sine") {
  nn::Generator rng(4);
  const nn::Dataset sine = nn::make_sine(200, 0.05, rng);
  nn::Sequential model({1}, 2);
  model.add(nn::Dense(16, Activation::tanh));
  model.add(nn::Dense(1));
  model.compile(nn::Adam(0.01f), nn::MeanSquaredError());
  const auto h = model.fit(sine.x, sine.y, {.epochs = 100, .batch_size = 20, .verbose = 0});
  CHECK(h.values.at("loss").back() < 0.25 * h.values.at("loss").front());
}
