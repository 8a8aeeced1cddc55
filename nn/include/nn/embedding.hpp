#pragma once
/**
 * @file embedding.hpp
 * @brief A lookup table of learnt vectors, one per symbol: \f$ y_{nt} = W[x_{nt}] \f$.
 */
#include "nn/layer.hpp"

namespace nn {

/**
 * @brief Maps symbol indices to learnt vectors: \f$ y_{nt} = W_{x_{nt}} \f$, a row of `W`.
 *
 * Shapes: `x` is `(N, T)` symbol indices in `[0, V)` stored as numbers of type
 * `T` (so that an Embedding is the first layer of a `Sequential` like any
 * other), `W` is `(V, E)`, `y` is `(N, T, E)`.
 *
 * Why a lookup and not a one-hot vector times a matrix: for a one-hot row
 * \f$ e_k \f$, \f$ e_k W = W_k \f$, so both compute the same thing, but the
 * lookup costs E copies where the product costs V E multiply-adds, and the
 * input `(N, T)` is V times smaller than `(N, T, V)`. The gradient is the same
 * observation backwards: \f$ \partial L/\partial W_k \f$ is the sum of the
 * \f$ \partial L/\partial y_{nt} \f$ of every position holding symbol `k`.
 * Indices are not differentiable: backward returns a `dx` of zeros.
 *
 * `W` starts uniform in \f$ [-0.05, 0.05] \f$, as Keras's `Embedding`.
 * @ingroup ch07
 */
template <class T = float>
class Embedding : public Layer<T> {
 public:
  /// @param input_dim  `V`, the number of symbols
  /// @param output_dim `E`, the length of each vector
  Embedding(std::size_t input_dim, std::size_t output_dim) : V_(input_dim), E_(output_dim) {}

  std::string kind() const override { return "embedding"; }
  /// @brief Expects `(T,)`; creates `W (V, E)`; returns `(T, E)`.
  Shape build(const Shape& in_shape, Generator& rng) override;
  const Tensor<T>& forward(const Tensor<T>& x) override;
  const Tensor<T>& backward(const Tensor<T>& dy) override;
  std::vector<Param<T>> params() override { return {{"W", &W, &dW}}; }

  Tensor<T> W;   ///< one vector per symbol `(V, E)`
  Tensor<T> dW;  ///< \f$ \partial L/\partial W \f$, `(V, E)`

 private:
  std::size_t V_, E_;
  std::vector<std::size_t> index_;  // cached symbol of every position (N*T)
  Tensor<T> y_;                     // (N, T, E)
  Tensor<T> dx_;                    // zeros (N, T)
};

extern template class Embedding<float>;
extern template class Embedding<double>;

}  // namespace nn
