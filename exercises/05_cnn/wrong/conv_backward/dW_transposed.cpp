// dW[j, i] += ...: the weight gradient transposed
// Exercise 5.2: the weight gradient of a convolution, one channel and one filter.
// Read: chapter 5, section "The backward pass of a convolution".
// Run its test: ./nnbook exercise ex5.2
#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: the forward pass this backward differentiates. One channel,
// one filter, stride 1, no padding:
//   x: (H, Wd), W: (K, K), b  ->  z: (Ho, Wo) = (H - K + 1, Wd - K + 1)
//   z[oh, ow] = b + sum_{i,j} W[i, j] x[oh + i, ow + j]
nn::Tensor<double> conv2d_forward(const nn::Tensor<double>& x, const nn::Tensor<double>& W,
                                  double b) {
  const std::size_t K = W.shape(0), Ho = x.shape(0) - K + 1, Wo = x.shape(1) - K + 1;
  nn::Tensor<double> z = nn::Tensor<double>::from_shape({Ho, Wo});
  for (std::size_t oh = 0; oh < Ho; ++oh)
    for (std::size_t ow = 0; ow < Wo; ++ow) {
      double sum = b;
      for (std::size_t i = 0; i < K; ++i)
        for (std::size_t j = 0; j < K; ++j) sum += W(i, j) * x(oh + i, ow + j);
      z(oh, ow) = sum;
    }
  return z;
}

// [ex5.2-task]
/**
 * Given x: (H, Wd) and dz = dL/dz: (Ho, Wo) for the z of conv2d_forward, compute
 *   dW: (K, K) = dL/dW   and   db = dL/db.
 * Each weight W[i, j] multiplies x[oh + i, ow + j] in every output z[oh, ow], so
 *   dW[i, j] = sum_{oh, ow} dz[oh, ow] x[oh + i, ow + j],   db = sum_{oh, ow} dz[oh, ow].
 * dW is already sized (K, K); set (do not add to) dW and db.
 * Check: x = 4x4, K = 2 and dz all ones: dW[i, j] is the sum of the 3x3 block of x at (i, j).
 */
void conv2d_backward_weights(const nn::Tensor<double>& x, const nn::Tensor<double>& dz,
                             nn::Tensor<double>& dW, double& db) {
  const std::size_t K = dW.shape(0), Ho = dz.shape(0), Wo = dz.shape(1);
  dW.fill(0);
  db = 0;
  for (std::size_t oh = 0; oh < Ho; ++oh)
    for (std::size_t ow = 0; ow < Wo; ++ow) {
      for (std::size_t i = 0; i < K; ++i)
        for (std::size_t j = 0; j < K; ++j) dW(j, i) += dz(oh, ow) * x(oh + i, ow + j);
      db += dz(oh, ow);  // dz/db = 1
    }
}
// [ex5.2-task]

}  // namespace ex
