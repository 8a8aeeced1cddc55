#pragma once
/**
 * @file loss.hpp
 * @brief Loss functions, each with its gradient: MSE, binary and categorical cross-entropy.
 */
#include <string>

#include "nn/tensor.hpp"

namespace nn {

/**
 * @brief A loss: a scalar measure of how far a batch of outputs is from its targets.
 *
 * `forward(y, t)` returns the loss averaged over the batch and caches what
 * `backward()` needs; `backward()` returns \f$ \partial L / \partial y \f$, the
 * shape of `y`, for the most recent forward. The average over the batch is
 * part of \f$ L \f$, so its \f$ 1/N \f$ appears in the gradient.
 * @ingroup ch04
 */
template <class T = float>
class Loss {
 public:
  virtual ~Loss() = default;
  /// @brief Name as Keras spells it, e.g. `"categorical_crossentropy"`.
  virtual std::string name() const = 0;
  /// @brief The mean loss of outputs `y` against targets `t`.
  virtual T forward(const Tensor<T>& y, const Tensor<T>& t) = 0;
  /// @brief \f$ \partial L/\partial y \f$ for the last forward.
  virtual const Tensor<T>& backward() = 0;

 protected:
  Tensor<T> dy_;
};

/**
 * @brief Mean squared error \f$ L = \frac{1}{ND} \sum_{n,d} (y_{nd} - t_{nd})^2 \f$.
 *
 * Gradient \f$ \partial L/\partial y_{nd} = \frac{2}{ND}(y_{nd} - t_{nd}) \f$.
 * Shapes: `y` and `t` both `(N, D)`.
 * @ingroup ch04
 */
template <class T = float>
class MeanSquaredError : public Loss<T> {
 public:
  std::string name() const override { return "mean_squared_error"; }
  T forward(const Tensor<T>& y, const Tensor<T>& t) override;
  const Tensor<T>& backward() override { return this->dy_; }
};

/**
 * @brief Binary cross-entropy on probabilities:
 * \f$ L = -\frac{1}{ND} \sum \big(t \log p + (1 - t) \log(1 - p)\big) \f$.
 *
 * `p` comes from a sigmoid output layer and is clipped to
 * \f$ [\epsilon, 1-\epsilon] \f$, \f$ \epsilon = 10^{-7} \f$, as Keras does, so the
 * logarithms stay finite. Gradient
 * \f$ \partial L/\partial p = \frac{1}{ND} \frac{p - t}{p(1 - p)} \f$; through the
 * sigmoid's \f$ p(1-p) \f$ it becomes \f$ (p - t)/ND \f$.
 * Shapes: `p` and `t` both `(N, D)`, targets 0 or 1.
 * @ingroup ch04
 */
template <class T = float>
class BinaryCrossEntropy : public Loss<T> {
 public:
  std::string name() const override { return "binary_crossentropy"; }
  T forward(const Tensor<T>& p, const Tensor<T>& t) override;
  const Tensor<T>& backward() override { return this->dy_; }
};

/**
 * @brief Softmax followed by categorical cross-entropy, fused:
 * \f$ L = \frac{1}{N} \sum_n \big(\log \sum_c e^{z_{nc}} - \sum_c t_{nc} z_{nc}\big) \f$.
 *
 * The inputs are logits `z` `(N, C)` (the last Dense layer has no activation);
 * \f$ p = \mathrm{softmax}(z) \f$. Targets are class indices `(N,)` or one-hot
 * rows `(N, C)`. The log-sum-exp is computed after subtracting each row's
 * maximum, so no exponential overflows. The gradient is the famous
 * \f$ \partial L/\partial z = (p - t)/N \f$.
 * @ingroup ch04
 */
template <class T = float>
class SoftmaxCrossEntropy : public Loss<T> {
 public:
  std::string name() const override { return "categorical_crossentropy"; }
  T forward(const Tensor<T>& z, const Tensor<T>& t) override;
  const Tensor<T>& backward() override { return this->dy_; }
};

/// @brief Row-wise softmax of logits `(N, C)`: \f$ p_{nc} = e^{z_{nc} - m_n} / \sum_k e^{z_{nk} - m_n} \f$, \f$ m_n = \max_k z_{nk} \f$.
/// @ingroup ch04
template <class T>
Tensor<T> softmax(const Tensor<T>& z);

/// @brief The target class of row `n`: the index itself for `(N,)` targets, the argmax for `(N, C)` rows.
/// @ingroup ch04
template <class T>
std::size_t target_class(const Tensor<T>& t, std::size_t n);

extern template class MeanSquaredError<float>;
extern template class MeanSquaredError<double>;
extern template class BinaryCrossEntropy<float>;
extern template class BinaryCrossEntropy<double>;
extern template class SoftmaxCrossEntropy<float>;
extern template class SoftmaxCrossEntropy<double>;

}  // namespace nn
