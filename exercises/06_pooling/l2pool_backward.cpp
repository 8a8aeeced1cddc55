// Exercise 6.2: the backward pass of L2 pooling, a pooling the book does not implement.
// Read: chapter 6, sections "Max pooling" and "Average pooling".
// Run its test: ./nnbook exercise ex6.2
#include <cmath>

#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: the forward pass, one channel. x: (H, Wd), windows K x K every S pixels
//   ->  y: (Ho, Wo) with Ho = (H - K)/S + 1, Wo = (Wd - K)/S + 1,
//   y[oh, ow] = sqrt( sum over i, j < K of x[oh*S + i, ow*S + j]^2 )
// the length of the window seen as a vector: between average and max pooling (PyTorch's
// LPPool2d with p = 2).
nn::Tensor<double> l2pool_forward(const nn::Tensor<double>& x, std::size_t K, std::size_t S) {
  const std::size_t Ho = (x.shape(0) - K) / S + 1, Wo = (x.shape(1) - K) / S + 1;
  nn::Tensor<double> y = nn::Tensor<double>::from_shape({Ho, Wo});
  for (std::size_t oh = 0; oh < Ho; ++oh)
    for (std::size_t ow = 0; ow < Wo; ++ow) {
      double sum = 0;
      for (std::size_t i = 0; i < K; ++i)
        for (std::size_t j = 0; j < K; ++j) sum += x(oh * S + i, ow * S + j) * x(oh * S + i, ow * S + j);
      y(oh, ow) = std::sqrt(sum);
    }
  return y;
}

// [ex6.2-task]
/**
 * Given x: (H, Wd) and dy = dL/dy: (Ho, Wo) for the y of l2pool_forward, return
 * dx = dL/dx: (H, Wd). Unlike max pooling every input of a window gets a share, and
 * unlike average pooling the shares differ: derive d y[oh, ow] / d x[h, w] (the chain rule
 * through the square root, then through the square). Where windows overlap (S < K), an
 * input collects the gradients of every window it is in. Assume no window is all zeros.
 * Check: x = [[3, 0], [0, 4]], K = S = 2, dy = [[10]] gives y = 5 and dx = [[6, 0], [0, 8]].
 */
nn::Tensor<double> l2pool_backward(const nn::Tensor<double>& x, const nn::Tensor<double>& dy,
                                   std::size_t K, std::size_t S) {
  (void)x, (void)dy, (void)K, (void)S;
  throw nn::not_implemented(
      "Exercise 6.2: L2 pooling backward — see chapter 6, sections 'Max pooling' and "
      "'Average pooling'; edit exercises/06_pooling/l2pool_backward.cpp");
}
// [ex6.2-task]

}  // namespace ex
