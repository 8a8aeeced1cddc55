#include "nn/sequence.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace nn {

// [time-distributed]
template <class T>
Shape TimeDistributed<T>::build(const Shape& in_shape, Generator& rng) {
  if (in_shape.size() < 2) throw shape_error(this->name() + " build", "(T, ...)", in_shape);
  this->in_shape_ = in_shape;
  Shape out = inner_->build(Shape(in_shape.begin() + 1, in_shape.end()), rng);
  out.insert(out.begin(), in_shape[0]);
  return out;
}

// x: (N, T, in...)  ->  inner on (N*T, in...)  ->  y: (N, T, out...)
template <class T>
const Tensor<T>& TimeDistributed<T>::forward(const Tensor<T>& x) {
  const Shape& inner_in = inner_->in_shape();
  if (x.dimension() != inner_in.size() + 2 ||
      !std::equal(inner_in.begin(), inner_in.end(), x.shape().begin() + 2))
    throw shape_error(this->name() + " input", "(N, T" + to_string(inner_in).substr(1),
                      shape_of(x));
  const std::size_t N = x.shape(0), Ts = x.shape(1);
  Shape flat = shape_of(x);
  flat.erase(flat.begin());
  flat[0] = N * Ts;
  resize_if_needed(x_flat_, flat);
  std::memcpy(x_flat_.data(), x.data(), x.size() * sizeof(T));
  const Tensor<T>& y = inner_->forward(x_flat_);
  Shape out = shape_of(y);
  out[0] = Ts;
  out.insert(out.begin(), N);
  resize_if_needed(y_, out);
  std::memcpy(y_.data(), y.data(), y.size() * sizeof(T));
  return y_;
}

// dy: (N, T, out...)  ->  dx: (N, T, in...); the inner layer adds its parameter gradients
template <class T>
const Tensor<T>& TimeDistributed<T>::backward(const Tensor<T>& dy) {
  this->check_grad(dy, y_);
  Shape flat = shape_of(dy);
  flat.erase(flat.begin());
  flat[0] = dy.shape(0) * dy.shape(1);
  resize_if_needed(dy_flat_, flat);
  std::memcpy(dy_flat_.data(), dy.data(), dy.size() * sizeof(T));
  inner_->set_input_gradient(this->input_gradient_);
  const Tensor<T>& dx = inner_->backward(dy_flat_);
  if (!this->input_gradient_) return dx_;
  Shape in = shape_of(dx);
  in[0] = dy.shape(1);
  in.insert(in.begin(), dy.shape(0));
  resize_if_needed(dx_, in);
  std::memcpy(dx_.data(), dx.data(), dx.size() * sizeof(T));
  return dx_;
}
// [time-distributed]

// [sequence-cross-entropy]
// z: (N, T, V) logits, t: (N, T) classes  ->  the softmax cross-entropy of the N*T rows
template <class T>
T SequenceCrossEntropy<T>::forward(const Tensor<T>& z, const Tensor<T>& t) {
  if (z.dimension() != 3 || t.dimension() != 2 || t.shape(0) != z.shape(0) ||
      t.shape(1) != z.shape(1))
    throw shape_error(name() + " targets",
                      z.dimension() == 3 ? "(" + std::to_string(z.shape(0)) + ", " +
                                               std::to_string(z.shape(1)) + ")"
                                         : "(N, T) with logits (N, T, V)",
                      shape_of(t));
  const std::size_t rows = z.shape(0) * z.shape(1), V = z.shape(2);
  resize_if_needed(z_flat_, {rows, V});
  std::memcpy(z_flat_.data(), z.data(), z.size() * sizeof(T));
  resize_if_needed(t_flat_, {rows});
  std::memcpy(t_flat_.data(), t.data(), t.size() * sizeof(T));
  const T loss = rows_.forward(z_flat_, t_flat_);  // dL/dz = (p - onehot(t)) / (N T)
  resize_if_needed(this->dy_, shape_of(z));
  std::memcpy(this->dy_.data(), rows_.backward().data(), z.size() * sizeof(T));
  return loss;
}
// [sequence-cross-entropy]

// [sample]
template <class T>
std::size_t sample(const Tensor<T>& logits, double temperature, Generator& rng) {
  if (logits.size() == 0) throw std::invalid_argument("sample: no logits");
  if (!(temperature >= 0)) throw std::invalid_argument("sample: temperature must be >= 0");
  const T* z = logits.data();
  const std::size_t V = logits.size();
  const std::size_t best = static_cast<std::size_t>(std::max_element(z, z + V) - z);
  if (temperature == 0) return best;
  // p_v = e^{(z_v - z_max)/tau} / sum: the largest term is e^0 = 1, so nothing overflows
  std::vector<double> p(V);
  double sum = 0;
  for (std::size_t v = 0; v < V; ++v) sum += p[v] = std::exp((z[v] - z[best]) / temperature);
  // Walk the cumulative distribution to where one uniform draw lands.
  double u = rng.uniform() * sum;
  for (std::size_t v = 0; v < V; ++v) {
    if (u < p[v]) return v;
    u -= p[v];
  }
  return best;  // only reached through round-off in the last subtraction
}
// [sample]

template class TimeDistributed<float>;
template class TimeDistributed<double>;
template class SequenceCrossEntropy<float>;
template class SequenceCrossEntropy<double>;
template std::size_t sample(const Tensor<float>&, double, Generator&);
template std::size_t sample(const Tensor<double>&, double, Generator&);

}  // namespace nn
