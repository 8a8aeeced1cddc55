// Exercise 1.4: the derivative of GELU, an activation the book does not implement.
// Read: chapter 1, section "Activations and their derivatives".
// Run its test: ./nnbook exercise ex1.4
#include <cmath>
#include <numbers>

#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: GELU itself, in the tanh form of BERT and GPT-2,
//   gelu(z) = z Phi(z),   Phi(z) ~ (1 + tanh(k (z + c z^3))) / 2,   k = sqrt(2/pi), c = 0.044715
// Phi is (nearly) the normal distribution's CDF: gelu weighs z by how likely it is to be positive.
double gelu(double z) {
  const double k = std::sqrt(2 / std::numbers::pi), c = 0.044715;
  return 0.5 * z * (1 + std::tanh(k * (z + c * z * z * z)));
}

// [ex1.4-task]
/**
 * The derivative gelu'(z) of the gelu above. Nothing in the book shows it: derive it.
 * Name the inner part u(z) = k (z + c z^3) and t = tanh(u); then gelu(z) = 0.5 z (1 + t).
 * You need three rules: the product rule (z times something that depends on z), the chain
 * rule (tanh of u of z) and tanh' = 1 - tanh^2 (exercise 1.2).
 * Check: gelu'(0) = 0.5, gelu'(1) = 1.082964, and gelu'(z) + gelu'(-z) = 1.
 */
double gelu_derivative(double z) {
  (void)z;
  throw nn::not_implemented(
      "Exercise 1.4: GELU derivative — see chapter 1, section 'Activations and their "
      "derivatives'; edit exercises/01_neuron/gelu_derivative.cpp");
}
// [ex1.4-task]

}  // namespace ex
