// Exercise 1.3: the backward pass of one sigmoid neuron.
// Read: chapter 1, section "A worked example" and "The neuron in code".
// Run its test: ./nnbook exercise ex1.3
#include <cmath>

#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: the forward pass this backward differentiates.
// x: (N, D), w: (D,), b  ->  a: (N,) with z_n = sum_d x_nd w_d + b, a_n = sigmoid(z_n)
nn::Tensor<double> neuron_forward(const nn::Tensor<double>& x, const nn::Tensor<double>& w,
                                  double b) {
  const std::size_t N = x.shape(0), D = x.shape(1);
  nn::Tensor<double> a = nn::Tensor<double>::from_shape({N});
  for (std::size_t n = 0; n < N; ++n) {
    double z = b;
    for (std::size_t d = 0; d < D; ++d) z += x(n, d) * w(d);
    a(n) = 1 / (1 + std::exp(-z));
  }
  return a;
}

// [ex1.3-task]
/**
 * Given x: (N, D), w: (D,), the outputs a: (N,) of neuron_forward and
 * da = dL/da: (N,), compute
 *   dx: (N, D) = dL/dx,   dw: (D,) = dL/dw,   db = dL/db.
 * Hint: first dz_n = da_n * a_n (1 - a_n); then each of z's inputs.
 * dx, dw are already sized; set (do not add to) all three outputs.
 * Check, the chapter's worked example: x = [[2, 1]], w = (0.5, -1.5), a = (0.5), da = (-0.5)
 *   give dx = [[-0.0625, 0.1875]], dw = (-0.25, -0.125), db = -0.125.
 */
void neuron_backward(const nn::Tensor<double>& x, const nn::Tensor<double>& w,
                     const nn::Tensor<double>& a, const nn::Tensor<double>& da,
                     nn::Tensor<double>& dx, nn::Tensor<double>& dw, double& db) {
  (void)x, (void)w, (void)a, (void)da, (void)dx, (void)dw, (void)db;
  throw nn::not_implemented(
      "Exercise 1.3: neuron backward — see chapter 1, section 'A worked example'; "
      "edit exercises/01_neuron/neuron_backward.cpp");
}
// [ex1.3-task]

}  // namespace ex
