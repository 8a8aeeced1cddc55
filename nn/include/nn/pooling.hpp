#pragma once
/**
 * @file pooling.hpp
 * @brief Max pooling and average pooling over square windows, NCHW.
 */
#include <cstddef>
#include <cstdint>
#include <vector>

#include "nn/conv2d.hpp"

namespace nn {

/**
 * @brief Max pooling: each output is the largest input in its `K x K` window.
 *
 * \f[ y_{c, o_h, o_w} = \max_{0 \le i, j < K} x_{c,\; o_h S + i,\; o_w S + j} \f]
 * with 'valid' windows only: \f$ H_o = \lfloor (H - K)/S \rfloor + 1 \f$, likewise \f$ W_o \f$.
 *
 * Shapes: `x` is `(N, C, H, Wd)`, `y` is `(N, C, Ho, Wo)`. No parameters.
 * Follows the layer contract (`nn::Layer`): forward remembers where each
 * maximum was (a flat index into `x`); backward sends each \f$ dy \f$ to that
 * input alone, adding where windows overlap (\f$ S < K \f$). On a tie the first
 * maximum in row-major order wins.
 * @ingroup ch06
 */
template <class T = float>
class MaxPool2D : public Layer<T> {
 public:
  /// @param pool_size \f$ K \f$, the window's height and width
  /// @param stride    \f$ S \f$, the step between windows; 0 means \f$ S = K \f$ (no overlap)
  explicit MaxPool2D(std::size_t pool_size = 2, std::size_t stride = 0);

  std::string kind() const override { return "max_pooling2d"; }
  /// @brief Expects `(C, H, Wd)` with \f$ H, W_d \ge K \f$; returns `(C, Ho, Wo)`.
  Shape build(const Shape& in_shape, Generator& rng) override;
  const Tensor<T>& forward(const Tensor<T>& x) override;
  const Tensor<T>& backward(const Tensor<T>& dy) override;

  /// @brief Window size \f$ K \f$.
  std::size_t pool_size() const { return K_; }
  /// @brief Stride \f$ S \f$.
  std::size_t stride() const { return S_; }
  /// @brief For each output of the last forward (row-major): the flat index into `x` of its max.
  const std::vector<std::size_t>& argmax() const { return argmax_; }
  /// @brief Allows (the default) or forbids `nn::maxpool2x2_plane` for 2x2 windows of
  /// stride 2; the general loop is the reference.
  void set_fast(bool allowed) { fast_ = allowed; }

 private:
  std::size_t K_, S_;
  bool fast_ = true;
  ConvGeometry g_;
  std::vector<std::size_t> argmax_;  // cached for backward
  Tensor<T> y_, dx_;
};

/**
 * @brief Average pooling: each output is the mean of its `K x K` window.
 *
 * \f[ y_{c, o_h, o_w} = \frac{1}{K^2} \sum_{0 \le i, j < K} x_{c,\; o_h S + i,\; o_w S + j} \f]
 * with 'valid' windows only: \f$ H_o = \lfloor (H - K)/S \rfloor + 1 \f$, likewise \f$ W_o \f$.
 *
 * Shapes: `x` is `(N, C, H, Wd)`, `y` is `(N, C, Ho, Wo)`. No parameters.
 * Follows the layer contract (`nn::Layer`): backward spreads each
 * \f$ dy \f$ evenly, \f$ dy / K^2 \f$ to every input of its window, adding where windows overlap.
 * @ingroup ch06
 */
template <class T = float>
class AvgPool2D : public Layer<T> {
 public:
  /// @param pool_size \f$ K \f$, the window's height and width
  /// @param stride    \f$ S \f$, the step between windows; 0 means \f$ S = K \f$ (no overlap)
  explicit AvgPool2D(std::size_t pool_size = 2, std::size_t stride = 0);

  std::string kind() const override { return "average_pooling2d"; }
  /// @brief Expects `(C, H, Wd)` with \f$ H, W_d \ge K \f$; returns `(C, Ho, Wo)`.
  Shape build(const Shape& in_shape, Generator& rng) override;
  const Tensor<T>& forward(const Tensor<T>& x) override;
  const Tensor<T>& backward(const Tensor<T>& dy) override;

  /// @brief Window size \f$ K \f$.
  std::size_t pool_size() const { return K_; }
  /// @brief Stride \f$ S \f$.
  std::size_t stride() const { return S_; }

 private:
  std::size_t K_, S_;
  ConvGeometry g_;
  std::size_t N_ = 0;  // batch size of the last forward
  Tensor<T> y_, dx_;
};

/**
 * @brief Max pooling of one plane `x (H, Wd)` by 2x2 windows with stride 2, with each maximum's index.
 *
 * \f$ y_{o_h, o_w} = \max_{i, j < 2} x_{2 o_h + i,\; 2 o_w + j} \f$, and
 * `argmax[o_h Wo + o_w]` = `plane` + the maximum's flat index in `x` (the first
 * one in row-major order on a tie): the same as `MaxPool2D`'s general loop, written so
 * that it runs on vectors. `MaxPool2D` calls it per `(n, c)` plane with `std::size_t`
 * indices into the batch; `Conv2D::forward_pooled` with 32-bit indices into one image.
 * @param x the plane   @param y its `(Ho, Wo)` maxima   @param argmax their indices
 * @param plane added to every index   @param Wd the plane's row length
 * @param Ho output rows   @param Wo output columns
 * @ingroup ch10
 */
template <class T, class Index>
void maxpool2x2_plane(const T* x, T* y, Index* argmax, std::size_t plane, std::size_t Wd,
                      std::size_t Ho, std::size_t Wo);

extern template void maxpool2x2_plane(const float*, float*, std::size_t*, std::size_t,
                                      std::size_t, std::size_t, std::size_t);
extern template void maxpool2x2_plane(const double*, double*, std::size_t*, std::size_t,
                                      std::size_t, std::size_t, std::size_t);
extern template void maxpool2x2_plane(const float*, float*, std::uint32_t*, std::size_t,
                                      std::size_t, std::size_t, std::size_t);
extern template void maxpool2x2_plane(const double*, double*, std::uint32_t*, std::size_t,
                                      std::size_t, std::size_t, std::size_t);
extern template class MaxPool2D<float>;
extern template class MaxPool2D<double>;
extern template class AvgPool2D<float>;
extern template class AvgPool2D<double>;

}  // namespace nn
