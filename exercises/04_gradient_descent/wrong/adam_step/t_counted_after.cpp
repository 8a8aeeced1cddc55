// t increased after its use: the first step divides by 1 - beta^0 = 0
// Exercise 4.2: one step of Adam.
// Read: chapter 4, section "Adam".
// Run its test: ./nnbook exercise ex4.2
#include <cmath>

#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: one step of RMSprop, element by element,
//   s <- rho s + (1 - rho) g^2
//   w <- w - lr g / (sqrt(s) + epsilon)
// w, s, g: the same shape (any); s starts at zero. Keras's defaults.
void rmsprop_step(nn::Tensor<double>& w, nn::Tensor<double>& s, const nn::Tensor<double>& g,
                  double lr = 1e-3, double rho = 0.9, double epsilon = 1e-7) {
  for (std::size_t i = 0; i < w.size(); ++i) {
    const double gi = g.data()[i];
    s.data()[i] = rho * s.data()[i] + (1 - rho) * gi * gi;
    w.data()[i] -= lr * gi / (std::sqrt(s.data()[i]) + epsilon);
  }
}

// [ex4.2-task]
/**
 * One step of Adam: momentum on the gradient (m) and RMSprop's scaling (v), both
 * corrected for starting at zero. With t the number of this step (1 for the first):
 *
 *   m <- beta_1 m + (1 - beta_1) g
 *   v <- beta_2 v + (1 - beta_2) g^2
 *   m_hat = m / (1 - beta_1^t),   v_hat = v / (1 - beta_2^t)
 *   w <- w - lr m_hat / (sqrt(v_hat) + epsilon)
 *
 * Without the corrections the first steps would be far too small: after one step
 * m = (1 - beta_1) g is a tenth of g. With them the first step moves each weight by
 * lr (times the sign of g), whatever the size of g.
 * w, m, v, g: the same shape (any); m and v start at zero and t at 0. Increase t by one
 * first, then use it; m, v and t carry over to the next call. Defaults are Keras's.
 * Check: w = 1, g = 0.5, defaults: t = 1, m = 0.05, v = 0.00025, m_hat = 0.5,
 *   v_hat = 0.25, w = 1 - 0.001 * 0.5 / (0.5 + 1e-7) = 0.999; the same g again gives 0.998.
 */
void adam_step(nn::Tensor<double>& w, nn::Tensor<double>& m, nn::Tensor<double>& v, long& t,
               const nn::Tensor<double>& g, double lr = 1e-3, double beta_1 = 0.9,
               double beta_2 = 0.999, double epsilon = 1e-7) {
  const double m_scale = 1 / (1 - std::pow(beta_1, static_cast<double>(t)));  // 1 / (1 - beta_1^t)
  const double v_scale = 1 / (1 - std::pow(beta_2, static_cast<double>(t)));  // 1 / (1 - beta_2^t)
  for (std::size_t i = 0; i < w.size(); ++i) {
    const double gi = g.data()[i];
    m.data()[i] = beta_1 * m.data()[i] + (1 - beta_1) * gi;       // m <- b1 m + (1 - b1) g
    v.data()[i] = beta_2 * v.data()[i] + (1 - beta_2) * gi * gi;  // v <- b2 v + (1 - b2) g^2
    const double m_hat = m.data()[i] * m_scale, v_hat = v.data()[i] * v_scale;
    w.data()[i] -= lr * m_hat / (std::sqrt(v_hat) + epsilon);  // w <- w - lr m^ / (sqrt(v^) + eps)
  }
  ++t;
}
// [ex4.2-task]

}  // namespace ex
