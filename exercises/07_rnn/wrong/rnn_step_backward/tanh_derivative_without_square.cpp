// Mistake: takes 1 - h instead of 1 - h^2 as the derivative of tanh
// Exercise 7.1: the backward pass of one step of a simple recurrent network.
// Read: chapter 7, section "Backpropagation through time".
// Run its test: ./nnbook exercise ex7.1
#include <cmath>

#include "nn/tensor.hpp"

namespace ex {

/// The gradients of one step, each the shape of what it differentiates:
/// dx (N, D), dh_prev (N, H), dWx (D, H), dWh (H, H), db (H,).
struct RnnStepGradients {
  nn::Tensor<double> dx, dh_prev, dWx, dWh, db;
};

// A worked sibling: the forward pass of one step.
//   h = tanh(x Wx + h_prev Wh + b)    x: (N, D), h_prev: (N, H), Wx: (D, H), Wh: (H, H), b: (H,)
nn::Tensor<double> rnn_step_forward(const nn::Tensor<double>& x, const nn::Tensor<double>& h_prev,
                                    const nn::Tensor<double>& Wx, const nn::Tensor<double>& Wh,
                                    const nn::Tensor<double>& b) {
  const std::size_t N = x.shape(0), D = x.shape(1), H = Wh.shape(0);
  nn::Tensor<double> h = nn::Tensor<double>::from_shape({N, H});
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t j = 0; j < H; ++j) {
      double z = b(j);
      for (std::size_t d = 0; d < D; ++d) z += x(n, d) * Wx(d, j);
      for (std::size_t k = 0; k < H; ++k) z += h_prev(n, k) * Wh(k, j);
      h(n, j) = std::tanh(z);
    }
  return h;
}

// [ex7.1-task]
/**
 * The backward pass of h = tanh(z), z = x Wx + h_prev Wh + b, given h (the forward's
 * output) and dh = dL/dh (N, H):
 *   dz      = dh * (1 - h^2)          (tanh' from its output, element by element)
 *   dx      = dz Wx^T                 (N, D)
 *   dh_prev = dz Wh^T                 (N, H): what backpropagation through time hands to step t-1
 *   dWx     = x^T dz,  dWh = h_prev^T dz,  db = sum_n dz
 * Return all five in an RnnStepGradients (its tensors start empty: size them).
 * Check: x = 0.5, h_prev = 0.25, Wx = 1, Wh = 2, b = 0 (N = D = H = 1) give z = 1,
 * h = tanh 1 = 0.7615941560; with dh = 1: dz = 1 - h^2 = 0.4199743416 = dx = db,
 * dh_prev = 0.8399486832, dWx = 0.2099871708, dWh = 0.1049935854.
 */
RnnStepGradients rnn_step_backward(const nn::Tensor<double>& x, const nn::Tensor<double>& h_prev,
                                   const nn::Tensor<double>& Wx, const nn::Tensor<double>& Wh,
                                   const nn::Tensor<double>& h, const nn::Tensor<double>& dh) {
  const std::size_t N = x.shape(0), D = x.shape(1), H = Wh.shape(0);
  RnnStepGradients g;
  // h = tanh(z)  =>  dz = dh (1 - h^2)
  nn::Tensor<double> dz = dh * (1.0 - h);
  g.dx = xt::zeros<double>({N, D});
  g.dh_prev = xt::zeros<double>({N, H});
  g.dWx = xt::zeros<double>({D, H});
  g.dWh = xt::zeros<double>({H, H});
  g.db = xt::zeros<double>({H});
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t j = 0; j < H; ++j) {
      g.db(j) += dz(n, j);  // db = sum_n dz
      for (std::size_t d = 0; d < D; ++d) {
        g.dx(n, d) += dz(n, j) * Wx(d, j);  // dx = dz Wx^T
        g.dWx(d, j) += x(n, d) * dz(n, j);  // dWx = x^T dz
      }
      for (std::size_t k = 0; k < H; ++k) {
        g.dh_prev(n, k) += dz(n, j) * Wh(k, j);  // dh_prev = dz Wh^T
        g.dWh(k, j) += h_prev(n, k) * dz(n, j);  // dWh = h_prev^T dz
      }
    }
  return g;
}
// [ex7.1-task]

}  // namespace ex
