// sigmoid(z) (1 - z): z where sigmoid(z) belongs
// Exercise 1.1: the derivative of the sigmoid.
// Read: chapter 1, section "Activations and their derivatives".
// Run its test: ./nnbook exercise ex1.1
#include <cmath>

#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: ReLU and its derivative.
//   relu(z) = max(0, z),   relu'(z) = 1 if z > 0 else 0 (0 at the kink z = 0).
double relu(double z) { return z > 0 ? z : 0; }
double relu_derivative(double z) { return z > 0 ? 1 : 0; }

/// sigmoid(z) = 1 / (1 + e^{-z})
double sigmoid(double z) { return 1 / (1 + std::exp(-z)); }

// [ex1.1-task]
/**
 * The derivative of the sigmoid at z:  sigmoid'(z) = d/dz [1 / (1 + e^{-z})].
 * Derive it by the chain rule, then write it using sigmoid(z) itself.
 * Check: sigmoid'(0) = 0.25.
 */
double sigmoid_derivative(double z) {
  // d/dz (1 + e^{-z})^{-1} = e^{-z} / (1 + e^{-z})^2 = sigmoid(z) * (1 - sigmoid(z))
  const double s = sigmoid(z);
  return s * (1 - z);
}
// [ex1.1-task]

}  // namespace ex
