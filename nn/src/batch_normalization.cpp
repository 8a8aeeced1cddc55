#include "nn/batch_normalization.hpp"

#include <cmath>
#include <stdexcept>

namespace nn {

// [batchnorm-build]
template <class T>
BatchNormalization<T>::BatchNormalization(double momentum, double epsilon)
    : momentum_(momentum), epsilon_(epsilon) {
  if (!(momentum >= 0 && momentum <= 1) || !(epsilon >= 0))
    throw std::invalid_argument("batch_normalization: momentum must be in [0, 1], epsilon >= 0");
}

template <class T>
Shape BatchNormalization<T>::build(const Shape& in_shape, Generator&) {
  if (in_shape.empty())
    throw shape_error(this->name() + " build", "(D,) or (C, H, Wd)", in_shape);
  this->in_shape_ = in_shape;
  F_ = in_shape[0];
  inner_ = element_count(in_shape) / F_;
  gamma = xt::ones<T>({F_});
  beta = xt::zeros<T>({F_});
  dgamma = xt::zeros<T>({F_});
  dbeta = xt::zeros<T>({F_});
  moving_mean = xt::zeros<T>({F_});
  moving_variance = xt::ones<T>({F_});
  return in_shape;
}
// [batchnorm-build]

// [batchnorm-forward]
// x: (N, F) or (N, F, H, Wd)  ->  y: same shape; statistics per feature f over M = N * inner values
template <class T>
const Tensor<T>& BatchNormalization<T>::forward(const Tensor<T>& x) {
  this->check_input(x);
  const std::size_t N = x.shape(0), F = F_, I = inner_;
  const double M = static_cast<double>(N * I);
  resize_if_needed(y_, shape_of(x));
  resize_if_needed(xhat_, shape_of(x));
  inv_std_.assign(F, 0.0);
  for (std::size_t f = 0; f < F; ++f) {
    double mean, var;
    if (this->training_) {
      double sum = 0, sq = 0;
      for (std::size_t n = 0; n < N; ++n)
        for (std::size_t i = 0; i < I; ++i) sum += x.data()[(n * F + f) * I + i];
      mean = sum / M;  // mu = (1/M) sum x
      for (std::size_t n = 0; n < N; ++n)
        for (std::size_t i = 0; i < I; ++i) {
          const double d = x.data()[(n * F + f) * I + i] - mean;
          sq += d * d;
        }
      var = sq / M;  // sigma^2 = (1/M) sum (x - mu)^2, the biased estimate, as Keras
      // running averages for inference: mbar <- m mbar + (1 - m) mu, likewise for the variance
      moving_mean(f) = static_cast<T>(momentum_ * moving_mean(f) + (1 - momentum_) * mean);
      moving_variance(f) = static_cast<T>(momentum_ * moving_variance(f) + (1 - momentum_) * var);
    } else {  // inference: the running averages stand in for the batch's statistics
      mean = moving_mean(f);
      var = moving_variance(f);
    }
    inv_std_[f] = 1.0 / std::sqrt(var + epsilon_);
    for (std::size_t n = 0; n < N; ++n)
      for (std::size_t i = 0; i < I; ++i) {
        const std::size_t k = (n * F + f) * I + i;
        // xhat = (x - mu) / sqrt(var + eps),  y = gamma xhat + beta
        xhat_.data()[k] = static_cast<T>((x.data()[k] - mean) * inv_std_[f]);
        y_.data()[k] = gamma(f) * xhat_.data()[k] + beta(f);
      }
  }
  return y_;
}
// [batchnorm-forward]

// [batchnorm-backward]
// dy: same shape as x  ->  dx; adds to dgamma (F,) and dbeta (F,)
template <class T>
const Tensor<T>& BatchNormalization<T>::backward(const Tensor<T>& dy) {
  this->check_grad(dy, y_);
  const std::size_t N = dy.shape(0), F = F_, I = inner_;
  const double M = static_cast<double>(N * I);
  resize_if_needed(dx_, shape_of(dy));
  for (std::size_t f = 0; f < F; ++f) {
    double sum_dy = 0, sum_dy_xhat = 0;
    for (std::size_t n = 0; n < N; ++n)
      for (std::size_t i = 0; i < I; ++i) {
        const std::size_t k = (n * F + f) * I + i;
        sum_dy += dy.data()[k];
        sum_dy_xhat += static_cast<double>(dy.data()[k]) * xhat_.data()[k];
      }
    // y = gamma xhat + beta  =>  dgamma = sum dy xhat,  dbeta = sum dy
    dgamma(f) += static_cast<T>(sum_dy_xhat);
    dbeta(f) += static_cast<T>(sum_dy);
    if (!this->input_gradient_) continue;  // rule 6: nobody reads dx
    const double g = gamma(f) * inv_std_[f];
    for (std::size_t n = 0; n < N; ++n)
      for (std::size_t i = 0; i < I; ++i) {
        const std::size_t k = (n * F + f) * I + i;
        if (this->training_)  // mu, sigma depend on x: dx = g/M (M dy - sum dy - xhat sum dy xhat)
          dx_.data()[k] = static_cast<T>(
              g / M * (M * dy.data()[k] - sum_dy - xhat_.data()[k] * sum_dy_xhat));
        else  // inference: mu, sigma are constants, y = gamma (x - mbar)/sqrt(vbar + eps) + beta
          dx_.data()[k] = static_cast<T>(g * dy.data()[k]);
      }
  }
  return dx_;
}
// [batchnorm-backward]

template class BatchNormalization<float>;
template class BatchNormalization<double>;

}  // namespace nn
