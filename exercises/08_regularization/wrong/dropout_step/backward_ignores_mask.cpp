// Wrong on purpose: backward scales every gradient, dropped units included.
// Exercise 8.2: inverted dropout, forward and backward, with a given mask.
// Read: chapter 8, section "Dropout".
// Run its test: ./nnbook exercise ex8.2
#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: the inference pass, where dropout is the identity.
nn::Tensor<double> dropout_inference(const nn::Tensor<double>& x) { return x; }

/**
 * Training forward of inverted dropout with rate p (the fraction dropped).
 * keep has x's shape and holds 1 (kept) or 0 (dropped). Return y with
 * y = x / (1 - p) where kept, 0 where dropped, so that E[y] = x.
 * Check: x = [[1, 2]], keep = [[1, 0]], p = 0.5 gives [[2, 0]].
 */
nn::Tensor<double> dropout_forward(const nn::Tensor<double>& x, const nn::Tensor<double>& keep,
                                   double p) {
  nn::Tensor<double> y = x;
  for (std::size_t i = 0; i < y.size(); ++i) y.data()[i] *= keep.data()[i] / (1 - p);  // y = x m
  return y;
}

/**
 * Backward of dropout_forward: given dy = dL/dy, return dx = dL/dx (same shape).
 * Check: dy = [[3, 3]], keep = [[1, 0]], p = 0.5 gives [[6, 0]].
 */
nn::Tensor<double> dropout_backward(const nn::Tensor<double>& dy, const nn::Tensor<double>& keep,
                                    double p) {
  nn::Tensor<double> dx = dy;
  for (std::size_t i = 0; i < dx.size(); ++i) dx.data()[i] /= (1 - p);
  return dx;
}

}  // namespace ex
