// e^{z} without subtracting the row's maximum: e^1000 overflows
// Exercise 3.3: the gradient of softmax cross-entropy with respect to the logits.
// Read: chapter 3, section "Softmax and cross-entropy".
// Run its test: ./nnbook exercise ex3.3
#include <algorithm>
#include <cmath>

#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: the loss itself, the mean over the batch of
//   L_n = -log p_{n,t_n} = log sum_c e^{z_nc} - z_{n,t_n},
// with the log-sum-exp taken after subtracting the row's maximum m_n, so no e^{z} overflows:
//   log sum_c e^{z_nc} = m_n + log sum_c e^{z_nc - m_n}.
// z: (N, C) logits; t: (N,) class indices stored as doubles (0, 1, ..., C - 1).
double softmax_cross_entropy(const nn::Tensor<double>& z, const nn::Tensor<double>& t) {
  const std::size_t N = z.shape(0), C = z.shape(1);
  double total = 0;
  for (std::size_t n = 0; n < N; ++n) {
    double m = z(n, 0);
    for (std::size_t c = 1; c < C; ++c) m = std::max(m, z(n, c));
    double sum = 0;
    for (std::size_t c = 0; c < C; ++c) sum += std::exp(z(n, c) - m);
    total += m + std::log(sum) - z(n, static_cast<std::size_t>(t(n)));
  }
  return total / static_cast<double>(N);
}

// [ex3.3-task]
/**
 * The gradient of the loss above with respect to the logits:
 *
 *   p_nc = softmax(z_n)_c = e^{z_nc - m_n} / sum_k e^{z_nk - m_n},   m_n = max_k z_nk
 *   dL/dz_nc = (p_nc - onehot(t_n)_c) / N
 *
 * where onehot(t_n) is 1 at class t_n and 0 elsewhere, and the 1/N comes from the mean
 * over the batch. Subtract m_n before exponentiating: e^{1000} overflows to infinity,
 * e^{1000 - 1000} does not, and the softmax is unchanged by the shift.
 * Shapes: z: (N, C); t: (N,) class indices as doubles; the result: (N, C).
 * Check: z = [[0, ln 3]], t = (1): p = (1/4, 3/4), gradient (0.25, -0.25).
 */
nn::Tensor<double> softmax_cross_entropy_grad(const nn::Tensor<double>& z,
                                              const nn::Tensor<double>& t) {
  const std::size_t N = z.shape(0), C = z.shape(1);
  nn::Tensor<double> dz = nn::Tensor<double>::from_shape({N, C});
  for (std::size_t n = 0; n < N; ++n) {
    double m = z(n, 0);
    for (std::size_t c = 1; c < C; ++c) m = std::max(m, z(n, c));
    double sum = 0;
    for (std::size_t c = 0; c < C; ++c) sum += std::exp(z(n, c));
    const auto target = static_cast<std::size_t>(t(n));
    for (std::size_t c = 0; c < C; ++c) {
      const double p = std::exp(z(n, c)) / sum;  // p_nc = e^{z_nc - m_n} / sum_k e^{z_nk - m_n}
      const double onehot = c == target ? 1.0 : 0.0;
      dz(n, c) = (p - onehot) / static_cast<double>(N);  // dL/dz_nc = (p_nc - onehot_c) / N
    }
  }
  return dz;
}
// [ex3.3-task]

}  // namespace ex
