#pragma once
/**
 * @file sequence.hpp
 * @brief What sequence models need around their recurrent layers: a layer applied at
 * every time step, a cross-entropy over every step, sampling with a temperature.
 */
#include <memory>

#include "nn/layer.hpp"
#include "nn/loss.hpp"

namespace nn {

/**
 * @brief Applies one layer to every time step of a sequence, with the same weights.
 *
 * `x` `(N, T, in...)` is seen as a batch of `N*T` examples `(N*T, in...)`, the
 * inner layer runs once on that batch (one matrix product for a `Dense`), and
 * its output is seen again as `(N, T, out...)`. Since the rows are contiguous
 * both views are plain copies. The inner layer's gradients are the sums over
 * all steps, as for any weights shared across a batch. Keras's `TimeDistributed`.
 * @ingroup ch07
 */
template <class T = float>
class TimeDistributed : public Layer<T> {
 public:
  /// @param layer the layer to apply at every step, e.g. `Dense<float>(V)`
  template <class L>
  explicit TimeDistributed(L layer) : inner_(std::make_unique<L>(std::move(layer))) {}

  std::string kind() const override { return "time_distributed(" + inner_->kind() + ")"; }
  /// @brief Expects `(T, in...)`; builds the inner layer for `(in...)`; returns `(T, out...)`.
  Shape build(const Shape& in_shape, Generator& rng) override;
  const Tensor<T>& forward(const Tensor<T>& x) override;
  const Tensor<T>& backward(const Tensor<T>& dy) override;
  std::vector<Param<T>> params() override { return inner_->params(); }
  /// @brief The layer applied at every step.
  Layer<T>& inner() { return *inner_; }

 private:
  std::unique_ptr<Layer<T>> inner_;
  Tensor<T> x_flat_, dy_flat_;  // (N*T, in...), (N*T, out...)
  Tensor<T> y_, dx_;            // (N, T, out...), (N, T, in...)
};

/**
 * @brief Softmax cross-entropy at every step: logits `(N, T, V)`, target classes `(N, T)`.
 *
 * \f$ L = \frac{1}{NT} \sum_{n,t} \big(\log \sum_v e^{z_{ntv}} - z_{nt\,t_{nt}}\big) \f$:
 * `nn::SoftmaxCrossEntropy` on the `N*T` rows, so the mean is over every
 * predicted symbol (nats per symbol) and
 * \f$ \partial L/\partial z_{nt} = (p_{nt} - \mathrm{onehot}(t_{nt}))/(NT) \f$.
 * Keras's `SparseCategoricalCrossentropy(from_logits=True)` on a sequence.
 * @ingroup ch07
 */
template <class T = float>
class SequenceCrossEntropy : public Loss<T> {
 public:
  std::string name() const override { return "sparse_categorical_crossentropy"; }
  T forward(const Tensor<T>& z, const Tensor<T>& t) override;
  const Tensor<T>& backward() override { return this->dy_; }

 private:
  SoftmaxCrossEntropy<T> rows_;
  Tensor<T> z_flat_, t_flat_;
};

/**
 * @brief Draws one class from \f$ p_v \propto e^{z_v / \tau} \f$: the softmax of the logits at
 * temperature \f$ \tau \f$.
 *
 * \f$ \tau = 1 \f$ samples the model's own distribution; \f$ \tau < 1 \f$
 * sharpens it (safer, more repetitive text), \f$ \tau > 1 \f$ flattens it
 * (more varied, more mistakes); \f$ \tau = 0 \f$ returns the most likely class.
 * @param logits      `(V,)` (or any shape; its elements are the V logits)
 * @param temperature \f$ \tau \ge 0 \f$
 * @param rng         the one uniform draw comes from here
 * @ingroup ch07
 */
template <class T>
std::size_t sample(const Tensor<T>& logits, double temperature, Generator& rng);

extern template class TimeDistributed<float>;
extern template class TimeDistributed<double>;
extern template class SequenceCrossEntropy<float>;
extern template class SequenceCrossEntropy<double>;

}  // namespace nn
