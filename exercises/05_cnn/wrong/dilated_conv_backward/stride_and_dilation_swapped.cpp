// x[oh*Dl + i*S]: stride and dilation exchanged
// Exercise 5.3: the input gradient of a strided, dilated convolution.
// Read: chapter 5, section "The backward pass of a convolution".
// Run its test: ./nnbook exercise ex5.3
#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: the forward pass. One channel, one filter W: (K, K), no bias, no padding,
// stride S and dilation Dl: the kernel's taps are Dl pixels apart, so a 3x3 kernel with
// Dl = 2 covers a 5x5 patch (DeepLab's "atrous" convolution widens its view this way).
//   z[oh, ow] = sum_{i,j} W[i, j] x[oh*S + i*Dl, ow*S + j*Dl]
//   Ho = (H - Dl (K - 1) - 1) / S + 1,  Wo likewise
nn::Tensor<double> dilated_conv_forward(const nn::Tensor<double>& x, const nn::Tensor<double>& W,
                                        std::size_t S, std::size_t Dl) {
  const std::size_t K = W.shape(0);
  const std::size_t Ho = (x.shape(0) - Dl * (K - 1) - 1) / S + 1;
  const std::size_t Wo = (x.shape(1) - Dl * (K - 1) - 1) / S + 1;
  nn::Tensor<double> z = xt::zeros<double>({Ho, Wo});
  for (std::size_t oh = 0; oh < Ho; ++oh)
    for (std::size_t ow = 0; ow < Wo; ++ow)
      for (std::size_t i = 0; i < K; ++i)
        for (std::size_t j = 0; j < K; ++j)
          z(oh, ow) += W(i, j) * x(oh * S + i * Dl, ow * S + j * Dl);
  return z;
}

// [ex5.3-task]
/**
 * Given x: (H, Wd), W: (K, K) and dz = dL/dz: (Ho, Wo) for the z of dilated_conv_forward,
 * return dx = dL/dx: (H, Wd). The chapter's backward uses stride 1 and no dilation.
 * Work out the index map again: which outputs z[oh, ow] does one pixel x[h, w] feed, and
 * through which weight? A pixel can feed several outputs, or none (with a large stride
 * some pixels are never read: their gradient is 0).
 * Check: x 5x5, W = [[1, 2], [3, 4]], S = 1, Dl = 2 and dz = 1 at (0, 0) only (0 elsewhere)
 *   gives dx[0, 0] = 1, dx[0, 2] = 2, dx[2, 0] = 3, dx[2, 2] = 4, and 0 elsewhere.
 */
nn::Tensor<double> dilated_conv_backward_input(const nn::Tensor<double>& x,
                                               const nn::Tensor<double>& W,
                                               const nn::Tensor<double>& dz, std::size_t S,
                                               std::size_t Dl) {
  const std::size_t K = W.shape(0);
  nn::Tensor<double> dx = xt::zeros<double>({x.shape(0), x.shape(1)});
  for (std::size_t oh = 0; oh < dz.shape(0); ++oh)
    for (std::size_t ow = 0; ow < dz.shape(1); ++ow)
      for (std::size_t i = 0; i < K; ++i)
        for (std::size_t j = 0; j < K; ++j)
          // z[oh, ow] reads x[oh*S + i*Dl, ow*S + j*Dl] with weight W[i, j]; += : a pixel
          // read by several outputs collects all their gradients
          dx(oh * Dl + i * S, ow * Dl + j * S) += W(i, j) * dz(oh, ow);
  return dx;
}
// [ex5.3-task]

}  // namespace ex
