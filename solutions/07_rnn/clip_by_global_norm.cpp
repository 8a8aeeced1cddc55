// Exercise 7.3: clipping gradients by their global norm.
// Read: chapter 7, section "Exploding gradients and clipping".
// Run its test: ./nnbook exercise ex7.3
#include <cmath>
#include <vector>

#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: clipping each tensor by its own norm (what Keras's `clipnorm` does).
// Every tensor g whose norm sqrt(sum g^2) exceeds max_norm is scaled by max_norm / norm.
void clip_each_by_norm(const std::vector<nn::Tensor<double>*>& grads, double max_norm) {
  for (nn::Tensor<double>* g : grads) {
    double sum = 0;
    for (double v : *g) sum += v * v;
    const double norm = std::sqrt(sum);
    if (norm > max_norm)
      for (double& v : *g) v *= max_norm / norm;
  }
}

// [ex7.3-task]
/**
 * Clips all gradients together: with the global norm ||g|| = sqrt(sum over every element
 * of every tensor of g^2), if ||g|| > max_norm scale *every* tensor by max_norm / ||g||;
 * otherwise leave them alone. All tensors keep their directions relative to each other,
 * which clipping each on its own does not. Returns ||g|| measured before clipping.
 * Check: tensors (3) and (0, 4) with max_norm 1: ||g|| = 5, they become (0.6) and (0, 0.8).
 */
double clip_by_global_norm(const std::vector<nn::Tensor<double>*>& grads, double max_norm) {
  double sum = 0;  // over every element of every tensor
  for (const nn::Tensor<double>* g : grads)
    for (double v : *g) sum += v * v;
  const double norm = std::sqrt(sum);
  if (norm > max_norm)
    for (nn::Tensor<double>* g : grads)
      for (double& v : *g) v *= max_norm / norm;
  return norm;
}
// [ex7.3-task]

}  // namespace ex
