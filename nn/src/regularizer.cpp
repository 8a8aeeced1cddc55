#include "nn/regularizer.hpp"

#include <cmath>

namespace nn {

// [regularizer]
template <class T>
double penalty(const Regularizer& r, const Tensor<T>& W) {
  if (!r.active()) return 0;  // no regularizer: nothing to sum (every step asks)
  double sum_abs = 0, sum_sq = 0;
  for (const T w : W) {
    sum_abs += std::abs(static_cast<double>(w));
    sum_sq += static_cast<double>(w) * w;
  }
  return r.l1 * sum_abs + r.l2 * sum_sq;  // R = l1 sum|w| + l2 sum w^2
}

template <class T>
void add_penalty_gradient(const Regularizer& r, const Tensor<T>& W, Tensor<T>& dW) {
  const T l1 = static_cast<T>(r.l1), two_l2 = static_cast<T>(2 * r.l2);
  const T* w = W.data();
  T* dw = dW.data();
  for (std::size_t i = 0; i < W.size(); ++i) {
    // R = l1 |w| + l2 w^2  =>  dR/dw = l1 sign(w) + 2 l2 w  (sign(0) = 0: the subgradient 0)
    const T sign = w[i] > T(0) ? T(1) : (w[i] < T(0) ? T(-1) : T(0));
    dw[i] += l1 * sign + two_l2 * w[i];
  }
}
// [regularizer]

template double penalty<float>(const Regularizer&, const Tensor<float>&);
template double penalty<double>(const Regularizer&, const Tensor<double>&);
template void add_penalty_gradient<float>(const Regularizer&, const Tensor<float>&, Tensor<float>&);
template void add_penalty_gradient<double>(const Regularizer&, const Tensor<double>&,
                                           Tensor<double>&);

}  // namespace nn
