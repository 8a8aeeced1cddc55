#include "nn/activations.hpp"

namespace nn {

const char* to_string(Activation f) {
  switch (f) {
    case Activation::sigmoid: return "sigmoid";
    case Activation::tanh: return "tanh";
    case Activation::relu: return "relu";
    case Activation::leaky_relu: return "leaky_relu";
    case Activation::none: break;
  }
  return "linear";
}

// [activation-tensor]
template <class T>
void activate(Activation f, const Tensor<T>& z, Tensor<T>& a) {
  resize_if_needed(a, z.shape());
  const T* zp = z.data();
  T* ap = a.data();
  for_activation(f, [&](Activation g) {
    for (std::size_t i = 0; i < z.size(); ++i) ap[i] = activate(g, zp[i]);
  });
}

template <class T>
void activate_backward(Activation f, const Tensor<T>& a, const Tensor<T>& da, Tensor<T>& dz) {
  resize_if_needed(dz, a.shape());
  const T* ap = a.data();
  const T* dap = da.data();
  T* dzp = dz.data();
  // a = f(z)  =>  dL/dz = dL/da * f'(z)
  for_activation(f, [&](Activation g) {
    for (std::size_t i = 0; i < a.size(); ++i) dzp[i] = dap[i] * derivative_from_output(g, ap[i]);
  });
}
// [activation-tensor]

template <class T>
Shape ActivationLayer<T>::build(const Shape& in_shape, Generator&) {
  this->in_shape_ = in_shape;
  return in_shape;
}

// [activation-layer]
// z: (N, ...) -> a: (N, ...), same shape
template <class T>
const Tensor<T>& ActivationLayer<T>::forward(const Tensor<T>& z) {
  this->check_input(z);
  activate(f_, z, a_);
  return a_;
}

template <class T>
const Tensor<T>& ActivationLayer<T>::backward(const Tensor<T>& da) {
  this->check_grad(da, a_);
  activate_backward(f_, a_, da, dz_);
  return dz_;
}
// [activation-layer]

template void activate(Activation, const Tensor<float>&, Tensor<float>&);
template void activate(Activation, const Tensor<double>&, Tensor<double>&);
template void activate_backward(Activation, const Tensor<float>&, const Tensor<float>&,
                                Tensor<float>&);
template void activate_backward(Activation, const Tensor<double>&, const Tensor<double>&,
                                Tensor<double>&);
template class ActivationLayer<float>;
template class ActivationLayer<double>;

}  // namespace nn
