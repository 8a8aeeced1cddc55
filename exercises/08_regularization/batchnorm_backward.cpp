// Exercise 8.4: batch normalization's backward pass, one feature.
// Read: chapter 8, section "The backward pass, derived".
// Run its test: ./nnbook exercise ex8.4
#include <cmath>

#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: the training forward for one feature over M values x (M,):
//   mu = mean(x), var = mean((x - mu)^2), xhat = (x - mu) / sqrt(var + eps), y = gamma xhat + beta
nn::Tensor<double> batchnorm_forward(const nn::Tensor<double>& x, double gamma, double beta,
                                     double eps) {
  const double M = double(x.size());
  double mu = 0, var = 0;
  for (double v : x) mu += v / M;
  for (double v : x) var += (v - mu) * (v - mu) / M;
  nn::Tensor<double> y = x;
  for (double& v : y) v = gamma * (v - mu) / std::sqrt(var + eps) + beta;
  return y;
}

// [ex8.4-task]
/**
 * Given x (M,) and dy = dL/dy (M,) for the y of batchnorm_forward, return dx = dL/dx (M,):
 *   dx_k = gamma s / M (M dy_k - sum_j dy_j - xhat_k sum_j dy_j xhat_j),  s = 1/sqrt(var + eps).
 * Every x_k moves mu and var too, which is where the two sums come from.
 * Check: x = (0, 0, 0, 0, 5), dy = (1, 0, 0, 0, 0), gamma = 1, eps = 0
 * gives dx = (0.375, -0.125, -0.125, -0.125, 0).
 */
nn::Tensor<double> batchnorm_backward(const nn::Tensor<double>& x, const nn::Tensor<double>& dy,
                                      double gamma, double eps) {
  (void)x, (void)dy, (void)gamma, (void)eps;
  throw nn::not_implemented(
      "Exercise 8.4: batch-norm backward — see chapter 8, section 'The backward pass, derived'; "
      "edit exercises/08_regularization/batchnorm_backward.cpp");
}
// [ex8.4-task]

}  // namespace ex
