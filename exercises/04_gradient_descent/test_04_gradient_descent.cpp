// Tests for chapter 4's exercises. Each exercise is one doctest suite:
//   ./nnbook exercise ex4.1     (or: build/exercises/exercise_tests -ts=ex4.1)
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "nn/data/dataset.hpp"
#include "nn/optimizer.hpp"
#include "test_support.hpp"

// The functions under test, defined in exercises/04_gradient_descent/
// (or solutions/04_gradient_descent/).
namespace ex {
void momentum_step(nn::Tensor<double>& w, nn::Tensor<double>& v, const nn::Tensor<double>& g,
                   double lr, double mu);
void adam_step(nn::Tensor<double>& w, nn::Tensor<double>& m, nn::Tensor<double>& v, long& t,
               const nn::Tensor<double>& g, double lr = 1e-3, double beta_1 = 0.9,
               double beta_2 = 0.999, double epsilon = 1e-7);
std::vector<std::vector<std::size_t>> minibatches(const std::vector<std::size_t>& order,
                                                  std::size_t B);
double huber_loss(const nn::Tensor<double>& y, const nn::Tensor<double>& t, double delta);
nn::Tensor<double> huber_grad(const nn::Tensor<double>& y, const nn::Tensor<double>& t,
                              double delta);
}  // namespace ex

namespace {

using nn::Tensor;
using nn::test::check_close;
using nn::test::check_value;
using nn::test::random_tensor;

// The gradient of step k (0, 1, ...) of the optimizer comparisons: it changes size and sign
// from step to step, and element 2 is tiny (1e-6), where Adam's epsilon = 1e-7 matters.
Tensor<double> gradient_at_step(int k) {
  return Tensor<double>{0.5 * std::cos(k), -1.0 + 0.3 * k, 1e-6 * (k % 3 == 0 ? -1 : 1)};
}

}  // namespace

TEST_SUITE("ex4.1") {
  TEST_CASE("momentum steps on one weight, worked by hand (w = 1, g = 0.5, lr 0.1, mu 0.9)") {
    Tensor<double> w = {1.0}, v = {0.0};
    const Tensor<double> g = {0.5};
    ex::momentum_step(w, v, g, 0.1, 0.9);
    // v = 0.9 * 0 - 0.1 * 0.5 = -0.05;  w = 1 - 0.05 = 0.95
    check_value("v", v(0), -0.05, 1e-9);
    check_value("w", w(0), 0.95, 1e-9);
    ex::momentum_step(w, v, g, 0.1, 0.9);
    // v = 0.9 * (-0.05) - 0.05 = -0.095;  w = 0.95 - 0.095 = 0.855
    check_value("v", v(0), -0.095, 1e-9);
    check_value("w", w(0), 0.855, 1e-9);
  }

  TEST_CASE("momentum steps agree with nn::SGD over ten steps of changing gradients") {
    nn::SGD<double> sgd(0.1, 0.9);
    Tensor<double> w_ref = {1.0, -2.0, 0.5}, g_ref = xt::zeros<double>({3});
    std::vector<nn::Param<double>> params = {{"w", &w_ref, &g_ref}};
    Tensor<double> w = w_ref, v = xt::zeros<double>({3});
    for (int k = 0; k < 10; ++k) {
      CAPTURE(k);
      g_ref = gradient_at_step(k);
      sgd.step(params);
      ex::momentum_step(w, v, g_ref, 0.1, 0.9);
      check_close("w after step " + std::to_string(k + 1), w, w_ref, 1e-12);
    }
  }
}

TEST_SUITE("ex4.2") {
  TEST_CASE("Adam's first steps on one weight, worked by hand (w = 1, g = 0.5, Keras defaults)") {
    Tensor<double> w = {1.0}, m = {0.0}, v = {0.0};
    long t = 0;
    const Tensor<double> g = {0.5};
    ex::adam_step(w, m, v, t, g);
    // t = 1: m = 0.1 * 0.5 = 0.05, v = 0.001 * 0.25 = 0.00025
    //        m^ = 0.05 / (1 - 0.9) = 0.5, v^ = 0.00025 / (1 - 0.999) = 0.25
    //        w = 1 - 0.001 * 0.5 / (sqrt(0.25) + 1e-7) = 0.999: the first step is lr
    CHECK(t == 1);
    check_value("m", m(0), 0.05, 1e-9);
    check_value("v", v(0), 0.00025, 1e-9);
    check_value("w", w(0), 0.999, 1e-9);
    ex::adam_step(w, m, v, t, g);
    // t = 2: m = 0.9 * 0.05 + 0.05 = 0.095, v = 0.999 * 0.00025 + 0.00025 = 0.00049975
    //        m^ = 0.095 / 0.19 = 0.5, v^ = 0.00049975 / 0.001999 = 0.25: again a step of lr
    CHECK(t == 2);
    check_value("m", m(0), 0.095, 1e-9);
    check_value("v", v(0), 0.00049975, 1e-9);
    check_value("w", w(0), 0.998, 1e-9);
  }

  TEST_CASE("Adam steps agree with nn::Adam over ten steps of changing gradients") {
    nn::Adam<double> adam(0.01);
    Tensor<double> w_ref = {1.0, -2.0, 0.5}, g_ref = xt::zeros<double>({3});
    std::vector<nn::Param<double>> params = {{"w", &w_ref, &g_ref}};
    Tensor<double> w = w_ref, m = xt::zeros<double>({3}), v = xt::zeros<double>({3});
    long t = 0;
    for (int k = 0; k < 10; ++k) {
      CAPTURE(k);
      g_ref = gradient_at_step(k);
      adam.step(params);
      ex::adam_step(w, m, v, t, g_ref, 0.01);
      check_close("w after step " + std::to_string(k + 1), w, w_ref, 1e-12);
    }
    CHECK(t == 10);
  }
}

TEST_SUITE("ex4.3") {
  TEST_CASE("ten shuffled examples in batches of four: sizes 4, 4, 2, each index once, in order") {
    nn::Generator rng(43);
    const std::vector<std::size_t> order = rng.permutation(10);
    const auto batches = ex::minibatches(order, 4);
    // ceil(10 / 4) = 3 batches: 4 + 4 + 2 = 10
    REQUIRE(batches.size() == 3);
    CHECK(batches[0].size() == 4);
    CHECK(batches[1].size() == 4);
    CHECK(batches[2].size() == 2);
    // read one after the other, the batches are the order itself
    std::vector<std::size_t> joined;
    for (const auto& batch : batches) joined.insert(joined.end(), batch.begin(), batch.end());
    CHECK(joined == order);
  }

  TEST_CASE("the chapter's order of ten, by hand") {
    const std::vector<std::size_t> order = {7, 2, 9, 0, 4, 1, 8, 3, 6, 5};
    using Batches = std::vector<std::vector<std::size_t>>;
    CHECK(ex::minibatches(order, 4) == Batches{{7, 2, 9, 0}, {4, 1, 8, 3}, {6, 5}});
    // B = N: batch gradient descent, one batch of everything
    CHECK(ex::minibatches(order, 10) == Batches{order});
    // B = 1: stochastic gradient descent, one example per step
    CHECK(ex::minibatches(order, 1).size() == 10);
  }

  TEST_CASE("no empty batch when B divides N, and one short batch when B exceeds N") {
    const std::vector<std::size_t> eight = {3, 1, 4, 0, 5, 2, 7, 6};
    // 8 / 4 = 2 batches exactly, not a third empty one
    CHECK(ex::minibatches(eight, 4).size() == 2);
    const std::vector<std::size_t> three = {2, 0, 1};
    // B = 5 > N = 3: a single batch of all three
    CHECK(ex::minibatches(three, 5) == std::vector<std::vector<std::size_t>>{{2, 0, 1}});
    // no examples, no batches
    CHECK(ex::minibatches({}, 4).empty());
  }

  TEST_CASE("each batch selects the rows nn::gather_batch copies for that step of an epoch") {
    nn::Generator rng(44);
    const std::size_t N = 11, B = 3;
    Tensor<double> x = Tensor<double>::from_shape({N, 2});
    for (std::size_t n = 0; n < N; ++n) {  // row n is (n, -n): a row shows its own index
      x(n, 0) = double(n);
      x(n, 1) = -double(n);
    }
    const std::vector<std::size_t> order = rng.permutation(N);
    const auto batches = ex::minibatches(order, B);
    REQUIRE(batches.size() == (N + B - 1) / B);
    Tensor<double> expected;
    for (std::size_t step = 0; step < batches.size(); ++step) {
      CAPTURE(step);
      // the training loop's batch of this step: `count` rows from position step * B of order
      const std::size_t count = std::min(B, N - step * B);
      nn::gather_batch(x, order, step * B, count, expected);
      REQUIRE(batches[step].size() == count);
      for (std::size_t i = 0; i < count; ++i) CHECK(x(batches[step][i], 0) == expected(i, 0));
    }
  }
}

TEST_SUITE("ex4.4") {
  TEST_CASE("the Huber gradient of four predictions, worked by hand (delta = 1)") {
    // r = y - t = (0.5, -0.25, 3, -2): the first two are within delta, the last two beyond
    // dL/dy = (0.5, -0.25, 1 * sign(3), 1 * sign(-2)) / 4 = (0.125, -0.0625, 0.25, -0.25)
    const Tensor<double> y = {{1.5, 0.75}, {3.0, -1.0}}, t = {{1.0, 1.0}, {0.0, 1.0}};
    check_close("dy", ex::huber_grad(y, t, 1.0), Tensor<double>{{0.125, -0.0625}, {0.25, -0.25}});
  }

  TEST_CASE("the Huber gradient agrees with central differences of the loss") {
    // residuals between -3 and 3 against delta = 0.8 and 1.5: both pieces, both signs
    nn::Generator rng(45);
    const Tensor<double> t = random_tensor({3, 5}, rng);
    const Tensor<double> y = t + 3.0 * random_tensor({3, 5}, rng);
    for (double delta : {0.8, 1.5}) {
      CAPTURE(delta);
      auto loss = [&](const Tensor<double>& at) { return ex::huber_loss(at, t, delta); };
      check_close("dy", ex::huber_grad(y, t, delta), nn::test::central_differences(loss, y), 1e-7);
    }
  }
}
