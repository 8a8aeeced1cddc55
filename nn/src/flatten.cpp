#include "nn/flatten.hpp"

namespace nn {

template <class T>
Shape Flatten<T>::build(const Shape& in_shape, Generator&) {
  if (in_shape.empty())
    throw shape_error(this->name() + " build", "(C, H, Wd) or any (D1, D2, ...)", in_shape);
  this->in_shape_ = in_shape;
  return {element_count(in_shape)};
}

// [flatten]
// x: (N, C, H, Wd)  ->  y: (N, C*H*Wd); the same values in the same (row-major) order
template <class T>
const Tensor<T>& Flatten<T>::forward(const Tensor<T>& x) {
  this->check_input(x);
  resize_if_needed(y_, {x.shape(0), element_count(this->in_shape_)});
  std::copy(x.data(), x.data() + x.size(), y_.data());
  return y_;
}

// dy: (N, C*H*Wd)  ->  dx: (N, C, H, Wd); y is x reshaped, so dx is dy reshaped back
template <class T>
const Tensor<T>& Flatten<T>::backward(const Tensor<T>& dy) {
  this->check_grad(dy, y_);
  resize_batch_if_needed(dx_, dy.shape(0), this->in_shape_);
  std::copy(dy.data(), dy.data() + dy.size(), dx_.data());
  return dx_;
}
// [flatten]

template class Flatten<float>;
template class Flatten<double>;

}  // namespace nn
