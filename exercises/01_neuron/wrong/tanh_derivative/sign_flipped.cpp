// 1 + tanh(z)^2: the quotient rule's minus sign lost
// Exercise 1.2: the derivative of tanh.
// Read: chapter 1, section "Activations and their derivatives".
// Run its test: ./nnbook exercise ex1.2
#include <cmath>

#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: leaky ReLU and its derivative, slope 0.01 left of the kink.
double leaky_relu_derivative(double z) { return z > 0 ? 1 : 0.01; }

// [ex1.2-task]
/**
 * The derivative of tanh(z) = (e^z - e^{-z}) / (e^z + e^{-z}).
 * Use the quotient rule, then write the result using tanh(z) itself.
 * Check: tanh'(0) = 1.
 */
double tanh_derivative(double z) {
  // ((e^z + e^{-z})^2 - (e^z - e^{-z})^2) / (e^z + e^{-z})^2 = 1 - tanh(z)^2
  const double t = std::tanh(z);
  return 1 + t * t;
}
// [ex1.2-task]

}  // namespace ex
