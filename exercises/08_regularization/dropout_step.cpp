// Exercise 8.2: inverted dropout, forward and backward, with a given mask.
// Read: chapter 8, section "Dropout".
// Run its test: ./nnbook exercise ex8.2
#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: the inference pass, where dropout is the identity.
nn::Tensor<double> dropout_inference(const nn::Tensor<double>& x) { return x; }

// [ex8.2-task]
/**
 * Training forward of inverted dropout with rate p (the fraction dropped).
 * keep has x's shape and holds 1 (kept) or 0 (dropped). Return y with
 * y = x / (1 - p) where kept, 0 where dropped, so that E[y] = x.
 * Check: x = [[1, 2]], keep = [[1, 0]], p = 0.5 gives [[2, 0]].
 */
nn::Tensor<double> dropout_forward(const nn::Tensor<double>& x, const nn::Tensor<double>& keep,
                                   double p) {
  (void)x, (void)keep, (void)p;
  throw nn::not_implemented(
      "Exercise 8.2: dropout forward — see chapter 8, section 'Dropout'; "
      "edit exercises/08_regularization/dropout_step.cpp");
}

/**
 * Backward of dropout_forward: given dy = dL/dy, return dx = dL/dx (same shape).
 * Check: dy = [[3, 3]], keep = [[1, 0]], p = 0.5 gives [[6, 0]].
 */
nn::Tensor<double> dropout_backward(const nn::Tensor<double>& dy, const nn::Tensor<double>& keep,
                                    double p) {
  (void)dy, (void)keep, (void)p;
  throw nn::not_implemented(
      "Exercise 8.2: dropout backward — see chapter 8, section 'Dropout'; "
      "edit exercises/08_regularization/dropout_step.cpp");
}
// [ex8.2-task]

}  // namespace ex
