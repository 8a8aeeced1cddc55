// Chapter 1 checks: the numbers worked by hand in the text, then the gradient checker.
#include <doctest/doctest.h>

#include "nn/gradcheck.hpp"
#include "nn/neuron.hpp"

#include <xtensor/xbuilder.hpp>

using nn::Activation;
using nn::Tensor;

TEST_CASE("each activation and its derivative match values worked by hand") {
  // sigmoid(0) = 1/(1+1) = 0.5;  sigmoid'(0) = 0.5 * (1 - 0.5) = 0.25
  CHECK(nn::activate(Activation::sigmoid, 0.0) == 0.5);
  CHECK(nn::derivative_from_output(Activation::sigmoid, 0.5) == 0.25);
  // tanh(0) = 0;  tanh'(0) = 1 - 0^2 = 1
  CHECK(nn::activate(Activation::tanh, 0.0) == 0.0);
  CHECK(nn::derivative_from_output(Activation::tanh, 0.0) == 1.0);
  // relu(-2) = 0, relu(3) = 3;  slope 0 left of the kink, 1 right of it
  CHECK(nn::activate(Activation::relu, -2.0) == 0.0);
  CHECK(nn::activate(Activation::relu, 3.0) == 3.0);
  CHECK(nn::derivative_from_output(Activation::relu, 0.0) == 0.0);
  CHECK(nn::derivative_from_output(Activation::relu, 3.0) == 1.0);
  // leaky relu(-2) = 0.01 * -2 = -0.02;  slope 0.01 left of the kink
  CHECK(nn::activate(Activation::leaky_relu, -2.0) == doctest::Approx(-0.02));
  CHECK(nn::derivative_from_output(Activation::leaky_relu, -0.02) == doctest::Approx(0.01));
}

// [worked-example-test]
// The neuron of the text: two inputs, weights (0.5, -1.5), bias 0.5, sigmoid.
nn::Neuron<double> worked_neuron() {
  nn::Generator rng(1);
  nn::Neuron<double> neuron(Activation::sigmoid);
  neuron.build({2}, rng);
  neuron.w = {0.5, -1.5};
  neuron.b = {0.5};
  return neuron;
}

TEST_CASE("one sigmoid neuron: forward, squared error and gradients as worked in the text") {
  auto neuron = worked_neuron();
  const Tensor<double> x = {{2.0, 1.0}};
  const double y = 1.0;

  SUBCASE("forward") {
    // z = 2*0.5 + 1*(-1.5) + 0.5 = 0;  a = sigmoid(0) = 0.5
    const auto& a = neuron.forward(x);
    CHECK(a(0, 0) == 0.5);
    // L = 1/2 (a - y)^2 = 1/2 * 0.25 = 0.125
    CHECK(0.5 * (a(0, 0) - y) * (a(0, 0) - y) == 0.125);
  }
  SUBCASE("backward") {
    const auto& a = neuron.forward(x);
    const Tensor<double> da = xt::full_like(a, a(0, 0) - y);  // dL/da = a - y = -0.5
    const auto& dx = neuron.backward(da);
    // dL/dz = dL/da * a(1 - a) = -0.5 * 0.25 = -0.125
    // dL/dw = dL/dz * x = (-0.125*2, -0.125*1) = (-0.25, -0.125)
    CHECK(neuron.dw(0) == -0.25);
    CHECK(neuron.dw(1) == -0.125);
    // dL/db = dL/dz = -0.125
    CHECK(neuron.db(0) == -0.125);
    // dL/dx = dL/dz * w = (-0.125*0.5, -0.125*(-1.5)) = (-0.0625, 0.1875)
    CHECK(dx(0, 0) == -0.0625);
    CHECK(dx(0, 1) == 0.1875);
  }
  SUBCASE("one gradient-descent step lowers the loss") {
    const auto& a = neuron.forward(x);
    neuron.backward(xt::full_like(a, a(0, 0) - y));
    // learning rate 1: w = (0.5 + 0.25, -1.5 + 0.125) = (0.75, -1.375); b = 0.5 + 0.125 = 0.625
    neuron.w -= neuron.dw;
    neuron.b -= neuron.db;
    // z = 2*0.75 + 1*(-1.375) + 0.625 = 0.75;  a = sigmoid(0.75) = 0.679179
    const auto& a2 = neuron.forward(x);
    CHECK(a2(0, 0) == doctest::Approx(0.679179).epsilon(1e-6));
    // L = 1/2 (0.679179 - 1)^2 = 0.051463, down from 0.125
    CHECK(0.5 * (a2(0, 0) - y) * (a2(0, 0) - y) == doctest::Approx(0.051463).epsilon(1e-5));
  }
}
// [worked-example-test]

TEST_CASE("gradients accumulate across backward calls until zeroed") {
  auto neuron = worked_neuron();
  const Tensor<double> x = {{2.0, 1.0}};
  const Tensor<double> da = xt::full_like(neuron.forward(x), -0.5);
  neuron.backward(da);
  neuron.backward(da);
  CHECK(neuron.db(0) == -0.25);  // -0.125 twice
  neuron.zero_grad();
  CHECK(neuron.db(0) == 0.0);
}

// [gradcheck-test]
TEST_CASE("the neuron's backward agrees with central differences for every activation") {
  for (auto f : {Activation::sigmoid, Activation::tanh, Activation::relu,
                 Activation::leaky_relu, Activation::none}) {
    CAPTURE(nn::to_string(f));
    nn::Generator rng(3);
    nn::Neuron<double> neuron(f);
    neuron.build({4}, rng);
    neuron.b = {0.1};
    // 5 examples of 4 features, chosen away from ReLU's kink at z = 0
    const Tensor<double> x = {{0.5, -1.0, 2.0, 0.3},
                              {1.5, 0.2, -0.7, 0.9},
                              {-0.4, 0.8, 0.1, -1.2},
                              {0.9, 0.9, 0.9, 0.9},
                              {-2.0, 0.5, 1.0, 0.0}};
    const auto result = nn::gradcheck_layer(neuron, x);
    INFO(result.report());
    CHECK(result.max_rel_error < 1e-7);
  }
}
// [gradcheck-test]

TEST_CASE("a neuron rejects a batch with the wrong number of features, naming both shapes") {
  nn::Generator rng(1);
  nn::Neuron<float> neuron;
  neuron.build({2}, rng);
  const Tensor<float> x = {{1.f, 2.f, 3.f}};
  CHECK_THROWS_WITH_AS(neuron.forward(x), "neuron input: expected (N, 2), got (1, 3)",
                       nn::shape_error);
}
