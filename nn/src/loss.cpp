#include "nn/loss.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "nn/layer.hpp"

namespace nn {

namespace {
template <class T>
void check_same_shape(const std::string& loss, const Tensor<T>& y, const Tensor<T>& t) {
  if (y.shape() != t.shape()) throw shape_error(loss + " targets", to_string(shape_of(y)), shape_of(t));
}

// The class index held by label v, checked before the cast: a cast of -1 or 3.7
// to an index is undefined or silently wrong. C = 0: any non-negative whole number.
// `where` is a plain string so that a label that is fine costs no allocation.
template <class T>
std::size_t class_index(T v, std::size_t row, std::size_t C, const char* where) {
  const double d = static_cast<double>(v);
  if (!(d >= 0) || d != std::floor(d) || (C > 0 && d >= static_cast<double>(C)) || d > 1e15) {
    std::ostringstream o;
    o << where << ": row " << row << " holds " << d << ", not a class index "
      << (C > 0 ? "0.." + std::to_string(C - 1) : std::string("(a whole number >= 0)"));
    throw value_error(o.str());
  }
  return static_cast<std::size_t>(d);
}
}  // namespace

// [mse]
// y, t: (N, D)  ->  L = 1/(ND) sum (y - t)^2
template <class T>
T MeanSquaredError<T>::forward(const Tensor<T>& y, const Tensor<T>& t) {
  check_same_shape(name(), y, t);
  resize_if_needed(this->dy_, y.shape());
  const double count = static_cast<double>(y.size());
  double sum = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double e = y.data()[i] - t.data()[i];
    sum += e * e;
    this->dy_.data()[i] = static_cast<T>(2 * e / count);  // dL/dy = 2 (y - t) / (ND)
  }
  return static_cast<T>(sum / count);
}
// [mse]

// [bce]
// p, t: (N, D)  ->  L = -1/(ND) sum (t log p + (1 - t) log(1 - p))
template <class T>
T BinaryCrossEntropy<T>::forward(const Tensor<T>& p, const Tensor<T>& t) {
  check_same_shape(name(), p, t);
  resize_if_needed(this->dy_, p.shape());
  const double eps = 1e-7, count = static_cast<double>(p.size());
  double sum = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double q = std::clamp<double>(p.data()[i], eps, 1 - eps), y = t.data()[i];
    if (!(y >= 0 && y <= 1))
      throw value_error(name() + " targets: element " + std::to_string(i) + " holds " +
                        std::to_string(y) + ", not a probability in [0, 1]");
    sum -= y * std::log(q) + (1 - y) * std::log(1 - q);
    // dL/dp = -(t/p - (1 - t)/(1 - p)) / (ND) = (p - t) / (p (1 - p) ND)
    this->dy_.data()[i] = static_cast<T>((q - y) / (q * (1 - q) * count));
  }
  return static_cast<T>(sum / count);
}
// [bce]

template <class T>
std::size_t target_class(const Tensor<T>& t, std::size_t n) {
  if (t.dimension() == 1) return class_index(t(n), n, 0, "target_class");
  const std::size_t C = t.shape(1);
  const T* row = t.data() + n * C;
  return static_cast<std::size_t>(std::max_element(row, row + C) - row);
}

// [softmax-cross-entropy]
// z: (N, C) logits, t: (N,) class indices or (N, C) one-hot  ->  L = mean_n CE(softmax(z_n), t_n)
template <class T>
T SoftmaxCrossEntropy<T>::forward(const Tensor<T>& z, const Tensor<T>& t) {
  const bool indices = t.dimension() == 1;
  if (z.dimension() != 2 || (indices ? t.shape(0) != z.shape(0) : t.shape() != z.shape()))
    throw shape_error(name() + " targets",
                      "(" + std::to_string(z.dimension() == 2 ? z.shape(0) : 0) + ",) or " +
                          to_string(shape_of(z)),
                      shape_of(t));
  const std::size_t N = z.shape(0), C = z.shape(1);
  resize_if_needed(this->dy_, {N, C});
  if (indices)  // every label checked before any is used
    for (std::size_t n = 0; n < N; ++n) class_index(t(n), n, C, "categorical_crossentropy targets");
  double total = 0;
  for (std::size_t n = 0; n < N; ++n) {
    const T* zn = z.data() + n * C;
    T* dzn = this->dy_.data() + n * C;
    // log sum_c e^{z_c} = m + log sum_c e^{z_c - m}, with m = max_c z_c, so no e^{z} overflows
    const double m = *std::max_element(zn, zn + C);
    double sum = 0;
    for (std::size_t c = 0; c < C; ++c) sum += std::exp(zn[c] - m);
    const double log_sum_exp = m + std::log(sum);
    for (std::size_t c = 0; c < C; ++c) {
      const double p = std::exp(zn[c] - log_sum_exp);  // softmax
      const double tc = indices ? (c == static_cast<std::size_t>(t(n)) ? 1.0 : 0.0)
                                : static_cast<double>(t(n, c));
      total += tc * (log_sum_exp - zn[c]);  // -t_c log p_c
      dzn[c] = static_cast<T>((p - tc) / N);  // dL/dz = (p - t) / N
    }
  }
  return static_cast<T>(total / N);
}
// [softmax-cross-entropy]

// [softmax]
template <class T>
Tensor<T> softmax(const Tensor<T>& z) {
  const std::size_t N = z.shape(0), C = z.shape(1);
  Tensor<T> p = Tensor<T>::from_shape({N, C});
  for (std::size_t n = 0; n < N; ++n) {
    const T* zn = z.data() + n * C;
    T* pn = p.data() + n * C;
    const T m = *std::max_element(zn, zn + C);
    T sum = 0;
    for (std::size_t c = 0; c < C; ++c) sum += pn[c] = std::exp(zn[c] - m);
    for (std::size_t c = 0; c < C; ++c) pn[c] /= sum;
  }
  return p;
}
// [softmax]

template class MeanSquaredError<float>;
template class MeanSquaredError<double>;
template class BinaryCrossEntropy<float>;
template class BinaryCrossEntropy<double>;
template class SoftmaxCrossEntropy<float>;
template class SoftmaxCrossEntropy<double>;
template Tensor<float> softmax(const Tensor<float>&);
template Tensor<double> softmax(const Tensor<double>&);
template std::size_t target_class(const Tensor<float>&, std::size_t);
template std::size_t target_class(const Tensor<double>&, std::size_t);

}  // namespace nn
