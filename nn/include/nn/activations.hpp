#pragma once
/**
 * @file activations.hpp
 * @brief Activation functions, each with its derivative, and a layer that applies one.
 */
#include <cmath>

#include "nn/layer.hpp"

namespace nn {

/// @brief The activations the library knows; `none` is the identity.
/// @ingroup ch01
enum class Activation { none, sigmoid, tanh, relu, leaky_relu };

/// @brief Slope of leaky ReLU for negative inputs: \f$ f(z) = 0.01 z \f$ for \f$ z < 0 \f$.
/// @ingroup ch01
inline constexpr double leaky_relu_slope = 0.01;

/// @brief Name of an activation as Keras spells it: `"relu"`, `"sigmoid"`, ...
/// @ingroup ch01
const char* to_string(Activation f);

// [activation-scalar]
/**
 * @brief \f$ a = f(z) \f$ for one number.
 *
 * - sigmoid \f$ \sigma(z) = 1 / (1 + e^{-z}) \f$
 * - tanh \f$ \tanh(z) = (e^{z} - e^{-z}) / (e^{z} + e^{-z}) \f$
 * - ReLU \f$ \max(0, z) \f$, leaky ReLU \f$ \max(0.01 z, z) \f$
 * @ingroup ch01
 */
template <class T>
T activate(Activation f, T z) {
  switch (f) {
    case Activation::sigmoid: return T(1) / (T(1) + std::exp(-z));
    case Activation::tanh: return std::tanh(z);
    case Activation::relu: return z > T(0) ? z : T(0);
    case Activation::leaky_relu: return z > T(0) ? z : T(leaky_relu_slope) * z;
    case Activation::none: break;
  }
  return z;
}

/**
 * @brief \f$ f'(z) \f$ written with the output \f$ a = f(z) \f$, which forward already has.
 *
 * - sigmoid \f$ \sigma'(z) = \sigma(z)(1 - \sigma(z)) = a(1 - a) \f$
 * - tanh \f$ \tanh'(z) = 1 - \tanh^2(z) = 1 - a^2 \f$
 * - ReLU \f$ 1 \f$ if \f$ z > 0 \f$ else \f$ 0 \f$; \f$ z > 0 \iff a > 0 \f$.
 *   At the kink \f$ z = 0 \f$ we take 0, as most libraries do.
 * - leaky ReLU \f$ 1 \f$ if \f$ a > 0 \f$ else \f$ 0.01 \f$
 * @ingroup ch01
 */
template <class T>
T derivative_from_output(Activation f, T a) {
  switch (f) {
    case Activation::sigmoid: return a * (T(1) - a);
    case Activation::tanh: return T(1) - a * a;
    case Activation::relu: return a > T(0) ? T(1) : T(0);
    case Activation::leaky_relu: return a > T(0) ? T(1) : T(leaky_relu_slope);
    case Activation::none: break;
  }
  return T(1);
}
// [activation-scalar]

/**
 * @brief Calls `loop(f)` with `f` as a compile-time constant.
 *
 * Each loop then handles one known activation and the compiler vectorises it,
 * instead of branching on `f` for every element.
 * @ingroup ch01
 */
template <class Loop>
void for_activation(Activation f, const Loop& loop) {
  switch (f) {
    case Activation::none: return loop(Activation::none);
    case Activation::sigmoid: return loop(Activation::sigmoid);
    case Activation::tanh: return loop(Activation::tanh);
    case Activation::relu: return loop(Activation::relu);
    case Activation::leaky_relu: return loop(Activation::leaky_relu);
  }
}

/// @brief \f$ a = f(z) \f$ element by element; `a` is resized to `z`'s shape if needed.
/// @ingroup ch01
template <class T>
void activate(Activation f, const Tensor<T>& z, Tensor<T>& a);

/// @brief \f$ dz = da \odot f'(z) \f$, with \f$ f'(z) \f$ from the cached output `a`; all three have one shape.
/// @ingroup ch01
template <class T>
void activate_backward(Activation f, const Tensor<T>& a, const Tensor<T>& da, Tensor<T>& dz);

/**
 * @brief A layer that applies an activation element by element: \f$ a = f(z) \f$.
 *
 * Follows the layer contract (`nn::Layer`). It has no parameters and caches its
 * output `a`, from which backward gets \f$ f'(z) \f$.
 * @ingroup ch02
 */
template <class T = float>
class ActivationLayer : public Layer<T> {
 public:
  /// @param f the activation to apply
  explicit ActivationLayer(Activation f) : f_(f) {}
  std::string kind() const override { return to_string(f_); }
  Shape build(const Shape& in_shape, Generator& rng) override;
  const Tensor<T>& forward(const Tensor<T>& z) override;
  const Tensor<T>& backward(const Tensor<T>& da) override;

 private:
  Activation f_;
  Tensor<T> a_;   // cached output
  Tensor<T> dz_;  // returned gradient
};

extern template class ActivationLayer<float>;
extern template class ActivationLayer<double>;

}  // namespace nn
