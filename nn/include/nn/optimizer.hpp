#pragma once
/**
 * @file optimizer.hpp
 * @brief Optimizers: SGD, SGD with momentum, RMSprop, Adam, AdamW.
 */
#include <cstdint>
#include <string>
#include <vector>

#include "nn/layer.hpp"

namespace nn {

/**
 * @brief Everything an optimizer remembers between steps: what a checkpoint stores
 * so that training resumes exactly where it stopped.
 * @ingroup ch04
 */
template <class T = float>
struct OptimizerState {
  std::string name;                                // `Optimizer::name()`
  std::vector<std::vector<std::vector<T>>> slots;  ///< [slot][parameter][element]: velocities, averages
  std::vector<std::int64_t> steps;                 ///< steps taken per parameter (Adam's t), if counted
};

/**
 * @brief Updates parameters from their gradients, one step at a time.
 *
 * `step(params)` reads every `Param::grad` and changes every `Param::value`;
 * it does not clear the gradients (the model does, after the step). The
 * optimizer's state (velocities, running averages) is kept per parameter, in
 * the order `params` lists them, and created on the first step.
 * With `weight_decay` \f$ \lambda > 0 \f$ the gradient used is
 * \f$ g + \lambda w \f$ (an L2 penalty \f$ \frac{\lambda}{2}\|w\|^2 \f$ on the loss).
 * @ingroup ch04
 */
template <class T = float>
class Optimizer {
 public:
  virtual ~Optimizer() = default;
  /// @brief Name as Keras spells it: `"sgd"`, `"rmsprop"`, `"adam"`.
  virtual std::string name() const = 0;
  /// @brief One update of every parameter.
  void step(const std::vector<Param<T>>& params);
  /// @brief A copy of the state (empty before the first step).
  OptimizerState<T> export_state() const;
  /// @brief Continues from `state`; `nn::value_error` if it belongs to another kind of optimizer.
  void import_state(const OptimizerState<T>& state);

  T learning_rate;       ///< \f$ \eta \f$
  T weight_decay = 0;    ///< \f$ \lambda \f$
  /// @brief Clipping by global norm (0: off). When \f$ \|g\| = \sqrt{\sum_p \sum_j g_{pj}^2} \f$
  /// over *all* parameters exceeds it, every gradient is scaled (in place) by
  /// `clipnorm` \f$ / \|g\| \f$: the step keeps its direction and its length is capped.
  /// This is PyTorch's `clip_grad_norm_` and Keras's `global_clipnorm` (Keras's
  /// `clipnorm` caps each tensor on its own). Applied before weight decay.
  T clipnorm = 0;
  /// @brief The global gradient norm \f$ \|g\| \f$ measured by the last step, before clipping.
  T last_grad_norm = 0;

 protected:
  explicit Optimizer(T lr) : learning_rate(lr) {}
  /// @brief Updates one parameter `w` (any shape) with gradient `g`; `i` indexes its state.
  virtual void update(std::size_t i, T* w, const T* g, std::size_t size) = 0;
  /// @brief Whether `weight_decay` is applied by `update` itself (AdamW) rather than added to `g`.
  virtual bool decoupled() const { return false; }
  /// @brief State slot `k` of parameter `i`, zero-initialised to `size` on first use.
  T* state(std::size_t k, std::size_t i, std::size_t size);
  /// @brief Step counts, for optimizers that keep them (none by default).
  virtual std::vector<std::int64_t> export_steps() const { return {}; }
  /// @brief Restores what `export_steps` returned.
  virtual void import_steps(const std::vector<std::int64_t>&) {}

 private:
  std::vector<std::vector<std::vector<T>>> state_;  // [slot][parameter][element]
  std::vector<T> decayed_;                          // g + lambda w, when weight_decay > 0
};

/**
 * @brief Stochastic gradient descent, optionally with momentum \f$ \mu \f$ (Keras's form):
 * \f$ v \leftarrow \mu v - \eta g,\; w \leftarrow w + v \f$; with \f$ \mu = 0 \f$ simply \f$ w \leftarrow w - \eta g \f$.
 * @ingroup ch04
 */
template <class T = float>
class SGD : public Optimizer<T> {
 public:
  /// @param learning_rate \f$ \eta \f$ (Keras default 0.01)   @param momentum \f$ \mu \f$
  explicit SGD(T learning_rate = T(0.01), T momentum = T(0))
      : Optimizer<T>(learning_rate), momentum(momentum) {}
  std::string name() const override { return "sgd"; }
  T momentum;  ///< \f$ \mu \f$

 protected:
  void update(std::size_t i, T* w, const T* g, std::size_t size) override;
};

/**
 * @brief RMSprop: divide the step by a running root-mean-square of recent gradients.
 *
 * \f$ s \leftarrow \rho s + (1 - \rho) g^2,\; w \leftarrow w - \eta\, g / (\sqrt{s} + \epsilon) \f$,
 * element by element, with Keras's defaults \f$ \eta = 10^{-3},\ \rho = 0.9,\ \epsilon = 10^{-7} \f$ and
 * \f$ s \f$ starting at 0.
 * @ingroup ch04
 */
template <class T = float>
class RMSprop : public Optimizer<T> {
 public:
  explicit RMSprop(T learning_rate = T(1e-3), T rho = T(0.9), T epsilon = T(1e-7))
      : Optimizer<T>(learning_rate), rho(rho), epsilon(epsilon) {}
  std::string name() const override { return "rmsprop"; }
  T rho;      ///< decay of the running average of \f$ g^2 \f$
  T epsilon;  ///< keeps the division finite

 protected:
  void update(std::size_t i, T* w, const T* g, std::size_t size) override;
};

/**
 * @brief Adam: momentum on the gradient and RMSprop's scaling, both bias-corrected.
 *
 * At step \f$ t = 1, 2, \dots \f$:
 * \f$ m \leftarrow \beta_1 m + (1-\beta_1) g,\; v \leftarrow \beta_2 v + (1-\beta_2) g^2,\;
 * \hat m = m / (1 - \beta_1^t),\; \hat v = v / (1 - \beta_2^t),\;
 * w \leftarrow w - \eta\, \hat m / (\sqrt{\hat v} + \epsilon) \f$, with Keras's defaults
 * \f$ \eta = 10^{-3},\ \beta_1 = 0.9,\ \beta_2 = 0.999,\ \epsilon = 10^{-7} \f$.
 * @ingroup ch04
 */
template <class T = float>
class Adam : public Optimizer<T> {
 public:
  explicit Adam(T learning_rate = T(1e-3), T beta_1 = T(0.9), T beta_2 = T(0.999),
                T epsilon = T(1e-7))
      : Optimizer<T>(learning_rate), beta_1(beta_1), beta_2(beta_2), epsilon(epsilon) {}
  std::string name() const override { return "adam"; }
  T beta_1, beta_2, epsilon;

 protected:
  void update(std::size_t i, T* w, const T* g, std::size_t size) override;
  std::vector<std::int64_t> export_steps() const override { return {t_.begin(), t_.end()}; }
  void import_steps(const std::vector<std::int64_t>& t) override { t_.assign(t.begin(), t.end()); }

 private:
  std::vector<long> t_;  // steps taken, per parameter
};

/**
 * @brief AdamW: Adam with *decoupled* weight decay (Loshchilov and Hutter; Keras's `AdamW`).
 *
 * Each step first shrinks the weights, \f$ w \leftarrow w - \eta \lambda w \f$, then takes
 * Adam's step on the gradient of the data loss alone. Coupled decay (`weight_decay` of the
 * other optimizers) adds \f$ \lambda w \f$ to \f$ g \f$ instead, so Adam divides the decay by
 * \f$ \sqrt{\hat v} \f$ too: weights with large gradients are barely decayed, and a weight whose
 * only gradient is the decay moves by about \f$ \eta \f$ per step whatever \f$ \lambda \f$ is.
 * With plain SGD the two are the same update. Keras's default \f$ \lambda = 0.004 \f$.
 * @ingroup ch08
 */
template <class T = float>
class AdamW : public Adam<T> {
 public:
  explicit AdamW(T learning_rate = T(1e-3), T weight_decay = T(0.004), T beta_1 = T(0.9),
                 T beta_2 = T(0.999), T epsilon = T(1e-7))
      : Adam<T>(learning_rate, beta_1, beta_2, epsilon) {
    this->weight_decay = weight_decay;
  }
  std::string name() const override { return "adamw"; }

 protected:
  bool decoupled() const override { return true; }
  void update(std::size_t i, T* w, const T* g, std::size_t size) override;
};

extern template class Optimizer<float>;
extern template class Optimizer<double>;
extern template class SGD<float>;
extern template class SGD<double>;
extern template class RMSprop<float>;
extern template class RMSprop<double>;
extern template class Adam<float>;
extern template class Adam<double>;
extern template class AdamW<float>;
extern template class AdamW<double>;

}  // namespace nn
