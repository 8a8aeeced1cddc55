#pragma once
/**
 * @file augmentation.hpp
 * @brief Data augmentation as layers active only in training: random shifts and rotations.
 */
#include <cstddef>
#include <vector>

#include "nn/layer.hpp"

namespace nn {

/**
 * @brief Where each output pixel of an `H x Wd` image comes from after a shift by
 * (`dr` rows, `dc` columns): `src[r*Wd + c] = (r-dr)*Wd + (c-dc)`, or -1 (filled with 0) outside.
 * @ingroup ch08
 */
std::vector<std::ptrdiff_t> shift_map(std::size_t H, std::size_t Wd, long dr, long dc);

/**
 * @brief Where each output pixel comes from after a rotation by `angle` radians about the
 * image centre, nearest neighbour: output \f$ (r, c) \f$ takes input
 * \f$ (c_y + \cos\theta\,(r-c_y) - \sin\theta\,(c-c_x),\ c_x + \sin\theta\,(r-c_y) + \cos\theta\,(c-c_x)) \f$,
 * rounded; -1 (filled with 0) outside.
 * @ingroup ch08
 */
std::vector<std::ptrdiff_t> rotation_map(std::size_t H, std::size_t Wd, double angle);

/**
 * @brief A random resampling of each image, drawn afresh for every image of every training batch.
 *
 * `y[n, c, p] = x[n, c, src_n[p]]` (0 where `src_n[p] = -1`), with one map `src_n` per image
 * drawn by `draw`. In inference (`evaluate`, `predict`) it is the identity. Backward sends each
 * gradient back to the pixel it came from: `dx[n, c, src_n[p]] += dy[n, c, p]`. Expects `(C, H, Wd)`.
 * Its generator is seeded, at build, from the model's. Follows the layer contract (`nn::Layer`).
 * @ingroup ch08
 */
template <class T = float>
class RandomWarp : public Layer<T> {
 public:
  /// @brief Expects `(C, H, Wd)`; returns it.
  Shape build(const Shape& in_shape, Generator& rng) override;
  const Tensor<T>& forward(const Tensor<T>& x) override;
  const Tensor<T>& backward(const Tensor<T>& dy) override;

 protected:
  /// @brief One image's map, `H * Wd` source indices, drawn from `rng`.
  virtual std::vector<std::ptrdiff_t> draw(std::size_t H, std::size_t Wd, Generator& rng) = 0;

 private:
  Generator rng_;
  std::vector<std::vector<std::ptrdiff_t>> maps_;  // one per image of the last training batch
  Tensor<T> y_, dx_;
};

/**
 * @brief Keras's `RandomTranslation(height_factor, width_factor)` with `fill_mode="constant"`:
 * each image shifted by a whole number of pixels, up to `height_factor * H` rows and
 * `width_factor * Wd` columns either way, uniformly; zeros fill the edge.
 * @ingroup ch08
 */
template <class T = float>
class RandomTranslation : public RandomWarp<T> {
 public:
  /// @param height_factor largest shift as a fraction of the height   @param width_factor likewise of the width
  RandomTranslation(double height_factor, double width_factor)
      : height_factor_(height_factor), width_factor_(width_factor) {}
  std::string kind() const override { return "random_translation"; }

 protected:
  std::vector<std::ptrdiff_t> draw(std::size_t H, std::size_t Wd, Generator& rng) override;

 private:
  double height_factor_, width_factor_;
};

/**
 * @brief Keras's `RandomRotation(factor)` with nearest-neighbour sampling and zero fill:
 * each image rotated by an angle drawn uniformly in \f$ [-2\pi f, 2\pi f] \f$ (Keras's units:
 * `factor = 0.05` is up to 18 degrees).
 * @ingroup ch08
 */
template <class T = float>
class RandomRotation : public RandomWarp<T> {
 public:
  /// @param factor largest angle as a fraction of a full turn
  explicit RandomRotation(double factor) : factor_(factor) {}
  std::string kind() const override { return "random_rotation"; }

 protected:
  std::vector<std::ptrdiff_t> draw(std::size_t H, std::size_t Wd, Generator& rng) override;

 private:
  double factor_;
};

extern template class RandomWarp<float>;
extern template class RandomWarp<double>;
extern template class RandomTranslation<float>;
extern template class RandomTranslation<double>;
extern template class RandomRotation<float>;
extern template class RandomRotation<double>;

}  // namespace nn
