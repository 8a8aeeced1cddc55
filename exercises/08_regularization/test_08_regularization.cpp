// Tests for chapter 8's exercises. Each exercise is one doctest suite:
//   ./nnbook exercise ex8.1     (or: build/exercises/exercise_tests -ts=ex8.1)
#include <doctest/doctest.h>

#include <vector>

#include "nn/batch_normalization.hpp"
#include "nn/dropout.hpp"
#include "nn/early_stopping.hpp"
#include "nn/gradcheck.hpp"
#include "nn/regularizer.hpp"
#include "test_support.hpp"

// The functions under test, defined in exercises/08_regularization/ (or solutions/08_regularization/).
namespace ex {
double l2_penalty(const nn::Tensor<double>& W, double l2);
void add_l2_gradient(const nn::Tensor<double>& W, double l2, nn::Tensor<double>& dW);
nn::Tensor<double> dropout_inference(const nn::Tensor<double>& x);
nn::Tensor<double> dropout_forward(const nn::Tensor<double>& x, const nn::Tensor<double>& keep,
                                   double p);
nn::Tensor<double> dropout_backward(const nn::Tensor<double>& dy, const nn::Tensor<double>& keep,
                                    double p);
struct Stopped {
  std::size_t epochs_run = 0;
  std::size_t best_epoch = 0;
};
Stopped replay_early_stopping(const std::vector<double>& val_loss, std::size_t patience,
                              double min_delta);
nn::Tensor<double> batchnorm_forward(const nn::Tensor<double>& x, double gamma, double beta,
                                     double eps);
nn::Tensor<double> batchnorm_backward(const nn::Tensor<double>& x, const nn::Tensor<double>& dy,
                                      double gamma, double eps);
}  // namespace ex

using nn::Tensor;
using nn::test::random_tensor;

TEST_SUITE("ex8.1") {
  TEST_CASE("the L2 gradient of a 2x2 kernel, worked by hand, is added to dW") {
    const Tensor<double> W = {{1.0, -2.0}, {0.5, 0.0}};
    Tensor<double> dW = {{10.0, 10.0}, {10.0, 10.0}};
    ex::add_l2_gradient(W, 0.1, dW);
    // 2 * 0.1 * W = [[0.2, -0.4], [0.1, 0]], added to the 10s already there
    nn::test::check_close("dW", dW, Tensor<double>{{10.2, 9.6}, {10.1, 10.0}});
  }

  TEST_CASE("the L2 gradient agrees with central differences of the penalty") {
    Tensor<double> W = random_tensor({3, 4}, 81);
    Tensor<double> dW = xt::zeros<double>({3, 4});
    ex::add_l2_gradient(W, 0.05, dW);
    const auto r = nn::gradcheck([&] { return ex::l2_penalty(W, 0.05); }, W, dW, "W");
    INFO(r.report());
    CHECK(r.max_rel_error < 1e-7);
  }

  TEST_CASE("the L2 gradient agrees with the library's add_penalty_gradient") {
    const Tensor<double> W = random_tensor({5, 2}, 82);
    Tensor<double> mine = random_tensor({5, 2}, 83), library = mine;
    ex::add_l2_gradient(W, 0.3, mine);
    nn::add_penalty_gradient(nn::L2(0.3), W, library);
    nn::test::check_close("dW", mine, library);
  }
}

TEST_SUITE("ex8.2") {
  TEST_CASE("dropout with p = 0.5 and a given mask, worked by hand") {
    const Tensor<double> x = {{1, 2, 3}, {4, 5, 6}};
    const Tensor<double> keep = {{1, 0, 1}, {0, 1, 1}};
    // kept values are divided by 1 - 0.5: doubled
    CHECK(ex::dropout_forward(x, keep, 0.5) == Tensor<double>{{2, 0, 6}, {0, 10, 12}});
    const Tensor<double> dy = {{1, 1, 1}, {0.5, 0.5, 0.5}};
    CHECK(ex::dropout_backward(dy, keep, 0.5) == Tensor<double>{{2, 0, 2}, {0, 1, 1}});
    CHECK(ex::dropout_inference(x) == x);
  }

  TEST_CASE("dropout with p = 0.2 keeps the mean: kept values are x / 0.8") {
    const Tensor<double> x = nn::test::filled({1, 5}, 4.0);
    const Tensor<double> keep = {{1, 1, 1, 1, 0}};  // one of five dropped, as p = 0.2 expects
    // 4 / 0.8 = 5 for the four kept: the mean (4 * 5 + 0) / 5 = 4 is x's
    CHECK(ex::dropout_forward(x, keep, 0.2) == Tensor<double>{{5, 5, 5, 5, 0}});
  }

  TEST_CASE("dropout forward and backward agree with the library's Dropout and the gradient checker") {
    nn::Generator rng(84);
    nn::Dropout<double> layer(0.3);
    layer.build({6}, rng);
    const Tensor<double> x = random_tensor({4, 6}, 85);
    const Tensor<double> y = layer.forward(x);  // draws a mask: 0 or 1/(1 - 0.3)
    const Tensor<double> keep = xt::cast<double>(xt::not_equal(layer.mask, 0.0));
    nn::test::check_close("forward", ex::dropout_forward(x, keep, 0.3), y);
    const Tensor<double> dy = random_tensor({4, 6}, 86);
    nn::test::check_close("backward", ex::dropout_backward(dy, keep, 0.3), layer.backward(dy));
    // d/dx of sum(dropout_forward(x) * dy) is dropout_backward(dy)
    Tensor<double> xv = x;
    const Tensor<double> dx = ex::dropout_backward(dy, keep, 0.3);
    const auto r = nn::gradcheck(
        [&] { return xt::sum(ex::dropout_forward(xv, keep, 0.3) * dy)(); }, xv, dx, "x");
    INFO(r.report());
    CHECK(r.max_rel_error < 1e-7);
  }
}

TEST_SUITE("ex8.3") {
  TEST_CASE("early stopping with patience 2 and min_delta 0.005, worked by hand") {
    // epoch 0: 1.0 (first); 1: 0.80 improves; 2: 0.81 wait 1; 3: 0.797 is not below
    // 0.80 - 0.005, wait 2 = patience: stop after 4 epochs, best epoch 1
    const ex::Stopped s = ex::replay_early_stopping({1.0, 0.8, 0.81, 0.797, 0.5, 0.4}, 2, 0.005);
    CHECK(s.epochs_run == 4);
    CHECK(s.best_epoch == 1);
  }

  TEST_CASE("an improvement resets the wait") {
    // 1.0 best; 1.1 wait 1; 0.9 improves, wait 0; 1.2 wait 1; 1.3 wait 2: stop after 5
    const ex::Stopped s = ex::replay_early_stopping({1.0, 1.1, 0.9, 1.2, 1.3, 0.1}, 2, 0.0);
    CHECK(s.epochs_run == 5);
    CHECK(s.best_epoch == 2);
  }

  TEST_CASE("a run that keeps improving is never stopped") {
    const ex::Stopped s = ex::replay_early_stopping({5, 4, 3, 2, 1}, 1, 0.0);
    CHECK(s.epochs_run == 5);
    CHECK(s.best_epoch == 4);
  }

  TEST_CASE("the replay agrees with the library's EarlyStopping on random curves") {
    nn::Generator rng(87);
    for (int trial = 0; trial < 50; ++trial) {
      CAPTURE(trial);
      std::vector<double> losses(12);
      for (double& v : losses) v = rng.uniform(0.5, 1.0);
      const std::size_t patience = rng.below(4);
      const double min_delta = rng.uniform() < 0.5 ? 0.0 : 0.05;
      nn::EarlyStopping es{.min_delta = min_delta, .patience = patience};
      std::size_t run = losses.size();
      for (std::size_t e = 0; e < losses.size(); ++e)
        if (es.update(e, losses[e])) {
          run = e + 1;
          break;
        }
      const ex::Stopped s = ex::replay_early_stopping(losses, patience, min_delta);
      CHECK(s.epochs_run == run);
      CHECK(s.best_epoch == es.best_epoch);
    }
  }
}

TEST_SUITE("ex8.4") {
  TEST_CASE("batch-norm backward on five values, worked by hand (gamma = 1, eps = 0)") {
    // x = 0, 0, 0, 0, 5: mean 1, variance 4, s = 1/2, xhat = -0.5 (four times) and 2
    // dy = 1 on the first: sum dy = 1, sum dy xhat = -0.5, gamma s / M = 0.1
    // dx_0 = 0.1 (5 - 1 - 0.25) = 0.375; dx_1..3 = 0.1 (0 - 1 - 0.25) = -0.125; dx_4 = 0.1 (0 - 1 + 1) = 0
    const Tensor<double> x = {0, 0, 0, 0, 5}, dy = {1, 0, 0, 0, 0};
    nn::test::check_close("dx", ex::batchnorm_backward(x, dy, 1.0, 0.0),
                          Tensor<double>{0.375, -0.125, -0.125, -0.125, 0.0});
  }

  TEST_CASE("batch-norm backward with gamma = 2 scales dx by 2, and dx sums to zero") {
    const Tensor<double> x = {0, 0, 0, 0, 5}, dy = {1, 0, 0, 0, 0};
    const Tensor<double> dx = ex::batchnorm_backward(x, dy, 2.0, 0.0);
    nn::test::check_close("dx", dx, Tensor<double>{0.75, -0.25, -0.25, -0.25, 0.0});
    const Tensor<double> dx2 = ex::batchnorm_backward(random_tensor({7}, 88, 3.0),
                                                      random_tensor({7}, 89), 1.5, 1e-3);
    CHECK(xt::sum(dx2)() == doctest::Approx(0.0).scale(1.0));  // a common shift changes no output
  }

  TEST_CASE("batch-norm backward agrees with central differences and with the library's layer") {
    Tensor<double> x = random_tensor({6}, 90, 2.0);
    const Tensor<double> dy = random_tensor({6}, 91);
    const Tensor<double> dx = ex::batchnorm_backward(x, dy, 1.3, 1e-3);
    const auto r = nn::gradcheck(
        [&] { return xt::sum(ex::batchnorm_forward(x, 1.3, 0.2, 1e-3) * dy)(); }, x, dx, "x");
    INFO(r.report());
    CHECK(r.max_rel_error < 1e-6);

    // the library's layer on the same numbers, as a batch of six examples with one feature
    nn::Generator rng(92);
    nn::BatchNormalization<double> bn(0.99, 1e-3);
    bn.build({1}, rng);
    bn.gamma = {1.3};
    bn.forward(xt::reshape_view(x, nn::Shape{6, 1}));
    const Tensor<double> library = bn.backward(xt::reshape_view(dy, nn::Shape{6, 1}));
    nn::test::check_close("dx", xt::reshape_view(dx, nn::Shape{6, 1}), library, 1e-9);
  }
}
