#pragma once
/**
 * @file dense.hpp
 * @brief The fully connected layer \f$ y = f(xW + b) \f$.
 */
#include "nn/activations.hpp"
#include "nn/regularizer.hpp"

namespace nn {

/**
 * @brief A fully connected (dense) layer: \f$ z = xW + b,\; y = f(z) \f$.
 *
 * Shapes: `x` is `(N, D)`, `W` is `(D, U)` for `U` units, `b` is `(U,)`,
 * `y` is `(N, U)`. Batch-first, so that one row of `x` is one example and the
 * whole batch is one matrix product. Follows the layer contract (`nn::Layer`):
 * forward caches `x` and `y`; backward adds to `dW` and `db` and returns `dx`.
 * Weights start Glorot-uniform, biases at zero, as in Keras.
 * @ingroup ch02
 */
template <class T = float>
class Dense : public Layer<T> {
 public:
  /// @param units      `U`, the number of outputs
  /// @param activation `f`, applied after the affine map (none by default)
  /// @param kernel_regularizer a penalty on `W` added to the loss (none by default; chapter 8)
  explicit Dense(std::size_t units, Activation activation = Activation::none,
                 Regularizer kernel_regularizer = {})
      : kernel_regularizer(kernel_regularizer), units_(units), f_(activation) {
    if (units == 0) throw value_error("dense: units must be at least 1, got 0");
  }

  std::string kind() const override { return "dense"; }
  /// @brief Expects `(D,)`; creates `W (D, U)` and `b (U,)`; returns `(U,)`.
  Shape build(const Shape& in_shape, Generator& rng) override;
  const Tensor<T>& forward(const Tensor<T>& x) override;
  const Tensor<T>& backward(const Tensor<T>& dy) override;
  std::vector<Param<T>> params() override { return {{"W", &W, &dW}, {"b", &b, &db}}; }
  /// @brief \f$ R(W) \f$ of the kernel regularizer (0 without one).
  double penalty() const override { return nn::penalty(kernel_regularizer, W); }
  /// @brief The activation \f$ f \f$.
  Activation activation() const { return f_; }

  Regularizer kernel_regularizer;  ///< penalty on `W`; its gradient is added to `dW` in backward
  Tensor<T> W;   ///< weights `(D, U)`
  Tensor<T> b;   ///< biases `(U,)`
  Tensor<T> dW;  ///< \f$ \partial L/\partial W \f$, `(D, U)`
  Tensor<T> db;  ///< \f$ \partial L/\partial b \f$, `(U,)`

 private:
  std::size_t units_;
  Activation f_;
  Tensor<T> x_;   // cached input (N, D)
  Tensor<T> y_;   // output (N, U): z, then f(z) in place
  Tensor<T> dz_;  // (N, U)
  Tensor<T> dx_;  // (N, D)
};

extern template class Dense<float>;
extern template class Dense<double>;

}  // namespace nn
