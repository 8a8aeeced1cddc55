// Chapter 3 checks: a 2-2-1 network worked by hand, the gradient checker on every
// layer and loss of the library, and the classic pitfalls of backpropagation.
#include <doctest/doctest.h>

#include "nn/conv2d.hpp"
#include "nn/dense.hpp"
#include "nn/flatten.hpp"
#include "nn/gradcheck.hpp"
#include "nn/loss.hpp"
#include "nn/model.hpp"
#include "nn/neuron.hpp"
#include "nn/pooling.hpp"
#include "test_support.hpp"

using nn::Activation;
using nn::Tensor;
using nn::test::random_tensor;

namespace {
// The network of the text: x (1, 2) -> Dense(2, sigmoid) -> Dense(1, sigmoid) -> MSE.
nn::Sequential<double> worked_network() {
  nn::Sequential<double> model({2});
  auto& hidden = model.add(nn::Dense<double>(2, Activation::sigmoid));
  auto& output = model.add(nn::Dense<double>(1, Activation::sigmoid));
  hidden.W = {{0.5, -1.0}, {-0.5, 0.25}};  // W1[d][u]: from input d to hidden unit u
  hidden.b = {0.5, 0.5};
  output.W = nn::column({1.0, -1.0});
  output.b = {0.0};
  return model;
}
}  // namespace

// [worked-network-test]
TEST_CASE("a 2-2-1 sigmoid network: every forward value and gradient as worked in the text") {
  auto model = worked_network();
  auto& hidden = dynamic_cast<nn::Dense<double>&>(*model.layers()[0]);
  auto& output = dynamic_cast<nn::Dense<double>&>(*model.layers()[1]);
  hidden.set_input_gradient(true);  // a model skips the first layer's dx; the text wants it
  const Tensor<double> x = {{1.0, 2.0}};
  const Tensor<double> t = nn::column({1.0});

  // forward
  const Tensor<double> h = hidden.forward(x);
  // z1 = 1*0.5 + 2*(-0.5) + 0.5 = 0,  z2 = 1*(-1) + 2*0.25 + 0.5 = 0;  h = sigmoid(0) = 0.5
  CHECK(h(0, 0) == 0.5);
  CHECK(h(0, 1) == 0.5);
  // z3 = 0.5*1 + 0.5*(-1) + 0 = 0;  y = sigmoid(0) = 0.5
  const Tensor<double> y = output.forward(h);
  CHECK(y(0, 0) == 0.5);
  // L = (y - t)^2 = (0.5 - 1)^2 = 0.25  (mean over N = 1, D = 1)
  nn::MeanSquaredError<double> mse;
  CHECK(mse.forward(y, t) == 0.25);

  // backward
  // dL/dy = 2 (y - t) = -1
  const Tensor<double> dy = mse.backward();
  CHECK(dy(0, 0) == -1.0);
  // dz3 = dL/dy * y (1 - y) = -1 * 0.25 = -0.25
  // dL/dv = dz3 * h = (-0.125, -0.125);  dL/dc = dz3 = -0.25;  dL/dh = dz3 * v = (-0.25, 0.25)
  const Tensor<double> dh = output.backward(dy);
  CHECK(output.dW(0, 0) == -0.125);
  CHECK(output.dW(1, 0) == -0.125);
  CHECK(output.db(0) == -0.25);
  CHECK(dh(0, 0) == -0.25);
  CHECK(dh(0, 1) == 0.25);
  // dz_hidden = dL/dh * h (1 - h) = (-0.25 * 0.25, 0.25 * 0.25) = (-0.0625, 0.0625)
  // dL/dW1 = x^T dz: row d is x_d * dz = (1 * dz, 2 * dz)
  const Tensor<double> dx = hidden.backward(dh);
  CHECK(hidden.dW(0, 0) == -0.0625);
  CHECK(hidden.dW(0, 1) == 0.0625);
  CHECK(hidden.dW(1, 0) == -0.125);
  CHECK(hidden.dW(1, 1) == 0.125);
  CHECK(hidden.db(0) == -0.0625);
  CHECK(hidden.db(1) == 0.0625);
  // dL/dx = dz W1^T: dx1 = -0.0625*0.5 + 0.0625*(-1) = -0.09375
  //                  dx2 = -0.0625*(-0.5) + 0.0625*0.25 = 0.046875
  CHECK(dx(0, 0) == -0.09375);
  CHECK(dx(0, 1) == 0.046875);
}
// [worked-network-test]

TEST_CASE("the worked network's gradients agree with central differences") {
  auto model = worked_network();
  const Tensor<double> x = {{1.0, 2.0}};
  const Tensor<double> t = nn::column({1.0});
  nn::MeanSquaredError<double> mse;
  model.forward(x);
  mse.forward(model.forward(x), t);
  model.backward(mse.backward());
  for (auto& p : model.params()) {
    const Tensor<double> analytic = *p.grad;
    auto result = nn::gradcheck([&] { return mse.forward(model.forward(x), t); }, *p.value,
                                analytic, p.name);
    INFO(result.report());
    CHECK(result.max_rel_error < 1e-7);
  }
}

// [gradcheck-every-layer]
TEST_CASE("every layer of the library passes the gradient check") {
  struct Case {
    std::string what;
    std::unique_ptr<nn::Layer<double>> layer;
    nn::Shape in_shape;
    double tolerance;  // 1e-7 for smooth layers; 1e-4 near the kinks of ReLU and max
  };
  std::vector<Case> cases;
  cases.push_back({"neuron tanh", std::make_unique<nn::Neuron<double>>(Activation::tanh), {3}, 1e-7});
  for (auto f : {Activation::none, Activation::sigmoid, Activation::tanh})
    cases.push_back({std::string("dense ") + nn::to_string(f),
                     std::make_unique<nn::Dense<double>>(4, f), {3}, 1e-7});
  cases.push_back({"dense relu", std::make_unique<nn::Dense<double>>(4, Activation::relu), {3}, 1e-4});
  cases.push_back({"sigmoid layer", std::make_unique<nn::ActivationLayer<double>>(Activation::sigmoid), {5}, 1e-7});
  cases.push_back({"leaky relu layer", std::make_unique<nn::ActivationLayer<double>>(Activation::leaky_relu), {5}, 1e-4});
  cases.push_back({"conv2d 3x3", std::make_unique<nn::Conv2D<double>>(3, 3), {2, 5, 5}, 1e-7});
  cases.push_back({"conv2d 2x2 stride 2 same", std::make_unique<nn::Conv2D<double>>(2, 2, Activation::none, 2, nn::Padding::same), {2, 5, 5}, 1e-7});
  cases.push_back({"max pool", std::make_unique<nn::MaxPool2D<double>>(2), {2, 4, 4}, 1e-4});
  cases.push_back({"average pool", std::make_unique<nn::AvgPool2D<double>>(2), {2, 4, 4}, 1e-7});
  cases.push_back({"flatten", std::make_unique<nn::Flatten<double>>(), {2, 3, 3}, 1e-7});
  for (auto& c : cases) {
    CAPTURE(c.what);
    nn::Generator rng(11);
    c.layer->build(c.in_shape, rng);
    const auto result = nn::gradcheck_layer(*c.layer, random_tensor(nn::batch_of(3, c.in_shape), 5));
    INFO(result.report());
    CHECK(result.max_rel_error < c.tolerance);
  }
}
// [gradcheck-every-layer]

TEST_CASE("every loss of the library passes the gradient check") {
  const Tensor<double> y = random_tensor({4, 3}, 1);
  SUBCASE("mean squared error") {
    nn::MeanSquaredError<double> loss;
    Tensor<double> out = y;
    const Tensor<double> t = random_tensor({4, 3}, 2);
    loss.forward(out, t);
    const Tensor<double> grad = loss.backward();
    auto r = nn::gradcheck([&] { return loss.forward(out, t); }, out, grad, "y");
    INFO(r.report());
    CHECK(r.max_rel_error < 1e-7);
  }
  SUBCASE("binary cross-entropy") {
    nn::BinaryCrossEntropy<double> loss;
    Tensor<double> p = 0.5 + 0.4 * y;  // probabilities in (0.1, 0.9)
    const Tensor<double> t = {{0.0, 1.0, 1.0}, {1.0, 0.0, 0.0}, {0.0, 0.0, 1.0}, {1.0, 1.0, 0.0}};
    loss.forward(p, t);
    const Tensor<double> grad = loss.backward();
    auto r = nn::gradcheck([&] { return loss.forward(p, t); }, p, grad, "p");
    INFO(r.report());
    CHECK(r.max_rel_error < 1e-7);
  }
  SUBCASE("softmax cross-entropy, class indices and one-hot rows") {
    nn::SoftmaxCrossEntropy<double> loss;
    Tensor<double> z = 3.0 * y;
    const Tensor<double> indices = {2.0, 0.0, 1.0, 2.0};
    const Tensor<double> one_hot = {{0.0, 0.0, 1.0}, {1.0, 0.0, 0.0}, {0.0, 1.0, 0.0}, {0.0, 0.0, 1.0}};
    for (const auto* t : {&indices, &one_hot}) {
      loss.forward(z, *t);
      const Tensor<double> grad = loss.backward();
      auto r = nn::gradcheck([&] { return loss.forward(z, *t); }, z, grad, "z");
      INFO(r.report());
      CHECK(r.max_rel_error < 1e-7);
    }
  }
}

// [pitfall-accumulate]
TEST_CASE("pitfall: parameter gradients accumulate until they are zeroed") {
  nn::Generator rng(1);
  nn::Dense<double> dense(2);
  dense.build({2}, rng);
  const Tensor<double> x = {{1.0, 2.0}};
  const Tensor<double> dy = {{1.0, -1.0}};
  dense.forward(x);
  dense.backward(dy);
  const Tensor<double> once = dense.dW;
  dense.backward(dy);  // a second backward without zero_grad adds the same gradient again
  CHECK(dense.dW(1, 0) == 2 * once(1, 0));
  dense.zero_grad();
  CHECK(dense.dW(1, 0) == 0.0);
}
// [pitfall-accumulate]

// [pitfall-reuse]
TEST_CASE("pitfall: a layer used twice keeps only its last input, so backward needs care") {
  // y = d(d(x)) with the same 1x1 dense layer d (weight w = 3, bias 0): y = 9x.
  nn::Generator rng(1);
  nn::Dense<double> d(1);
  d.build({1}, rng);
  d.W = nn::column({3.0});
  const Tensor<double> x = nn::column({2.0});
  const Tensor<double> h = d.forward(x);  // h = 6; d now caches x = 6, not 2
  const Tensor<double> y = d.forward(h);  // y = 18
  CHECK(y(0, 0) == 18.0);
  // True gradient: y = w^2 x  =>  dy/dw = 2 w x = 12.
  // Backward twice through the same cache uses x = 6 both times: 6 + 3*6 = 24, wrong.
  const Tensor<double> dh = d.backward(nn::column({1.0}));
  d.backward(dh);
  CHECK(d.dW(0, 0) == 24.0);
  // The fix: two layer objects (or a cache per use). Forward and backward in matching order:
  nn::Dense<double> first(1), second(1);
  first.build({1}, rng);
  second.build({1}, rng);
  first.W = second.W = nn::column({3.0});
  second.forward(first.forward(x));
  first.backward(second.backward(nn::column({1.0})));
  // shared weight => its gradient is the sum over both uses: dy/dw = w x + x w = 6 + 6 = 12
  CHECK(first.dW(0, 0) + second.dW(0, 0) == 12.0);
}
// [pitfall-reuse]

// [pitfall-softmax]
TEST_CASE("softmax with cross-entropy has the gradient p - t, divided by the batch size") {
  nn::SoftmaxCrossEntropy<double> loss;
  // z = (0, ln 3): softmax = (1/4, 3/4); target class 1
  const Tensor<double> z = {{0.0, std::log(3.0)}};
  const Tensor<double> t = {1.0};
  // L = -log(3/4) = 0.287682
  CHECK(loss.forward(z, t) == doctest::Approx(0.287682).epsilon(1e-6));
  // dL/dz = p - t = (1/4 - 0, 3/4 - 1) = (0.25, -0.25)
  CHECK(loss.backward()(0, 0) == doctest::Approx(0.25));
  CHECK(loss.backward()(0, 1) == doctest::Approx(-0.25));
}
// [pitfall-softmax]

TEST_CASE("softmax cross-entropy stays finite for huge logits") {
  nn::SoftmaxCrossEntropy<float> loss;
  const Tensor<float> z = {{1000.f, 0.f, -1000.f}};
  const Tensor<float> t = {1.f};
  // L = log(e^1000 + e^0 + e^-1000) - 0 = 1000 (after subtracting the max: 1000 + log(1 + ...))
  CHECK(loss.forward(z, t) == doctest::Approx(1000.f));
  CHECK(loss.backward()(0, 0) == doctest::Approx(1.f));
}
