// dW and db accumulated without zeroing them first
// Exercise 2.2: the backward pass of a dense layer.
// Read: chapter 2, section "The dense layer".
// Run its test: ./nnbook exercise ex2.2
#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: the backward pass of the sigmoid that follows a dense layer.
// Forward: a_nu = sigmoid(z_nu), whose derivative is a_nu (1 - a_nu), so by the chain rule
//   dz_nu = da_nu * a_nu (1 - a_nu).
// a, da, dz: (N, U); dz is already sized. Its dz is the dy of dense_backward below.
void sigmoid_backward(const nn::Tensor<double>& a, const nn::Tensor<double>& da,
                      nn::Tensor<double>& dz) {
  const std::size_t N = a.shape(0), U = a.shape(1);
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t u = 0; u < U; ++u) dz(n, u) = da(n, u) * a(n, u) * (1 - a(n, u));
}

// [ex2.2-task]
/**
 * The backward pass of y = x W + b (the forward of exercise 2.1):
 *
 *   y_nu = b_u + sum_d x_nd W_du
 *
 * Given x: (N, D), W: (D, U) and dy = dL/dy: (N, U), compute
 *   dx: (N, D) = dL/dx = dy W^T,     dx_nd = sum_u dy_nu W_du
 *   dW: (D, U) = dL/dW = x^T dy,     dW_du = sum_n x_nd dy_nu
 *   db: (U,)   = dL/db,              db_u  = sum_n dy_nu
 * W_du and b_u are used by every example of the batch, so their gradients sum over n.
 * dx, dW, db are already sized and hold leftovers: set them, do not add to them.
 * Check: x = [[1, 2, 3], [4, 5, 6]], W = [[1, -1], [0, 2], [1, 0]], dy = [[1, 0], [0, 1]]
 *   gives dW = [[1, 4], [2, 5], [3, 6]], db = (1, 1), dx = [[1, 0, 1], [-1, 2, 0]].
 */
void dense_backward(const nn::Tensor<double>& x, const nn::Tensor<double>& W,
                    const nn::Tensor<double>& dy, nn::Tensor<double>& dx,
                    nn::Tensor<double>& dW, nn::Tensor<double>& db) {
  const std::size_t N = x.shape(0), D = x.shape(1), U = W.shape(1);
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t u = 0; u < U; ++u) {
      // y_nu = b_u + sum_d x_nd W_du  =>  dy_nu/db_u = 1
      db(u) += dy(n, u);
      // dy_nu/dW_du = x_nd, summed over the examples n that use W_du
      for (std::size_t d = 0; d < D; ++d) dW(d, u) += x(n, d) * dy(n, u);
    }
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t d = 0; d < D; ++d) {
      // dy_nu/dx_nd = W_du, summed over the units u that x_nd feeds
      double sum = 0;
      for (std::size_t u = 0; u < U; ++u) sum += dy(n, u) * W(d, u);
      dx(n, d) = sum;
    }
}
// [ex2.2-task]

}  // namespace ex
