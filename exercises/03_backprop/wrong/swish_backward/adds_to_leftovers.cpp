// dx += ...: added to the leftovers dx held
// Exercise 3.4: the backward of swish, x sigmoid(x), where x takes two paths.
// Read: chapter 3, section "The chain rule on a graph".
// Run its test: ./nnbook exercise ex3.4
#include <cmath>

#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: the forward pass, element by element (also known as SiLU),
//   y_nd = x_nd sigmoid(x_nd)
// x, y: (N, D); y is already sized.
void swish_forward(const nn::Tensor<double>& x, nn::Tensor<double>& y) {
  for (std::size_t n = 0; n < x.shape(0); ++n)
    for (std::size_t d = 0; d < x.shape(1); ++d)
      y(n, d) = x(n, d) / (1 + std::exp(-x(n, d)));
}

// [ex3.4-task]
/**
 * Given x: (N, D) and dy = dL/dy: (N, D), compute dx = dL/dx: (N, D) for swish_forward.
 * Draw the graph: x feeds the product twice, once directly and once through the
 * sigmoid s = sigmoid(x). Where a value feeds two nodes, its gradient is the sum of the
 * gradients that come back along both paths.
 * dx is already sized and holds leftovers: set it.
 * Check: x = 0 gives s = 1/2 and dx = dy / 2; x = ln 3 gives s = 3/4 and
 *   dx = dy (3/4 + ln 3 * 3/16) = 0.955993 dy.
 */
void swish_backward(const nn::Tensor<double>& x, const nn::Tensor<double>& dy,
                    nn::Tensor<double>& dx) {
  for (std::size_t n = 0; n < x.shape(0); ++n)
    for (std::size_t d = 0; d < x.shape(1); ++d) {
      const double s = 1 / (1 + std::exp(-x(n, d)));
      // y = x s: the direct path gives s, the path through s = sigmoid(x) gives x s (1 - s)
      dx(n, d) += dy(n, d) * (s + x(n, d) * s * (1 - s));
    }
}
// [ex3.4-task]

}  // namespace ex
