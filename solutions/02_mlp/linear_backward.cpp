// Exercise 2.4: a dense layer's backward when W is stored the other way round, (U, D).
// Read: chapter 2, section "The dense layer".
// Run its test: ./nnbook exercise ex2.4
#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: the forward pass with the weights stored as PyTorch's nn.Linear stores
// them, one row per unit: W: (U, D), and y = x W^T + b,
//   y_nu = b_u + sum_d x_nd W_ud
// x: (N, D), b: (U,), y: (N, U), already sized.
void linear_forward(const nn::Tensor<double>& x, const nn::Tensor<double>& W,
                    const nn::Tensor<double>& b, nn::Tensor<double>& y) {
  const std::size_t N = x.shape(0), D = x.shape(1), U = W.shape(0);
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t u = 0; u < U; ++u) {
      double sum = b(u);
      for (std::size_t d = 0; d < D; ++d) sum += x(n, d) * W(u, d);
      y(n, u) = sum;
    }
}

// [ex2.4-task]
/**
 * The backward of linear_forward above: given x: (N, D), W: (U, D) and dy = dL/dy: (N, U),
 * compute dx = dL/dx: (N, D), dW = dL/dW: (U, D) and db = dL/db: (U,).
 * The chapter derives the backward for W stored (D, U). Derive it again for this layout:
 * ask which y_nu each x_nd, W_ud and b_u appears in, and with which factor. The shapes
 * are a check: each gradient has the shape of what it differentiates.
 * dx, dW, db are already sized and hold leftovers: set them, do not add to them.
 * Check: x = [[1, 2, 3], [4, 5, 6]], W = [[1, 0, 1], [-1, 2, 0]], dy = [[1, 0], [0, 1]]
 *   gives dW = [[1, 2, 3], [4, 5, 6]], db = (1, 1), dx = [[1, 0, 1], [-1, 2, 0]].
 */
void linear_backward(const nn::Tensor<double>& x, const nn::Tensor<double>& W,
                     const nn::Tensor<double>& dy, nn::Tensor<double>& dx,
                     nn::Tensor<double>& dW, nn::Tensor<double>& db) {
  const std::size_t N = x.shape(0), D = x.shape(1), U = W.shape(0);
  dW.fill(0);
  db.fill(0);
  dx.fill(0);
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t u = 0; u < U; ++u) {
      db(u) += dy(n, u);  // dy_nu/db_u = 1
      for (std::size_t d = 0; d < D; ++d) {
        dW(u, d) += dy(n, u) * x(n, d);  // dy_nu/dW_ud = x_nd, summed over the batch
        dx(n, d) += dy(n, u) * W(u, d);  // dy_nu/dx_nd = W_ud, summed over the units
      }
    }
}
// [ex2.4-task]

}  // namespace ex
