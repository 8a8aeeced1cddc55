// w moved by the old velocity, before v is updated
// Exercise 4.1: one step of SGD with momentum.
// Read: chapter 4, section "Momentum".
// Run its test: ./nnbook exercise ex4.1
#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: one step of plain gradient descent, element by element,
//   w <- w - lr g.
// w, g: the same shape (any).
void sgd_step(nn::Tensor<double>& w, const nn::Tensor<double>& g, double lr) {
  for (std::size_t i = 0; i < w.size(); ++i) w.data()[i] -= lr * g.data()[i];
}

// [ex4.1-task]
/**
 * One step of gradient descent with momentum mu, in Keras's form, element by element:
 *
 *   v <- mu v - lr g
 *   w <- w + v
 *
 * The velocity v remembers past steps: a gradient that keeps its sign builds speed,
 * up to lr g / (1 - mu) per step; one that flips sign cancels out.
 * w, v, g: the same shape (any); v starts at zero before the first step and is
 * updated here for the next. Walk the elements with .data()[i], i < w.size().
 * Check: w = 1, v = 0, g = 0.5, lr = 0.1, mu = 0.9: v = -0.05, w = 0.95;
 *   a second step with the same g: v = 0.9 * (-0.05) - 0.05 = -0.095, w = 0.855.
 */
void momentum_step(nn::Tensor<double>& w, nn::Tensor<double>& v, const nn::Tensor<double>& g,
                   double lr, double mu) {
  for (std::size_t i = 0; i < w.size(); ++i) {
    w.data()[i] += v.data()[i];
    v.data()[i] = mu * v.data()[i] - lr * g.data()[i];
  }
}
// [ex4.1-task]

}  // namespace ex
