#pragma once
/**
 * @file flatten.hpp
 * @brief A layer that turns each image into one row of features.
 */
#include "nn/layer.hpp"

namespace nn {

/**
 * @brief Flattens each example to a vector: `(N, C, H, Wd)` to `(N, C*H*Wd)`.
 *
 * \f$ y_{n, (c H + h) W_d + w} = x_{n, c, h, w} \f$: the row-major order of
 * the NCHW layout, so the values stay where they are in memory and only the
 * shape changes. Backward is the same copy in reverse: `dy` is reshaped to `x`'s shape.
 * It sits between the last convolution or pooling layer and the first dense layer.
 * Any per-example rank is accepted. No parameters; follows the layer contract (`nn::Layer`).
 * @ingroup ch06
 */
template <class T = float>
class Flatten : public Layer<T> {
 public:
  std::string kind() const override { return "flatten"; }
  /// @brief Accepts any per-example shape, e.g. `(C, H, Wd)`; returns `(C*H*Wd,)`.
  Shape build(const Shape& in_shape, Generator& rng) override;
  const Tensor<T>& forward(const Tensor<T>& x) override;
  const Tensor<T>& backward(const Tensor<T>& dy) override;

 private:
  Tensor<T> y_, dx_;
};

extern template class Flatten<float>;
extern template class Flatten<double>;

}  // namespace nn
