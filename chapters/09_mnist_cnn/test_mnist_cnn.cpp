// Capstone checks: the Keras network's shapes and parameter counts, shape errors
// between its layers, and one deterministic training run on a small batch.
#include <doctest/doctest.h>

#include "nn/conv2d.hpp"
#include "nn/dense.hpp"
#include "nn/flatten.hpp"
#include "nn/model.hpp"
#include "nn/pooling.hpp"

using nn::Activation;
using nn::Tensor;

namespace {
nn::Sequential<float> keras_mnist_cnn(std::uint64_t seed = 42) {
  nn::Sequential model({1, 28, 28}, seed);
  model.add(nn::Conv2D(32, 3, Activation::relu));
  model.add(nn::MaxPool2D(2));
  model.add(nn::Conv2D(64, 3, Activation::relu));
  model.add(nn::MaxPool2D(2));
  model.add(nn::Conv2D(64, 3, Activation::relu));
  model.add(nn::Flatten());
  model.add(nn::Dense(64, Activation::relu));
  model.add(nn::Dense(10));
  return model;
}
}  // namespace

// [capstone-summary-test]
TEST_CASE("the capstone has Keras's shapes and 93,322 parameters") {
  auto model = keras_mnist_cnn();
  // conv 28 -> 26 (3x3 valid), pool 26 -> 13, conv 13 -> 11, pool 11 -> 5, conv 5 -> 3
  // params: 32*(1*9) + 32 = 320;  64*(32*9) + 64 = 18,496;  64*(64*9) + 64 = 36,928
  //         flatten 64*3*3 = 576;  576*64 + 64 = 36,928;  64*10 + 10 = 650
  const std::vector<nn::Shape> expected = {{32, 26, 26}, {32, 13, 13}, {64, 11, 11}, {64, 5, 5},
                                           {64, 3, 3},   {576},        {64},         {10}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    nn::Generator rng(1);
    CHECK(model.layers()[i]->build(model.layers()[i]->in_shape(), rng) == expected[i]);
  }
  CHECK(model.param_count() == 320 + 18496 + 36928 + 36928 + 650);
  const std::string s = model.summary();
  CHECK(s.find("conv2d_2 (conv2d)") != std::string::npos);
  CHECK(s.find("(None, 64, 3, 3)") != std::string::npos);
  CHECK(s.find("Total params: 93,322") != std::string::npos);
}
// [capstone-summary-test]

TEST_CASE("a Dense layer that expects 576 features names both shapes when given 1600") {
  // Without the third convolution, Flatten would give 64*5*5 = 1600 features.
  nn::Generator rng(1);
  nn::Dense<float> dense(64);
  dense.set_name("dense");
  dense.build({576}, rng);
  CHECK_THROWS_WITH_AS(dense.forward(xt::zeros<float>({64, 1600})),
                       "dense input: expected (N, 576), got (64, 1600)", nn::shape_error);
}

TEST_CASE("the capstone learns where a bright square is, the same way every time") {
  // 32 noisy images; class k (0..3) has a bright 10x10 square in quadrant k.
  nn::Generator rng(3);
  Tensor<float> x = Tensor<float>::from_shape({32, 1, 28, 28});
  for (auto& v : x) v = static_cast<float>(0.2 * rng.uniform());
  Tensor<float> y = Tensor<float>::from_shape({32});
  for (std::size_t n = 0; n < 32; ++n) {
    const std::size_t k = n % 4, top = 2 + 14 * (k / 2), left = 2 + 14 * (k % 2);
    y(n) = static_cast<float>(k);
    for (std::size_t i = top; i < top + 10; ++i)
      for (std::size_t j = left; j < left + 10; ++j) x(n, 0, i, j) = 1.0f;
  }
  auto run = [&] {
    auto model = keras_mnist_cnn(7);
    model.compile(nn::RMSprop(), nn::SoftmaxCrossEntropy(), {"accuracy"});
    return model.fit(x, y, {.epochs = 10, .batch_size = 8, .verbose = 0});
  };
  const auto first = run();
  // the loss starts near ln 10 = 2.30 (ten outputs, no idea yet) and falls
  CHECK(first.values.at("loss").front() > 1.0);
  CHECK(first.values.at("loss").back() < 0.1);
  CHECK(first.values.at("accuracy").back() == 1.0);
  CHECK(run().values.at("loss") == first.values.at("loss"));
}
