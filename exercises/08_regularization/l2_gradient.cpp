// Exercise 8.1: the gradient of an L2 penalty, added to a weight gradient.
// Read: chapter 8, section "L2 and L1 penalties".
// Run its test: ./nnbook exercise ex8.1
#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: the penalty itself, R(W) = l2 * sum of w^2 (Keras's L2, no 1/2).
double l2_penalty(const nn::Tensor<double>& W, double l2) {
  double sum = 0;
  for (double w : W) sum += w * w;
  return l2 * sum;
}

// [ex8.1-task]
/**
 * Adds dR/dW of R(W) = l2 * sum w^2 to dW (same shape as W), element by element.
 * dW already holds the data loss's gradient: gradients accumulate, so add, do not overwrite.
 * Check: W = [[1, -2]], l2 = 0.1, dW = [[10, 10]] becomes [[10.2, 9.6]].
 */
void add_l2_gradient(const nn::Tensor<double>& W, double l2, nn::Tensor<double>& dW) {
  (void)W, (void)l2, (void)dW;
  throw nn::not_implemented(
      "Exercise 8.1: L2 gradient — see chapter 8, section 'L2 and L1 penalties'; "
      "edit exercises/08_regularization/l2_gradient.cpp");
}
// [ex8.1-task]

}  // namespace ex
