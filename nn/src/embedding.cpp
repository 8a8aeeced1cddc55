#include "nn/embedding.hpp"

#include <cmath>
#include <cstring>
#include <stdexcept>

namespace nn {

// [embedding]
template <class T>
Shape Embedding<T>::build(const Shape& in_shape, Generator& rng) {
  if (in_shape.size() != 1) throw shape_error(this->name() + " build", "(T,)", in_shape);
  this->in_shape_ = in_shape;
  W = Tensor<T>::from_shape({V_, E_});
  for (auto& w : W) w = static_cast<T>(rng.uniform(-0.05, 0.05));
  dW = xt::zeros<T>({V_, E_});
  return {in_shape[0], E_};
}

// x: (N, T) indices in [0, V), W: (V, E)  ->  y: (N, T, E)
template <class T>
const Tensor<T>& Embedding<T>::forward(const Tensor<T>& x) {
  if (x.dimension() != 2 || x.shape(0) == 0 || x.shape(1) == 0)
    throw shape_error(this->name() + " input", "(N, T) symbol indices", shape_of(x));
  const std::size_t N = x.shape(0), Ts = x.shape(1);
  index_.resize(N * Ts);
  resize_if_needed(y_, {N, Ts, E_});
  for (std::size_t r = 0; r < N * Ts; ++r) {
    const T v = x.data()[r];
    if (!(v >= 0 && v < T(V_)) || v != std::floor(v))
      throw std::invalid_argument(this->name() + ": symbol " + std::to_string(double(v)) +
                                  " at position " + std::to_string(r) + " is not an index in [0, " +
                                  std::to_string(V_) + ")");
    index_[r] = static_cast<std::size_t>(v);
    std::memcpy(y_.data() + r * E_, &W(index_[r], 0), E_ * sizeof(T));  // y_nt = W[x_nt]
  }
  return y_;
}

// dy: (N, T, E)  ->  dx: zeros (N, T); adds to dW
template <class T>
const Tensor<T>& Embedding<T>::backward(const Tensor<T>& dy) {
  this->check_grad(dy, y_);
  // y_nt = W[k] for k = x_nt  =>  dW[k] += dy_nt, for every position holding k
  for (std::size_t r = 0; r < index_.size(); ++r) {
    T* dw = &dW(index_[r], 0);
    const T* d = dy.data() + r * E_;
    for (std::size_t e = 0; e < E_; ++e) dw[e] += d[e];
  }
  resize_if_needed(dx_, {y_.shape(0), y_.shape(1)});
  dx_.fill(T(0));  // an index has no gradient
  return dx_;
}
// [embedding]

template class Embedding<float>;
template class Embedding<double>;

}  // namespace nn
