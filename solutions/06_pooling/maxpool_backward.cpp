// Exercise 6.1: the backward pass of max pooling, one channel.
// Read: chapter 6, section "Max pooling".
// Run its test: ./nnbook exercise ex6.1
#include <algorithm>

#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: the forward pass. x: (H, Wd), windows K x K every S pixels
//   ->  y: (Ho, Wo) with Ho = (H - K)/S + 1, Wo = (Wd - K)/S + 1,
//   y[oh, ow] = max over i, j < K of x[oh*S + i, ow*S + j]
nn::Tensor<double> maxpool_forward(const nn::Tensor<double>& x, std::size_t K, std::size_t S) {
  const std::size_t Ho = (x.shape(0) - K) / S + 1, Wo = (x.shape(1) - K) / S + 1;
  nn::Tensor<double> y = nn::Tensor<double>::from_shape({Ho, Wo});
  for (std::size_t oh = 0; oh < Ho; ++oh)
    for (std::size_t ow = 0; ow < Wo; ++ow) {
      double m = x(oh * S, ow * S);
      for (std::size_t i = 0; i < K; ++i)
        for (std::size_t j = 0; j < K; ++j) m = std::max(m, x(oh * S + i, ow * S + j));
      y(oh, ow) = m;
    }
  return y;
}

// [ex6.1-task]
/**
 * Given x: (H, Wd) and dy = dL/dy: (Ho, Wo) for the y of maxpool_forward, return
 * dx = dL/dx: (H, Wd).
 * y[oh, ow] equals one input of its window, the maximum, and does not change when
 * the others move a little: dy[oh, ow] goes to that input alone (on a tie, to the
 * first maximum in row-major order). When windows overlap (S < K) an input can be
 * the maximum of several windows: it then receives the sum of their dy.
 * Check: x = [[1, 3], [4, 2]], K = S = 2, dy = [[5]] gives dx = [[0, 0], [5, 0]].
 */
nn::Tensor<double> maxpool_backward(const nn::Tensor<double>& x, const nn::Tensor<double>& dy,
                                    std::size_t K, std::size_t S) {
  nn::Tensor<double> dx = xt::zeros<double>({x.shape(0), x.shape(1)});
  for (std::size_t oh = 0; oh < dy.shape(0); ++oh)
    for (std::size_t ow = 0; ow < dy.shape(1); ++ow) {
      std::size_t best_h = oh * S, best_w = ow * S;  // where the maximum is
      for (std::size_t h = oh * S; h < oh * S + K; ++h)
        for (std::size_t w = ow * S; w < ow * S + K; ++w)
          if (x(h, w) > x(best_h, best_w)) best_h = h, best_w = w;
      dx(best_h, best_w) += dy(oh, ow);  // += : overlapping windows can share a maximum
    }
  return dx;
}
// [ex6.1-task]

}  // namespace ex
