// the slope without the 1/N of the mean
// Exercise 4.4: the gradient of the Huber loss, a loss the book does not implement.
// Read: chapter 4, section "Mean squared error".
// Run its test: ./nnbook exercise ex4.4
#include <cmath>

#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: the loss itself, the mean over all N elements of y and t (any shape) of
//   h(r) = r^2 / 2                  if |r| <= delta
//   h(r) = delta (|r| - delta / 2)  otherwise,        r = y - t.
// Squared near the target like MSE, straight far from it like the absolute error:
// an outlier pulls with a force of at most delta.
double huber_loss(const nn::Tensor<double>& y, const nn::Tensor<double>& t, double delta) {
  double total = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double r = y.data()[i] - t.data()[i];
    total += std::abs(r) <= delta ? r * r / 2 : delta * (std::abs(r) - delta / 2);
  }
  return total / static_cast<double>(y.size());
}

// [ex4.4-task]
/**
 * The gradient dL/dy of huber_loss above, the shape of y. Derive each piece of h(r),
 * then the chain rule through r = y - t and the mean. (The two pieces meet at |r| = delta
 * with the same value and the same slope: that is why the second one is shifted by delta/2.)
 * Check: y = [[1.5, 0.75], [3, -1]], t = [[1, 1], [0, 1]], delta = 1 gives
 *   [[0.125, -0.0625], [0.25, -0.25]].
 */
nn::Tensor<double> huber_grad(const nn::Tensor<double>& y, const nn::Tensor<double>& t,
                              double delta) {
  const double N = static_cast<double>(y.size());
  nn::Tensor<double> dy = nn::Tensor<double>::from_shape(y.shape());
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double r = y.data()[i] - t.data()[i];
    // h'(r) = r inside, delta sign(r) outside; dr/dy = 1; the mean divides by N
    const double slope = std::abs(r) <= delta ? r : (r > 0 ? delta : -delta);
    dy.data()[i] = slope;
    (void)N;
  }
  return dy;
}
// [ex4.4-task]

}  // namespace ex
