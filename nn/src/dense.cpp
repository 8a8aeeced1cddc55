#include "nn/dense.hpp"

#include <cstring>

#include "nn/gemm.hpp"
#include "nn/init.hpp"

namespace nn {

// [dense-build]
template <class T>
Shape Dense<T>::build(const Shape& in_shape, Generator& rng) {
  if (in_shape.size() != 1)
    throw shape_error(this->name() + " build", "(D,) (add a Flatten layer before it)", in_shape);
  this->in_shape_ = in_shape;
  const std::size_t D = in_shape[0];
  W = Tensor<T>::from_shape({D, units_});
  glorot_uniform(W, D, units_, rng);
  b = xt::zeros<T>({units_});
  dW = xt::zeros<T>({D, units_});
  db = xt::zeros<T>({units_});
  return {units_};
}
// [dense-build]

// [dense-forward]
// x: (N, D), W: (D, U), b: (U,)  ->  y: (N, U)
template <class T>
const Tensor<T>& Dense<T>::forward(const Tensor<T>& x) {
  this->check_input(x);
  const std::size_t N = x.shape(0), D = this->in_shape_[0], U = units_;
  check_shape(this->name(), "W", W, {D, U});  // W may have been assigned since build
  check_shape(this->name(), "b", b, {U});
  resize_if_needed(x_, x.shape());
  std::memcpy(x_.data(), x.data(), x.size() * sizeof(T));  // cached for dW
  resize_if_needed(y_, {N, U});
  // z = x W + b: each row of z is one example's U weighted sums, plus the bias
  for (std::size_t n = 0; n < N; ++n) std::memcpy(&y_(n, 0), b.data(), U * sizeof(T));
  gemm(false, false, N, U, D, T(1), x.data(), W.data(), T(1), y_.data());
  activate(f_, y_, y_);  // y = f(z), in place
  return y_;
}
// [dense-forward]

// [dense-backward]
// dy: (N, U)  ->  dx: (N, D); adds to dW: (D, U) and db: (U,)
template <class T>
const Tensor<T>& Dense<T>::backward(const Tensor<T>& dy) {
  this->check_grad(dy, y_);
  const std::size_t N = x_.shape(0), D = W.shape(0), U = units_;
  // y = f(z)  =>  dz = dy * f'(z)
  activate_backward(f_, y_, dy, dz_);
  // z = x W + b  =>  dL/dW = x^T dz  (D, U)
  gemm(true, false, D, U, N, T(1), x_.data(), dz_.data(), T(1), dW.data());
  // z_nu = ... + b_u  =>  dL/db_u = sum_n dz_nu
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t u = 0; u < U; ++u) db(u) += dz_(n, u);
  // L = data loss + R(W)  =>  dW += dR/dW  (chapter 8)
  if (kernel_regularizer.active()) add_penalty_gradient(kernel_regularizer, W, dW);
  if (!this->input_gradient_) return dx_;  // rule 6: nobody reads dx
  // z = x W  =>  dL/dx = dz W^T  (N, D)
  resize_if_needed(dx_, {N, D});
  gemm(false, true, N, D, U, T(1), dz_.data(), W.data(), T(0), dx_.data());
  return dx_;
}
// [dense-backward]

template class Dense<float>;
template class Dense<double>;

}  // namespace nn
