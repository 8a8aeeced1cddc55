// Tests for chapter 3's exercises. Each exercise is one doctest suite:
//   ./nnbook exercise ex3.1     (or: build/exercises/exercise_tests -ts=ex3.1)
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "nn/dense.hpp"
#include "nn/loss.hpp"
#include "nn/model.hpp"
#include "test_support.hpp"

// The functions under test, defined in exercises/03_backprop/ (or solutions/03_backprop/).
namespace ex {
struct TwoLayerGradients {
  nn::Tensor<double> dW1, db1, dW2, db2, dx;
};
TwoLayerGradients two_layer_backward(const nn::Tensor<double>& x, const nn::Tensor<double>& W1,
                                     const nn::Tensor<double>& b1, const nn::Tensor<double>& W2,
                                     const nn::Tensor<double>& b2, const nn::Tensor<double>& t);
nn::Tensor<double> numerical_gradient(const std::function<double(const nn::Tensor<double>&)>& f,
                                      const nn::Tensor<double>& x, double h = 1e-5);
nn::Tensor<double> softmax_cross_entropy_grad(const nn::Tensor<double>& z,
                                              const nn::Tensor<double>& t);
void swish_forward(const nn::Tensor<double>& x, nn::Tensor<double>& y);
void swish_backward(const nn::Tensor<double>& x, const nn::Tensor<double>& dy,
                    nn::Tensor<double>& dx);
}  // namespace ex

namespace {

using nn::Tensor;
using nn::test::check_close;
using nn::test::random_tensor;

// The largest relative error |a - n| / max(|a|, |n|, 1e-8) over all elements,
// measured as nn::gradcheck measures it.
double max_relative_error(const Tensor<double>& analytic, const Tensor<double>& numerical) {
  REQUIRE(nn::to_string(nn::shape_of(numerical)) == nn::to_string(nn::shape_of(analytic)));
  double worst = 0;
  for (std::size_t i = 0; i < analytic.size(); ++i) {
    const double a = analytic.data()[i], n = numerical.data()[i];
    worst = std::max(worst, std::abs(a - n) / std::max({std::abs(a), std::abs(n), 1e-8}));
  }
  return worst;
}

}  // namespace

TEST_SUITE("ex3.1") {
  TEST_CASE("two-layer backward reproduces the chapter's network worked by hand") {
    const Tensor<double> x = {{1.0, 2.0}};
    const Tensor<double> W1 = {{0.5, -1.0}, {-0.5, 0.25}};
    const Tensor<double> b1 = {0.5, 0.5};
    const Tensor<double> W2 = nn::column({1.0, -1.0});
    const Tensor<double> b2 = {0.0};
    const Tensor<double> t = nn::column({1.0});
    const ex::TwoLayerGradients g = ex::two_layer_backward(x, W1, b1, W2, b2, t);
    // forward: z1 = (1*0.5 + 2*(-0.5) + 0.5, 1*(-1) + 2*0.25 + 0.5) = (0, 0), h = (0.5, 0.5)
    //          z2 = 0.5*1 + 0.5*(-1) + 0 = 0, y = 0.5;  L = (0.5 - 1)^2 = 0.25
    // dL/dy = 2 (y - t) = -1;  dz2 = -1 * 0.5 * (1 - 0.5) = -0.25
    // dW2 = h^T dz2 = (0.5 * -0.25, 0.5 * -0.25) = (-0.125, -0.125);  db2 = -0.25
    check_close("dW2", g.dW2, nn::column({-0.125, -0.125}));
    check_close("db2", g.db2, Tensor<double>{-0.25});
    // dh = dz2 W2^T = (-0.25, 0.25);  dz1 = dh * h (1 - h) = (-0.0625, 0.0625)
    // dW1 = x^T dz1: row d is x_d * dz1 = (1 * dz1, 2 * dz1)
    check_close("dW1", g.dW1, Tensor<double>{{-0.0625, 0.0625}, {-0.125, 0.125}});
    check_close("db1", g.db1, Tensor<double>{-0.0625, 0.0625});
    // dx = dz1 W1^T: dx1 = -0.0625*0.5 + 0.0625*(-1) = -0.09375
    //                dx2 = -0.0625*(-0.5) + 0.0625*0.25 = 0.046875
    check_close("dx", g.dx, Tensor<double>{{-0.09375, 0.046875}});
  }

  TEST_CASE("two-layer backward agrees with nn::Sequential on a random batch of three") {
    // N = 3 examples, D = 3 inputs, M = 4 hidden units, U = 2 outputs: the mean over
    // N U = 6 terms shows a missing or wrong 1/(N U).
    nn::Generator rng(31);
    nn::Sequential<double> model({3}, 8);
    auto& hidden = model.add(nn::Dense<double>(4, nn::Activation::sigmoid));
    auto& output = model.add(nn::Dense<double>(2, nn::Activation::sigmoid));
    hidden.set_input_gradient(true);  // a model skips the first layer's dx; the test wants it
    hidden.b = random_tensor({4}, rng);
    output.b = random_tensor({2}, rng);
    const Tensor<double> x = random_tensor({3, 3}, rng);
    const Tensor<double> t = 0.5 + 0.5 * random_tensor({3, 2}, rng);  // targets in [0, 1)
    nn::MeanSquaredError<double> mse;
    mse.forward(model.forward(x), t);
    const Tensor<double> dx_ref = model.backward(mse.backward());

    const ex::TwoLayerGradients g = ex::two_layer_backward(x, hidden.W, hidden.b, output.W,
                                                           output.b, t);
    check_close("dW2", g.dW2, output.dW);
    check_close("db2", g.db2, output.db);
    check_close("dW1", g.dW1, hidden.dW);
    check_close("db1", g.db1, hidden.db);
    check_close("dx", g.dx, dx_ref);
  }
}

TEST_SUITE("ex3.2") {
  TEST_CASE("central differences of sum x^2 give its gradient 2x") {
    // f(x) = sum x_i^2: (f(x + h e_i) - f(x - h e_i)) / 2h = ((x_i + h)^2 - (x_i - h)^2) / 2h
    //      = 4 x_i h / 2h = 2 x_i exactly, up to rounding. A forward difference is off by h = 1e-5.
    auto f = [](const Tensor<double>& x) { return double(xt::sum(x * x)()); };
    const Tensor<double> x = {{1.0, -2.0, 0.5}, {3.0, 0.0, -1.5}};
    const Tensor<double> expected = {{2.0, -4.0, 1.0}, {6.0, 0.0, -3.0}};
    check_close("g", ex::numerical_gradient(f, x), expected, 1e-8);
  }

  TEST_CASE("central differences of sum x^3 give 3x^2, with an error like h^2") {
    // the central difference of x^3 is 3x^2 + h^2 exactly: 1e-6 here with h = 1e-3
    auto f = [](const Tensor<double>& x) { return double(xt::sum(x * x * x)()); };
    const Tensor<double> x = {1.0, -2.0, 4.0};
    const Tensor<double> expected = {3.000001, 12.000001, 48.000001};
    check_close("g", ex::numerical_gradient(f, x, 1e-3), expected, 1e-9);
  }

  TEST_CASE("numerical gradient of softmax cross-entropy agrees with the library's backward") {
    // Every logit of a row moves every p of that row, so an element left moved while the
    // next is measured shows here.
    nn::Generator rng(32);
    const Tensor<double> z = 3.0 * random_tensor({4, 3}, rng);
    const Tensor<double> t = {2.0, 0.0, 1.0, 2.0};
    nn::SoftmaxCrossEntropy<double> loss;
    loss.forward(z, t);
    const Tensor<double> analytic = loss.backward();
    nn::SoftmaxCrossEntropy<double> probe;  // a second loss object, so `analytic` stays as it is
    auto f = [&](const Tensor<double>& at) { return double(probe.forward(at, t)); };
    const Tensor<double> numerical = ex::numerical_gradient(f, z);
    const double error = max_relative_error(analytic, numerical);
    INFO("largest relative error: ", error);
    CHECK(error < 1e-7);
  }
}

TEST_SUITE("ex3.3") {
  TEST_CASE("softmax cross-entropy gradient of the chapter's two logits is p - onehot") {
    // z = (0, ln 3): e^z = (1, 3), softmax = (1/4, 3/4); target class 1, onehot (0, 1)
    // dL/dz = (1/4 - 0, 3/4 - 1) / 1 = (0.25, -0.25)
    const Tensor<double> z = {{0.0, std::log(3.0)}};
    check_close("dz", ex::softmax_cross_entropy_grad(z, Tensor<double>{1.0}),
                Tensor<double>{{0.25, -0.25}});
  }

  TEST_CASE("softmax cross-entropy gradient divides by the batch size") {
    // N = 2 rows of C = 3 logits; each row's p - onehot is halved by the mean over the batch
    //   row 1: z = (0, ln 2, ln 5): softmax (1/8, 2/8, 5/8), target 2:  (0.125, 0.25, -0.375) / 2
    //   row 2: z = (ln 3, 0, 0):    softmax (3/5, 1/5, 1/5), target 0: (-0.4, 0.2, 0.2) / 2
    const Tensor<double> z = {{0.0, std::log(2.0), std::log(5.0)}, {std::log(3.0), 0.0, 0.0}};
    const Tensor<double> t = {2.0, 0.0};
    check_close("dz", ex::softmax_cross_entropy_grad(z, t),
                Tensor<double>{{0.0625, 0.125, -0.1875}, {-0.2, 0.1, 0.1}});
  }

  TEST_CASE("softmax cross-entropy gradient agrees with the library's on a batch of four") {
    nn::Generator rng(33);
    const Tensor<double> z = 3.0 * random_tensor({4, 5}, rng);
    const Tensor<double> t = {4.0, 0.0, 2.0, 2.0};
    nn::SoftmaxCrossEntropy<double> loss;
    loss.forward(z, t);
    check_close("dz", ex::softmax_cross_entropy_grad(z, t), loss.backward());
  }

  TEST_CASE("softmax cross-entropy gradient stays finite for huge logits") {
    // z = (1000, 0, -1000): e^1000 overflows a double, e^(1000 - 1000) = 1 does not.
    // softmax = (1, e^-1000, e^-2000) = (1, 0, 0) to double precision; target 1
    // dL/dz = (1 - 0, 0 - 1, 0 - 0) = (1, -1, 0)
    const Tensor<double> z = {{1000.0, 0.0, -1000.0}};
    check_close("dz", ex::softmax_cross_entropy_grad(z, Tensor<double>{1.0}),
                Tensor<double>{{1.0, -1.0, 0.0}});
  }
}

TEST_SUITE("ex3.4") {
  TEST_CASE("swish backward at values worked by hand") {
    // x = 0: s = 1/2, dx = dy (1/2 + 0) = dy / 2
    // x = ln 3: s = 3/4, dx = dy (3/4 + ln 3 * 3/4 * 1/4) = 0.955993 dy
    const Tensor<double> x = {{0.0, std::log(3.0)}}, dy = {{2.0, 1.0}};
    Tensor<double> dx = nn::test::filled({1, 2}, nn::test::leftover);
    ex::swish_backward(x, dy, dx);
    check_close("dx", dx, Tensor<double>{{1.0, 0.75 + std::log(3.0) * 0.1875}});
  }

  TEST_CASE("swish backward agrees with central differences of the forward") {
    nn::Generator rng(34);
    const Tensor<double> x = 3.0 * random_tensor({3, 4}, rng), r = random_tensor({3, 4}, rng);
    // L = sum y r, so dL/dy = r
    auto loss = [&](const Tensor<double>& at) {
      Tensor<double> y = xt::zeros<double>({3, 4});
      ex::swish_forward(at, y);
      return double(xt::sum(y * r)());
    };
    Tensor<double> dx = nn::test::filled({3, 4}, nn::test::leftover);
    ex::swish_backward(x, r, dx);
    check_close("dx", dx, nn::test::central_differences(loss, x), 1e-7);
  }
}
