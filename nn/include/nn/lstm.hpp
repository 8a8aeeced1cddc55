#pragma once
/**
 * @file lstm.hpp
 * @brief The long short-term memory layer (LSTM): gates i, f, g, o; cell c; hidden h.
 */
#include "nn/layer.hpp"

namespace nn {

/**
 * @brief A long short-term memory layer (Hochreiter & Schmidhuber 1997, with a forget gate).
 *
 * At each step t, from the input \f$ x_t \f$ and the previous states
 * \f$ h_{t-1}, c_{t-1} \f$:
 * \f[ z_t = x_t W_x + h_{t-1} W_h + b \quad (N, 4H), \text{ cut into four blocks of } H: \f]
 * \f[ i = \sigma(z^i),\; f = \sigma(z^f),\; g = \tanh(z^g),\; o = \sigma(z^o), \f]
 * \f[ c_t = f \odot c_{t-1} + i \odot g, \qquad h_t = o \odot \tanh(c_t). \f]
 * `i` (input gate) lets the candidate `g` into the cell, `f` (forget gate) keeps
 * the old cell, `o` (output gate) exposes the cell as `h`.
 *
 * Shapes: `x` is `(N, T, D)`; `Wx` `(D, 4H)`, `Wh` `(H, 4H)`, `b` `(4H,)`, each with
 * its four column blocks in the order **i, f, g, o** (columns `0..H-1` are the
 * input gate, `H..2H-1` the forget gate, and so on). The output is every `h_t`
 * `(N, T, H)` with `return_sequences`, else the last one `(N, H)`. The states
 * start at zero unless `set_initial_state` gives them.
 *
 * Loading weights from elsewhere:
 * - **Keras** `LSTM`: `kernel` is `Wx` `(D, 4H)`, `recurrent_kernel` is `Wh` `(H, 4H)`,
 *   `bias` is `b`, in the same gate order i, f, c, o (Keras calls `g` "c"). Copy as is.
 * - **PyTorch** `nn.LSTM`: `weight_ih_l0` is \f$ W_x^\top \f$ `(4H, D)`, `weight_hh_l0` is
 *   \f$ W_h^\top \f$ `(4H, H)`, same gate order i, f, g, o; it adds two biases, so
 *   `b = bias_ih_l0 + bias_hh_l0`. Transpose the matrices, sum the biases.
 *
 * Initialisation as Keras: `Wx` Glorot-uniform, `Wh` orthogonal rows, `b` zero
 * except the forget gate's block, which starts at **1** (Keras's `unit_forget_bias`,
 * after Jozefowicz, Zaremba & Sutskever 2015): with \f$ f = \sigma(1) \approx 0.73 \f$
 * the cell keeps most of its content from the first step on, so gradients flow
 * back through many steps before the network has learnt when to forget.
 *
 * Follows the layer contract (`nn::Layer`). Backward runs through time from the
 * last step to the first, adds the gradients of all steps to `dWx`, `dWh`, `db`,
 * returns `dx` and leaves the gradients of the initial states in `dh0` and `dc0`.
 * @ingroup ch07
 */
template <class T = float>
class LSTM : public Layer<T> {
 public:
  /// @param units            `H`, the size of the hidden state and of the cell
  /// @param return_sequences output every step `(N, T, H)` rather than the last `(N, H)`
  explicit LSTM(std::size_t units, bool return_sequences = false)
      : units_(units), return_sequences_(return_sequences) {}

  std::string kind() const override { return "lstm"; }
  /// @brief Expects `(T, D)`; creates `Wx (D, 4H)`, `Wh (H, 4H)`, `b (4H,)`; returns `(T, H)` or
  /// `(H,)`.
  Shape build(const Shape& in_shape, Generator& rng) override;
  const Tensor<T>& forward(const Tensor<T>& x) override;
  const Tensor<T>& backward(const Tensor<T>& dy) override;
  std::vector<Param<T>> params() override {
    return {{"Wx", &Wx, &dWx}, {"Wh", &Wh, &dWh}, {"b", &b, &db}};
  }

  /// @brief The states \f$ h_{-1}, c_{-1} \f$ `(N, H)` for the following forwards;
  /// default-constructed tensors `{}` mean zeros.
  void set_initial_state(const Tensor<T>& h0, const Tensor<T>& c0);
  /// @brief The last step's hidden state \f$ h_{T-1} \f$ `(N, H)` of the most recent forward.
  Tensor<T> final_h() const;
  /// @brief The last step's cell \f$ c_{T-1} \f$ `(N, H)` of the most recent forward.
  Tensor<T> final_c() const;
  /// @brief The activated gates of the most recent forward, `(N, T, 4H)` in the order i, f, g, o.
  const Tensor<T>& gates() const { return gates_; }
  /// @brief Every cell state of the most recent forward, `(N, T, H)`.
  const Tensor<T>& cells() const { return c_; }

  Tensor<T> Wx;   ///< input weights `(D, 4H)`, blocks i, f, g, o (Keras `kernel`)
  Tensor<T> Wh;   ///< recurrent weights `(H, 4H)`, blocks i, f, g, o (Keras `recurrent_kernel`)
  Tensor<T> b;    ///< bias `(4H,)`, blocks i, f, g, o; the f block starts at 1
  Tensor<T> dWx;  ///< \f$ \partial L/\partial W_x \f$, `(D, 4H)`
  Tensor<T> dWh;  ///< \f$ \partial L/\partial W_h \f$, `(H, 4H)`
  Tensor<T> db;   ///< \f$ \partial L/\partial b \f$, `(4H,)`
  Tensor<T> dh0;  ///< \f$ \partial L/\partial h_{-1} \f$ `(N, H)`, set by each backward
  Tensor<T> dc0;  ///< \f$ \partial L/\partial c_{-1} \f$ `(N, H)`, set by each backward

 private:
  std::size_t units_;
  bool return_sequences_;
  Tensor<T> h0_, c0_;  // given initial states (N, H), or none (dimension 0)
  Tensor<T> x_;        // cached input (N, T, D)
  Tensor<T> gates_;    // z, then the activated gates i, f, g, o (N, T, 4H)
  Tensor<T> c_;        // every cell state (N, T, H)
  Tensor<T> tc_;       // tanh(c_t) (N, T, H)
  Tensor<T> h_;        // every hidden state (N, T, H)
  Tensor<T> hprev_;    // h_{t-1} for every t (N, T, H)
  Tensor<T> cprev_;    // c_{t-1} for every t (N, T, H)
  Tensor<T> y_;        // (N, H) when only the last state is returned
  Tensor<T> dz_;       // (N, T, 4H)
  Tensor<T> dh_, dc_;  // gradients reaching h_t and c_t from later steps (N, H)
  Tensor<T> dx_;       // (N, T, D)
};

extern template class LSTM<float>;
extern template class LSTM<double>;

}  // namespace nn
