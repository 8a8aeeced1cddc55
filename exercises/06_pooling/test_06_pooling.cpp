// Tests for chapter 6's exercises. Each exercise is one doctest suite:
//   ./nnbook exercise ex6.1     (or: build/exercises/exercise_tests -ts=ex6.1)
#include <doctest/doctest.h>

#include "nn/pooling.hpp"
#include "test_support.hpp"

// The functions under test, defined in exercises/06_pooling/ (or solutions/06_pooling/).
namespace ex {
nn::Tensor<double> maxpool_forward(const nn::Tensor<double>& x, std::size_t K, std::size_t S);
nn::Tensor<double> maxpool_backward(const nn::Tensor<double>& x, const nn::Tensor<double>& dy,
                                    std::size_t K, std::size_t S);
nn::Tensor<double> l2pool_forward(const nn::Tensor<double>& x, std::size_t K, std::size_t S);
nn::Tensor<double> l2pool_backward(const nn::Tensor<double>& x, const nn::Tensor<double>& dy,
                                   std::size_t K, std::size_t S);
}  // namespace ex

using nn::test::check_close;
using nn::test::random_tensor;

TEST_SUITE("ex6.1") {
  TEST_CASE("max-pool backward sends each dy to its window's maximum, worked by hand") {
    // windows and their maxima: 4 at (1,0), 5 at (1,3), 6 at (2,1), 8 at (3,3)
    const nn::Tensor<double> x = {{1, 3, 2, 0}, {4, 2, 1, 5}, {0, 6, 7, 1}, {2, 1, 3, 8}};
    const nn::Tensor<double> dy = {{10, 20}, {30, 40}};
    check_close("dx", ex::maxpool_backward(x, dy, 2, 2), nn::Tensor<double>{{0, 0, 0, 0},
                                                                             {10, 0, 0, 20},
                                                                             {0, 30, 0, 0},
                                                                             {0, 0, 0, 40}});
  }

  TEST_CASE("overlapping windows add up the gradients of a shared maximum") {
    // K = 3, S = 2 on 5x5: the centre 9 is the maximum of all four windows
    const nn::Tensor<double> x = {{1, 2, 3, 2, 1},
                                  {2, 4, 5, 4, 2},
                                  {3, 5, 9, 5, 3},
                                  {2, 4, 5, 4, 2},
                                  {1, 2, 3, 2, 1}};
    const nn::Tensor<double> dy = {{1, 2}, {3, 4}};
    const nn::Tensor<double> dx = ex::maxpool_backward(x, dy, 3, 2);
    nn::Tensor<double> expected = xt::zeros<double>({5, 5});
    expected(2, 2) = 1 + 2 + 3 + 4;
    check_close("dx", dx, expected);
  }

  TEST_CASE("a tie goes to the first maximum in row-major order") {
    // window (0, 0): 5 at (0, 1) and (1, 0), the first in row-major order is (0, 1)
    // window (0, 1): 7 at (0, 2) and (1, 3): (0, 2) comes first
    // window (1, 0): all four are 2: the first is (2, 0)
    // window (1, 1): no tie, the 9 at (3, 3)
    const nn::Tensor<double> x = {{1, 5, 7, 0}, {5, 3, 1, 7}, {2, 2, 4, 1}, {2, 2, 3, 9}};
    const nn::Tensor<double> dy = {{10, 20}, {30, 40}};
    check_close("dx", ex::maxpool_backward(x, dy, 2, 2), nn::Tensor<double>{{0, 10, 20, 0},
                                                                             {0, 0, 0, 0},
                                                                             {30, 0, 0, 0},
                                                                             {0, 0, 0, 40}});
  }

  TEST_CASE("max-pool backward agrees with the library's MaxPool2D") {
    nn::Generator rng(61);
    for (auto [size, step] : {std::pair<std::size_t, std::size_t>{2, 2}, {3, 2}, {2, 1}, {3, 3}}) {
      const std::size_t K = size, S = step;  // named copies: doctest's CAPTURE cannot take a binding
      CAPTURE(K);
      CAPTURE(S);
      const nn::Tensor<double> x = random_tensor({7, 8}, rng);
      const std::size_t Ho = (7 - K) / S + 1, Wo = (8 - K) / S + 1;
      const nn::Tensor<double> dy = random_tensor({Ho, Wo}, rng);

      // the library's layer on the same numbers, as a batch of one single-channel image
      nn::MaxPool2D<double> pool(K, S);
      pool.build({1, 7, 8}, rng);
      const nn::Tensor<double> x4 = xt::reshape_view(x, nn::Shape{1, 1, 7, 8});
      const nn::Tensor<double> dy4 = xt::reshape_view(dy, nn::Shape{1, 1, Ho, Wo});
      const nn::Tensor<double> y = xt::reshape_view(pool.forward(x4), nn::Shape{Ho, Wo});
      const nn::Tensor<double> dx = xt::reshape_view(pool.backward(dy4), nn::Shape{7, 8});
      check_close("y", ex::maxpool_forward(x, K, S), y);
      check_close("dx", ex::maxpool_backward(x, dy, K, S), dx);
    }
  }
}

TEST_SUITE("ex6.2") {
  TEST_CASE("L2 pooling backward of one window, worked by hand") {
    // x = [[3, 0], [0, 4]]: y = sqrt(9 + 16) = 5, dy = 10
    // dx = dy x / y = 10 * (3, 0, 0, 4) / 5 = (6, 0, 0, 8)
    const nn::Tensor<double> x = {{3, 0}, {0, 4}};
    check_close("dx", ex::l2pool_backward(x, nn::test::filled({1, 1}, 10.0), 2, 2),
                nn::Tensor<double>{{6, 0}, {0, 8}});
  }

  TEST_CASE("L2 pooling backward agrees with central differences, windows apart and overlapping") {
    nn::Generator rng(62);
    for (auto [size, step] : {std::pair<std::size_t, std::size_t>{2, 2}, {3, 2}, {2, 1}, {3, 3}}) {
      const std::size_t K = size, S = step;  // named copies: CAPTURE cannot take a binding
      CAPTURE(K);
      CAPTURE(S);
      const nn::Tensor<double> x = random_tensor({7, 8}, rng);
      const std::size_t Ho = (7 - K) / S + 1, Wo = (8 - K) / S + 1;
      const nn::Tensor<double> dy = random_tensor({Ho, Wo}, rng);
      // L = sum y dy, so dL/dy = dy
      auto loss = [&](const nn::Tensor<double>& at) {
        return double(xt::sum(ex::l2pool_forward(at, K, S) * dy)());
      };
      check_close("dx", ex::l2pool_backward(x, dy, K, S), nn::test::central_differences(loss, x),
                  1e-7);
    }
  }
}
