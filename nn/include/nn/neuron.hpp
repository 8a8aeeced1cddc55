#pragma once
/**
 * @file neuron.hpp
 * @brief A single neuron: a weighted sum of the inputs plus a bias, through an activation.
 */
#include "nn/activations.hpp"

namespace nn {

/**
 * @brief One neuron, \f$ z = \sum_d x_d w_d + b,\; a = f(z) \f$, on a batch of inputs.
 *
 * Shapes: `x` is `(N, D)`, `w` is `(D,)`, `b` is `(1,)`, the output `a` is `(N, 1)`.
 * Follows the layer contract (`nn::Layer`): forward caches `x` and `a`;
 * backward adds to `dw` and `db` and returns `dx`. A dense layer (chapter 2)
 * is many of these side by side.
 * @ingroup ch01
 */
template <class T = float>
class Neuron : public Layer<T> {
 public:
  /// @param f the activation applied to the weighted sum
  explicit Neuron(Activation f = Activation::sigmoid) : f(f) {}

  std::string kind() const override { return "neuron"; }
  /// @brief Expects `(D,)`; initialises `w` Glorot-uniform and `b` to 0; returns `(1,)`.
  Shape build(const Shape& in_shape, Generator& rng) override;
  const Tensor<T>& forward(const Tensor<T>& x) override;
  const Tensor<T>& backward(const Tensor<T>& da) override;
  std::vector<Param<T>> params() override { return {{"w", &w, &dw}, {"b", &b, &db}}; }

  Activation f;             ///< the activation
  Tensor<T> w;              ///< weights `(D,)`
  Tensor<T> b;              ///< bias `(1,)`
  Tensor<T> dw;             ///< \f$ \partial L/\partial w \f$, `(D,)`
  Tensor<T> db;             ///< \f$ \partial L/\partial b \f$, `(1,)`

 private:
  Tensor<T> x_, a_, dx_;    // cached input, cached output, returned gradient
};

extern template class Neuron<float>;
extern template class Neuron<double>;

}  // namespace nn
