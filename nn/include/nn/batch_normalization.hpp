#pragma once
/**
 * @file batch_normalization.hpp
 * @brief Batch normalization: each feature standardised over the batch, then scaled and shifted.
 */
#include "nn/layer.hpp"

namespace nn {

/**
 * @brief Batch normalization (Keras's `BatchNormalization`), per feature of `(N, D)` or per channel of `(N, C, H, Wd)`.
 *
 * For each feature (or channel) \f$ f \f$, over the \f$ M \f$ values it takes in the batch
 * (\f$ M = N \f$ for `(N, D)`, \f$ M = N H W_d \f$ for images):
 * \f[ \mu = \tfrac1M \sum x,\quad \sigma^2 = \tfrac1M \sum (x-\mu)^2,\quad
 *     \hat x = \frac{x-\mu}{\sqrt{\sigma^2+\epsilon}},\quad y = \gamma \hat x + \beta. \f]
 * In training it uses the batch's \f$ \mu, \sigma^2 \f$ and updates the running averages
 * \f$ \bar\mu \leftarrow m \bar\mu + (1-m)\mu,\ \bar\sigma^2 \leftarrow m \bar\sigma^2 + (1-m)\sigma^2 \f$;
 * in inference (`set_training(false)`, as `evaluate` and `predict` set it) it uses
 * \f$ \bar\mu, \bar\sigma^2 \f$ instead, so one example's output does not depend on the others.
 * Backward in training (derived in chapter 8):
 * \f$ dx = \frac{\gamma}{M\sqrt{\sigma^2+\epsilon}} \left( M\,dy - \sum dy - \hat x \sum dy\,\hat x \right) \f$.
 * `gamma`, `beta` are trainable; `moving_mean`, `moving_variance` are `state()`, saved
 * in checkpoints. Follows the layer contract (`nn::Layer`).
 * @ingroup ch08
 */
template <class T = float>
class BatchNormalization : public Layer<T> {
 public:
  /// @param momentum \f$ m \f$ of the running averages (Keras: 0.99)
  /// @param epsilon  \f$ \epsilon \f$ added to the variance (Keras: 0.001)
  explicit BatchNormalization(double momentum = 0.99, double epsilon = 1e-3);

  std::string kind() const override { return "batch_normalization"; }
  /// @brief Expects `(D,)` or `(C, H, Wd)` (any rank; the first axis holds the features); returns it.
  Shape build(const Shape& in_shape, Generator& rng) override;
  const Tensor<T>& forward(const Tensor<T>& x) override;
  const Tensor<T>& backward(const Tensor<T>& dy) override;
  std::vector<Param<T>> params() override {
    return {{"gamma", &gamma, &dgamma}, {"beta", &beta, &dbeta}};
  }
  std::vector<Param<T>> state() override {
    return {{"moving_mean", &moving_mean, nullptr}, {"moving_variance", &moving_variance, nullptr}};
  }

  Tensor<T> gamma;            ///< scale \f$ \gamma \f$ `(F,)`, starts at 1
  Tensor<T> beta;             ///< shift \f$ \beta \f$ `(F,)`, starts at 0
  Tensor<T> dgamma;           ///< \f$ \partial L/\partial\gamma \f$ `(F,)`
  Tensor<T> dbeta;            ///< \f$ \partial L/\partial\beta \f$ `(F,)`
  Tensor<T> moving_mean;      ///< \f$ \bar\mu \f$ `(F,)`, starts at 0; not trained by gradients
  Tensor<T> moving_variance;  ///< \f$ \bar\sigma^2 \f$ `(F,)`, starts at 1

 private:
  double momentum_, epsilon_;
  std::size_t F_ = 0, inner_ = 1;  // features, and values per feature per example (H*Wd)
  Tensor<T> xhat_;                 // (N, F, ...) normalised input, cached for backward
  std::vector<double> inv_std_;    // (F,) 1/sqrt(var + eps) of the last forward
  Tensor<T> y_, dx_;
};

extern template class BatchNormalization<float>;
extern template class BatchNormalization<double>;

}  // namespace nn
