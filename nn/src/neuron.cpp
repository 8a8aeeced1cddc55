#include "nn/neuron.hpp"

#include "nn/init.hpp"

namespace nn {

template <class T>
Shape Neuron<T>::build(const Shape& in_shape, Generator& rng) {
  if (in_shape.size() != 1) throw shape_error("neuron build", "(D,)", in_shape);
  this->in_shape_ = in_shape;
  w = Tensor<T>::from_shape({in_shape[0]});
  glorot_uniform(w, in_shape[0], 1, rng);
  b = xt::zeros<T>({1});
  dw = xt::zeros<T>({in_shape[0]});
  db = xt::zeros<T>({1});
  return {1};
}

// [neuron-forward]
// x: (N, D), w: (D,), b: (1,)  ->  a: (N, 1)
template <class T>
const Tensor<T>& Neuron<T>::forward(const Tensor<T>& x) {
  this->check_input(x);
  const std::size_t N = x.shape(0), D = x.shape(1);
  x_ = x;  // cached for dw
  resize_if_needed(a_, {N, 1});
  for (std::size_t n = 0; n < N; ++n) {
    T z = b(0);  // z = sum_d x_d w_d + b
    for (std::size_t d = 0; d < D; ++d) z += x(n, d) * w(d);
    a_(n, 0) = activate(f, z);  // a = f(z)
  }
  return a_;
}
// [neuron-forward]

// [neuron-backward]
// da: (N, 1)  ->  dx: (N, D); adds to dw: (D,) and db: (1,)
template <class T>
const Tensor<T>& Neuron<T>::backward(const Tensor<T>& da) {
  this->check_grad(da, a_);
  const std::size_t N = x_.shape(0), D = x_.shape(1);
  resize_if_needed(dx_, {N, D});
  for (std::size_t n = 0; n < N; ++n) {
    // a = f(z)  =>  dL/dz = dL/da * f'(z)
    const T dz = da(n, 0) * derivative_from_output(f, a_(n, 0));
    // z = sum_d x_d w_d + b  =>  dz/dw_d = x_d, dz/db = 1, dz/dx_d = w_d
    for (std::size_t d = 0; d < D; ++d) {
      dw(d) += dz * x_(n, d);
      dx_(n, d) = dz * w(d);
    }
    db(0) += dz;
  }
  return dx_;
}
// [neuron-backward]

template class Neuron<float>;
template class Neuron<double>;

}  // namespace nn
