// Exercise 2.1: the forward pass of a dense layer.
// Read: chapter 2, section "The dense layer".
// Run its test: ./nnbook exercise ex2.1
#include <cmath>

#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: the activation that usually follows a dense layer, element by element.
// z: (N, U)  ->  a: (N, U) with a_nu = sigmoid(z_nu) = 1 / (1 + e^{-z_nu}); a is already sized.
void sigmoid_forward(const nn::Tensor<double>& z, nn::Tensor<double>& a) {
  const std::size_t N = z.shape(0), U = z.shape(1);
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t u = 0; u < U; ++u) a(n, u) = 1 / (1 + std::exp(-z(n, u)));
}

// [ex2.1-task]
/**
 * The affine part of a dense layer, y = x W + b, for a batch:
 *
 *   y_nu = b_u + sum_d x_nd W_du
 *
 * Shapes: x: (N, D), one example per row; W: (D, U), column u holds unit u's weights;
 * b: (U,); y: (N, U), already sized by the caller. Overwrite every y_nu (y holds
 * leftovers from an earlier call). Write it with plain loops over n, u and d.
 * Check: x = [[1, 2, 3]], W = [[1, -1], [0, 2], [1, 0]], b = (0.5, -0.5) gives
 *   y = [[1 + 0 + 3 + 0.5, -1 + 4 + 0 - 0.5]] = [[4.5, 2.5]].
 */
void dense_forward(const nn::Tensor<double>& x, const nn::Tensor<double>& W,
                   const nn::Tensor<double>& b, nn::Tensor<double>& y) {
  const std::size_t N = x.shape(0), D = x.shape(1), U = W.shape(1);
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t u = 0; u < U; ++u) {
      double sum = b(u);  // y_nu = b_u + ...
      for (std::size_t d = 0; d < D; ++d) sum += x(n, d) * W(d, u);  // ... + sum_d x_nd W_du
      y(n, u) = sum;
    }
}
// [ex2.1-task]

}  // namespace ex
