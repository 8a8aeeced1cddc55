#pragma once
/**
 * @file dropout.hpp
 * @brief Inverted dropout: random units set to zero in training, identity in inference.
 */
#include "nn/layer.hpp"

namespace nn {

/**
 * @brief Inverted dropout with rate \f$ p \f$ (Keras's `Dropout(rate)`).
 *
 * In training each element is kept with probability \f$ 1 - p \f$ and scaled by
 * \f$ 1/(1-p) \f$: \f$ y = x \odot m \f$ with \f$ m_i = 1/(1-p) \f$ (kept) or 0 (dropped),
 * so that \f$ \mathbb{E}[y_i] = x_i \f$ and inference needs no rescaling: there
 * \f$ y = x \f$ (`set_training(false)`, which `evaluate` and `predict` call).
 * Backward: \f$ dx = dy \odot m \f$. The mask comes from a generator seeded, at
 * build, from the model's generator: same model seed, same masks.
 * Any per-example shape; no parameters; follows the layer contract (`nn::Layer`).
 * @ingroup ch08
 */
template <class T = float>
class Dropout : public Layer<T> {
 public:
  /// @param rate \f$ p \in [0, 1) \f$, the fraction of elements dropped
  explicit Dropout(double rate);

  std::string kind() const override { return "dropout"; }
  /// @brief Accepts any per-example shape and returns it; seeds the mask generator from `rng`.
  Shape build(const Shape& in_shape, Generator& rng) override;
  const Tensor<T>& forward(const Tensor<T>& x) override;
  const Tensor<T>& backward(const Tensor<T>& dy) override;

  /// @brief \f$ p \f$.
  double rate() const { return rate_; }

  Tensor<T> mask;           ///< \f$ m \f$ of the last training forward: 0 or \f$ 1/(1-p) \f$, shape of `x`
  bool fixed_mask = false;  ///< reuse `mask` instead of drawing a new one (gradient checks, worked examples)

 private:
  double rate_;
  Generator rng_;
  Tensor<T> y_, dx_;
};

extern template class Dropout<float>;
extern template class Dropout<double>;

}  // namespace nn
