// Mistake: differentiates the tanh candidate g as if it were a sigmoid
// Exercise 7.2: the gradients of the LSTM cell's gates.
// Read: chapter 7, section "The LSTM's gates".
// Run its test: ./nnbook exercise ex7.2
#include <cmath>

#include "nn/tensor.hpp"

namespace ex {

/// dz (N, 4H): the gradient of the four gates' pre-activations, blocks i, f, g, o;
/// dc_prev (N, H): the gradient handed to the previous cell.
struct LstmGateGradients {
  nn::Tensor<double> dz, dc_prev;
};

// A worked sibling: the cell's forward pass from the pre-activations z = x Wx + h_prev Wh + b.
//   z: (N, 4H), blocks i, f, g, o;  c_prev: (N, H)
//   a = (sigma(z_i), sigma(z_f), tanh(z_g), sigma(z_o))  (N, 4H)
//   c = f c_prev + i g,   h = o tanh(c)                  (N, H) each
void lstm_cell_forward(const nn::Tensor<double>& z, const nn::Tensor<double>& c_prev,
                       nn::Tensor<double>& a, nn::Tensor<double>& c, nn::Tensor<double>& h) {
  const std::size_t N = z.shape(0), H = z.shape(1) / 4;
  auto sigma = [](double v) { return 1 / (1 + std::exp(-v)); };
  a = nn::Tensor<double>::from_shape({N, 4 * H});
  c = nn::Tensor<double>::from_shape({N, H});
  h = nn::Tensor<double>::from_shape({N, H});
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t j = 0; j < H; ++j) {
      const double i = a(n, j) = sigma(z(n, j));
      const double f = a(n, H + j) = sigma(z(n, H + j));
      const double g = a(n, 2 * H + j) = std::tanh(z(n, 2 * H + j));
      const double o = a(n, 3 * H + j) = sigma(z(n, 3 * H + j));
      c(n, j) = f * c_prev(n, j) + i * g;
      h(n, j) = o * std::tanh(c(n, j));
    }
}

// [ex7.2-task]
/**
 * The backward pass of the cell above, given its gates a (N, 4H), c_prev and c (N, H),
 * dh = dL/dh (N, H) and dc_next = the gradient reaching c from the next step (N, H):
 *   do = dh tanh(c)
 *   dc = dc_next + dh o (1 - tanh^2(c))      (c reaches L two ways: through h, and onwards)
 *   di = dc g,   df = dc c_prev,   dg = dc i,   dc_prev = dc f
 *   dz_i = di i (1 - i),  dz_f = df f (1 - f),  dz_g = dg (1 - g^2),  dz_o = do o (1 - o)
 * Return dz (blocks i, f, g, o) and dc_prev (their tensors start empty: size them).
 * Check, the chapter's worked step: z = (0, 1 | 0, 2 | 1, -1 | -1, 1), c_prev = (2, -1),
 * dh = (1, 1), dc_next = 0 give dz = (0.0114502153, -0.0221323210 | 0.0300690733,
 * -0.0155187326 | 0.0126282393, 0.0453804104 | 0.1732405997, -0.1756151337) and
 * dc_prev = (0.0300690733, 0.1301875184).
 */
LstmGateGradients lstm_gate_gradients(const nn::Tensor<double>& a, const nn::Tensor<double>& c_prev,
                                      const nn::Tensor<double>& c, const nn::Tensor<double>& dh,
                                      const nn::Tensor<double>& dc_next) {
  const std::size_t N = c.shape(0), H = c.shape(1);
  LstmGateGradients r;
  r.dz = nn::Tensor<double>::from_shape({N, 4 * H});
  r.dc_prev = nn::Tensor<double>::from_shape({N, H});
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t j = 0; j < H; ++j) {
      const double i = a(n, j), f = a(n, H + j), g = a(n, 2 * H + j), o = a(n, 3 * H + j);
      const double tc = std::tanh(c(n, j));
      const double d_o = dh(n, j) * tc;                                 // h = o tanh(c)
      const double dc = dc_next(n, j) + dh(n, j) * o * (1 - tc * tc);
      const double di = dc * g, df = dc * c_prev(n, j), dg = dc * i;  // c = f c_prev + i g
      r.dc_prev(n, j) = dc * f;
      r.dz(n, j) = di * i * (1 - i);
      r.dz(n, H + j) = df * f * (1 - f);
      r.dz(n, 2 * H + j) = dg * g * (1 - g);
      r.dz(n, 3 * H + j) = d_o * o * (1 - o);
    }
  return r;
}
// [ex7.2-task]

}  // namespace ex
