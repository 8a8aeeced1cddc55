#include "nn/dropout.hpp"

#include <stdexcept>

namespace nn {

// [dropout-build]
template <class T>
Dropout<T>::Dropout(double rate) : rate_(rate) {
  if (!(rate >= 0 && rate < 1))
    throw std::invalid_argument("dropout: rate must be in [0, 1), got " + std::to_string(rate));
}

template <class T>
Shape Dropout<T>::build(const Shape& in_shape, Generator& rng) {
  if (in_shape.empty()) throw shape_error(this->name() + " build", "any (D1, D2, ...)", in_shape);
  this->in_shape_ = in_shape;
  // A generator of its own, seeded from the model's: the masks follow from the model seed.
  rng_ = Generator(static_cast<std::uint64_t>(rng.uniform() * 0x1.0p53));
  return in_shape;
}
// [dropout-build]

// [dropout]
// x: (N, ...)  ->  y: (N, ...), same shape
template <class T>
const Tensor<T>& Dropout<T>::forward(const Tensor<T>& x) {
  this->check_input(x);
  resize_if_needed(y_, shape_of(x));
  if (!this->training_) {  // inference: y = x (the 1/(1-p) was applied in training)
    std::copy(x.data(), x.data() + x.size(), y_.data());
    return y_;
  }
  if (!fixed_mask) {
    // m_i = 1/(1-p) with probability 1-p, else 0: then E[m_i] = 1 and E[y_i] = x_i
    const T keep_scale = static_cast<T>(1.0 / (1.0 - rate_));
    resize_if_needed(mask, shape_of(x));
    for (T& m : mask) m = rng_.uniform() < rate_ ? T(0) : keep_scale;
  } else if (mask.shape() != x.shape()) {
    throw shape_error(this->name() + " fixed mask", to_string(shape_of(x)), shape_of(mask));
  }
  const T* xp = x.data();
  const T* mp = mask.data();
  T* yp = y_.data();
  for (std::size_t i = 0; i < x.size(); ++i) yp[i] = xp[i] * mp[i];  // y = x ⊙ m
  return y_;
}

// dy: (N, ...)  ->  dx: (N, ...)
template <class T>
const Tensor<T>& Dropout<T>::backward(const Tensor<T>& dy) {
  this->check_grad(dy, y_);
  resize_if_needed(dx_, shape_of(dy));
  if (!this->training_) {  // y = x  =>  dx = dy
    std::copy(dy.data(), dy.data() + dy.size(), dx_.data());
    return dx_;
  }
  const T* dyp = dy.data();
  const T* mp = mask.data();
  T* dxp = dx_.data();
  // y = x ⊙ m  =>  dx = dy ⊙ m
  for (std::size_t i = 0; i < dy.size(); ++i) dxp[i] = dyp[i] * mp[i];
  return dx_;
}
// [dropout]

template class Dropout<float>;
template class Dropout<double>;

}  // namespace nn
