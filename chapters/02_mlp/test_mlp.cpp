// Chapter 2 checks: the dense layer worked by hand, shape errors, the model summary,
// and a hidden layer solving XOR.
#include <doctest/doctest.h>

#include <xtensor-blas/xlinalg.hpp>

#include "nn/data/dataset.hpp"
#include "nn/dense.hpp"
#include "nn/flatten.hpp"
#include "nn/model.hpp"

using nn::Activation;
using nn::Tensor;

// [dense-worked-example]
TEST_CASE("a dense layer on a batch of two: forward and backward as worked in the text") {
  nn::Generator rng(1);
  nn::Dense<double> dense(2);
  dense.build({3}, rng);
  dense.W = {{1.0, -1.0}, {0.0, 2.0}, {1.0, 0.0}};  // (D, U) = (3, 2)
  dense.b = {0.5, -0.5};
  const Tensor<double> x = {{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}};  // (N, D) = (2, 3)

  SUBCASE("forward") {
    const auto& y = dense.forward(x);
    // row 1: (1*1 + 2*0 + 3*1, 1*(-1) + 2*2 + 3*0) + b = (4, 3) + (0.5, -0.5) = (4.5, 2.5)
    CHECK(y(0, 0) == 4.5);
    CHECK(y(0, 1) == 2.5);
    // row 2: (4 + 0 + 6, -4 + 10 + 0) + b = (10, 6) + (0.5, -0.5) = (10.5, 5.5)
    CHECK(y(1, 0) == 10.5);
    CHECK(y(1, 1) == 5.5);
  }
  SUBCASE("backward") {
    dense.forward(x);
    const Tensor<double> dy = {{1.0, 0.0}, {0.0, 1.0}};
    const auto& dx = dense.backward(dy);
    // dW = x^T dy: column u collects the inputs of the examples whose dy_u is 1
    //    = ((1, 4), (2, 5), (3, 6))
    CHECK(dense.dW == Tensor<double>{{1.0, 4.0}, {2.0, 5.0}, {3.0, 6.0}});
    // db = sum over the batch of dy = (1, 1)
    CHECK(dense.db == Tensor<double>{1.0, 1.0});
    // dx = dy W^T: row 1 is W's first column (1, 0, 1), row 2 its second (-1, 2, 0)
    CHECK(dx == Tensor<double>{{1.0, 0.0, 1.0}, {-1.0, 2.0, 0.0}});
  }
}
// [dense-worked-example]

TEST_CASE("a dense layer agrees with xtensor-blas's matrix product on a random batch") {
  // xt::linalg::dot is an independent implementation of x W; the layer must add b to it.
  nn::Generator rng(8);
  nn::Dense<double> dense(7);
  dense.build({5}, rng);
  for (auto& v : dense.b) v = rng.uniform(-1.0, 1.0);
  Tensor<double> x = Tensor<double>::from_shape({4, 5});
  for (auto& v : x) v = rng.uniform(-1.0, 1.0);
  const Tensor<double> expected = xt::linalg::dot(x, dense.W) + dense.b;
  const auto& y = dense.forward(x);
  REQUIRE(y.shape() == expected.shape());
  for (std::size_t i = 0; i < y.size(); ++i) CHECK(y.data()[i] == doctest::Approx(expected.data()[i]));
}

TEST_CASE("a dense layer after Flatten names itself and both shapes when the sizes disagree") {
  nn::Sequential model({1, 4, 4});
  model.add(nn::Flatten());
  model.add(nn::Dense(3));
  const Tensor<float> wrong = xt::zeros<float>({2, 1, 5, 5});
  CHECK_THROWS_WITH_AS(model.forward(wrong), "flatten input: expected (N, 1, 4, 4), got (2, 1, 5, 5)",
                       nn::shape_error);
  nn::Dense<float> dense(3);
  nn::Generator rng(1);
  dense.set_name("dense_1");
  dense.build({576}, rng);
  CHECK_THROWS_WITH_AS(dense.forward(xt::zeros<float>({64, 1600})),
                       "dense_1 input: expected (N, 576), got (64, 1600)", nn::shape_error);
}

TEST_CASE("a dense layer cannot be built on images without Flatten") {
  nn::Sequential model({1, 28, 28});
  CHECK_THROWS_AS(model.add(nn::Dense(10)), nn::shape_error);
}

// [summary-test]
TEST_CASE("summary lists every layer with its output shape and parameter count") {
  nn::Sequential model({784});
  model.add(nn::Dense(128, Activation::relu));
  model.add(nn::Dense(10));
  const std::string s = model.summary();
  // 784*128 + 128 = 100,480 and 128*10 + 10 = 1,290; total 101,770
  CHECK(s.find("dense (dense)") != std::string::npos);
  CHECK(s.find("(None, 128)") != std::string::npos);
  CHECK(s.find("100,480") != std::string::npos);
  CHECK(s.find("dense_1 (dense)") != std::string::npos);
  CHECK(s.find("1,290") != std::string::npos);
  CHECK(s.find("Total params: 101,770") != std::string::npos);
  CHECK(model.param_count() == 101770);
}
// [summary-test]

TEST_CASE("one hidden layer of tanh units learns XOR, which one neuron cannot") {
  const nn::Dataset xor_data = nn::make_xor();
  nn::Sequential model({2}, 3);
  model.add(nn::Dense(4, Activation::tanh));
  model.add(nn::Dense(1, Activation::sigmoid));
  model.compile(nn::SGD(1.0f), nn::BinaryCrossEntropy(), {"accuracy"});
  model.fit(xor_data.x, xor_data.y, {.epochs = 1000, .batch_size = 4, .verbose = 0});
  const auto result = model.evaluate(xor_data.x, xor_data.y);
  CHECK(result.accuracy == 1.0);
  CHECK(result.loss < 0.1);
}
