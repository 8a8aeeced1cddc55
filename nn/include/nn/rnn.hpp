#pragma once
/**
 * @file rnn.hpp
 * @brief The simple (Elman) recurrent layer \f$ h_t = \tanh(x_t W_x + h_{t-1} W_h + b) \f$.
 */
#include "nn/layer.hpp"

namespace nn {

/**
 * @brief A fully connected recurrent layer: \f$ h_t = \tanh(x_t W_x + h_{t-1} W_h + b) \f$.
 *
 * Shapes: `x` is `(N, T, D)`: N sequences of T steps of D features. `Wx` is
 * `(D, H)` for `H` units, `Wh` is `(H, H)`, `b` is `(H,)`. The output is every
 * hidden state `(N, T, H)` with `return_sequences`, else only the last `(N, H)`.
 * The state starts at \f$ h_{-1} = 0 \f$ unless `set_initial_state` gives one.
 *
 * Names and layout follow Keras's `SimpleRNN`: `Wx` is its `kernel`, `Wh` its
 * `recurrent_kernel`, `b` its `bias`. PyTorch's `nn.RNN` stores the transposes,
 * `weight_ih_l0 = Wx^T (H, D)` and `weight_hh_l0 = Wh^T (H, H)`, and two biases
 * whose sum is `b`: `b = bias_ih_l0 + bias_hh_l0`.
 *
 * Initialisation as Keras: `Wx` Glorot-uniform, `Wh` orthogonal (every
 * singular value 1, so at the start the recurrence neither grows nor shrinks a
 * state by itself), `b` zero.
 *
 * Follows the layer contract (`nn::Layer`). Forward caches the inputs and every
 * hidden state; backward runs through time from the last step to the first,
 * adds the gradients of all steps to `dWx`, `dWh`, `db`, returns `dx` and leaves
 * \f$ \partial L/\partial h_{-1} \f$ in `dh0`.
 * @ingroup ch07
 */
template <class T = float>
class SimpleRNN : public Layer<T> {
 public:
  /// @param units            `H`, the size of the hidden state
  /// @param return_sequences output every step `(N, T, H)` rather than the last `(N, H)`
  explicit SimpleRNN(std::size_t units, bool return_sequences = false)
      : units_(units), return_sequences_(return_sequences) {}

  std::string kind() const override { return "simple_rnn"; }
  /// @brief Expects `(T, D)`; creates `Wx (D, H)`, `Wh (H, H)`, `b (H,)`; returns `(T, H)` or
  /// `(H,)`.
  Shape build(const Shape& in_shape, Generator& rng) override;
  const Tensor<T>& forward(const Tensor<T>& x) override;
  const Tensor<T>& backward(const Tensor<T>& dy) override;
  std::vector<Param<T>> params() override {
    return {{"Wx", &Wx, &dWx}, {"Wh", &Wh, &dWh}, {"b", &b, &db}};
  }

  /// @brief The state \f$ h_{-1} \f$ `(N, H)` for the following forwards; a default-constructed
  /// tensor `{}` means zeros.
  void set_initial_state(const Tensor<T>& h0);
  /// @brief The last step's hidden state \f$ h_{T-1} \f$ `(N, H)` of the most recent forward.
  Tensor<T> final_h() const;

  Tensor<T> Wx;   ///< input weights `(D, H)` (Keras `kernel`)
  Tensor<T> Wh;   ///< recurrent weights `(H, H)` (Keras `recurrent_kernel`)
  Tensor<T> b;    ///< bias `(H,)`
  Tensor<T> dWx;  ///< \f$ \partial L/\partial W_x \f$, `(D, H)`
  Tensor<T> dWh;  ///< \f$ \partial L/\partial W_h \f$, `(H, H)`
  Tensor<T> db;   ///< \f$ \partial L/\partial b \f$, `(H,)`
  Tensor<T> dh0;  ///< \f$ \partial L/\partial h_{-1} \f$ `(N, H)`, set by each backward

 private:
  std::size_t units_;
  bool return_sequences_;
  Tensor<T> h0_;     // given initial state (N, H), or none (dimension 0)
  Tensor<T> x_;      // cached input (N, T, D)
  Tensor<T> h_;      // every hidden state (N, T, H)
  Tensor<T> hprev_;  // h_{t-1} for every t (N, T, H): h0 then h_0 .. h_{T-2}
  Tensor<T> y_;      // (N, H) when only the last state is returned
  Tensor<T> dz_;     // (N, T, H)
  Tensor<T> dh_;     // gradient reaching h_t from later steps (N, H)
  Tensor<T> dx_;     // (N, T, D)
};

/**
 * @brief Fills a square matrix `(H, H)` with a random orthogonal matrix (Keras's `orthogonal`).
 *
 * Gram–Schmidt on the rows of a standard normal matrix. An orthogonal \f$ W_h \f$
 * keeps the norm of \f$ h W_h \f$ equal to that of `h`.
 * @ingroup ch07
 */
template <class T>
void orthogonal(Tensor<T>& W, Generator& rng);

extern template class SimpleRNN<float>;
extern template class SimpleRNN<double>;

}  // namespace nn
