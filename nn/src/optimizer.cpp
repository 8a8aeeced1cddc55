#include "nn/optimizer.hpp"

#include <cmath>

namespace nn {

// [optimizer-step]
namespace {
// The sum of g[j]^2 in double precision, in eight partial sums: eight independent chains
// of additions instead of one, which the compiler turns into vector additions.
template <class T>
double sum_of_squares(const T* g, std::size_t n) {
  constexpr std::size_t lanes = 8;
  double part[lanes] = {};
  std::size_t j = 0;
  for (; j + lanes <= n; j += lanes)
    for (std::size_t l = 0; l < lanes; ++l) part[l] += double(g[j + l]) * g[j + l];
  double total = 0;
  for (; j < n; ++j) total += double(g[j]) * g[j];
  for (std::size_t l = 0; l < lanes; ++l) total += part[l];
  return total;
}
}  // namespace

template <class T>
void Optimizer<T>::step(const std::vector<Param<T>>& params) {
  // [clipnorm]
  double sum = 0;  // ||g||^2 over every element of every gradient
  for (const auto& p : params) sum += sum_of_squares(p.grad->data(), p.grad->size());
  last_grad_norm = static_cast<T>(std::sqrt(sum));
  if (clipnorm > 0 && last_grad_norm > clipnorm) {  // g <- g * clipnorm / ||g||
    const T scale = clipnorm / last_grad_norm;
    for (const auto& p : params)
      for (std::size_t j = 0; j < p.grad->size(); ++j) p.grad->data()[j] *= scale;
  }
  // [clipnorm]
  for (std::size_t i = 0; i < params.size(); ++i) {
    T* w = params[i].value->data();
    const T* g = params[i].grad->data();
    const std::size_t size = params[i].value->size();
    if (weight_decay > 0 && !decoupled()) {  // g + lambda w
      decayed_.resize(size);
      for (std::size_t j = 0; j < size; ++j) decayed_[j] = g[j] + weight_decay * w[j];
      g = decayed_.data();
    }
    update(i, w, g, size);
  }
}

template <class T>
T* Optimizer<T>::state(std::size_t k, std::size_t i, std::size_t size) {
  if (state_.size() <= k) state_.resize(k + 1);
  if (state_[k].size() <= i) state_[k].resize(i + 1);
  if (state_[k][i].size() != size) state_[k][i].assign(size, T(0));
  return state_[k][i].data();
}
// [optimizer-step]

template <class T>
OptimizerState<T> Optimizer<T>::export_state() const {
  return {name(), state_, export_steps()};
}

template <class T>
void Optimizer<T>::import_state(const OptimizerState<T>& s) {
  if (s.name != name())
    throw value_error("optimizer state of '" + s.name + "' given to '" + name() + "'");
  state_ = s.slots;  // state() re-zeroes any slot whose size does not fit its parameter
  import_steps(s.steps);
}

// [sgd]
template <class T>
void SGD<T>::update(std::size_t i, T* w, const T* g, std::size_t size) {
  const T lr = this->learning_rate;
  if (momentum == T(0)) {
    for (std::size_t j = 0; j < size; ++j) w[j] -= lr * g[j];  // w <- w - lr g
    return;
  }
  T* v = this->state(0, i, size);
  for (std::size_t j = 0; j < size; ++j) {
    v[j] = momentum * v[j] - lr * g[j];  // v <- mu v - lr g
    w[j] += v[j];                        // w <- w + v
  }
}
// [sgd]

// [rmsprop]
template <class T>
void RMSprop<T>::update(std::size_t i, T* w, const T* g, std::size_t size) {
  const T lr = this->learning_rate;
  T* s = this->state(0, i, size);
  for (std::size_t j = 0; j < size; ++j) {
    s[j] = rho * s[j] + (T(1) - rho) * g[j] * g[j];  // s <- rho s + (1 - rho) g^2
    w[j] -= lr * g[j] / (std::sqrt(s[j]) + epsilon);  // w <- w - lr g / (sqrt(s) + eps)
  }
}
// [rmsprop]

// [adam]
template <class T>
void Adam<T>::update(std::size_t i, T* w, const T* g, std::size_t size) {
  T* m = this->state(0, i, size);
  T* v = this->state(1, i, size);
  if (t_.size() <= i) t_.resize(i + 1, 0);
  const long t = ++t_[i];
  // Bias corrections: m and v start at 0, so early averages are too small by (1 - beta^t).
  const T m_scale = T(1) / (T(1) - std::pow(beta_1, T(t)));
  const T v_scale = T(1) / (T(1) - std::pow(beta_2, T(t)));
  const T lr = this->learning_rate;
  for (std::size_t j = 0; j < size; ++j) {
    m[j] = beta_1 * m[j] + (T(1) - beta_1) * g[j];         // m <- b1 m + (1 - b1) g
    v[j] = beta_2 * v[j] + (T(1) - beta_2) * g[j] * g[j];  // v <- b2 v + (1 - b2) g^2
    w[j] -= lr * (m[j] * m_scale) / (std::sqrt(v[j] * v_scale) + epsilon);
  }
}
// [adam]

// [adamw]
template <class T>
void AdamW<T>::update(std::size_t i, T* w, const T* g, std::size_t size) {
  const T shrink = this->learning_rate * this->weight_decay;
  for (std::size_t j = 0; j < size; ++j) w[j] -= shrink * w[j];  // w <- w - lr lambda w, outside Adam
  Adam<T>::update(i, w, g, size);                                // then Adam's step on g alone
}
// [adamw]

template class Optimizer<float>;
template class Optimizer<double>;
template class SGD<float>;
template class SGD<double>;
template class RMSprop<float>;
template class RMSprop<double>;
template class Adam<float>;
template class Adam<double>;
template class AdamW<float>;
template class AdamW<double>;

}  // namespace nn
