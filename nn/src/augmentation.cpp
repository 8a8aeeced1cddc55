#include "nn/augmentation.hpp"

#include <cmath>
#include <numbers>

namespace nn {

// [augmentation-maps]
std::vector<std::ptrdiff_t> shift_map(std::size_t H, std::size_t Wd, long dr, long dc) {
  std::vector<std::ptrdiff_t> src(H * Wd, -1);
  for (long r = 0; r < long(H); ++r)
    for (long c = 0; c < long(Wd); ++c) {
      const long sr = r - dr, sc = c - dc;  // the pixel that lands on (r, c)
      if (sr >= 0 && sr < long(H) && sc >= 0 && sc < long(Wd)) src[r * Wd + c] = sr * long(Wd) + sc;
    }
  return src;
}

std::vector<std::ptrdiff_t> rotation_map(std::size_t H, std::size_t Wd, double angle) {
  std::vector<std::ptrdiff_t> src(H * Wd, -1);
  const double cy = (double(H) - 1) / 2, cx = (double(Wd) - 1) / 2;
  const double cos_a = std::cos(angle), sin_a = std::sin(angle);
  for (std::size_t r = 0; r < H; ++r)
    for (std::size_t c = 0; c < Wd; ++c) {
      // rotate the output position back by the angle to find where it came from
      const double dr = double(r) - cy, dc = double(c) - cx;
      const long sr = std::lround(cy + cos_a * dr - sin_a * dc);
      const long sc = std::lround(cx + sin_a * dr + cos_a * dc);
      if (sr >= 0 && sr < long(H) && sc >= 0 && sc < long(Wd)) src[r * Wd + c] = sr * long(Wd) + sc;
    }
  return src;
}
// [augmentation-maps]

// [augmentation-warp]
template <class T>
Shape RandomWarp<T>::build(const Shape& in_shape, Generator& rng) {
  if (in_shape.size() != 3) throw shape_error(this->name() + " build", "(C, H, Wd)", in_shape);
  this->in_shape_ = in_shape;
  rng_ = Generator(static_cast<std::uint64_t>(rng.uniform() * 0x1.0p53));
  return in_shape;
}

// x: (N, C, H, Wd)  ->  y: (N, C, H, Wd); y[n, c, p] = x[n, c, src_n[p]], or 0 where src_n[p] = -1
template <class T>
const Tensor<T>& RandomWarp<T>::forward(const Tensor<T>& x) {
  this->check_input(x);
  resize_if_needed(y_, shape_of(x));
  if (!this->training_) {  // inference: the images as they are
    std::copy(x.data(), x.data() + x.size(), y_.data());
    return y_;
  }
  const std::size_t N = x.shape(0), C = x.shape(1), H = x.shape(2), Wd = x.shape(3);
  const std::size_t pixels = H * Wd;
  maps_.resize(N);
  for (std::size_t n = 0; n < N; ++n) {
    maps_[n] = draw(H, Wd, rng_);  // a new transform for every image of every batch
    for (std::size_t c = 0; c < C; ++c) {
      const T* xp = x.data() + (n * C + c) * pixels;
      T* yp = y_.data() + (n * C + c) * pixels;
      for (std::size_t p = 0; p < pixels; ++p) yp[p] = maps_[n][p] < 0 ? T(0) : xp[maps_[n][p]];
    }
  }
  return y_;
}

// dy: (N, C, H, Wd)  ->  dx: (N, C, H, Wd)
template <class T>
const Tensor<T>& RandomWarp<T>::backward(const Tensor<T>& dy) {
  this->check_grad(dy, y_);
  resize_if_needed(dx_, shape_of(dy));
  if (!this->training_) {
    std::copy(dy.data(), dy.data() + dy.size(), dx_.data());
    return dx_;
  }
  const std::size_t N = dy.shape(0), C = dy.shape(1), pixels = dy.shape(2) * dy.shape(3);
  dx_.fill(T(0));
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t c = 0; c < C; ++c) {
      const T* dyp = dy.data() + (n * C + c) * pixels;
      T* dxp = dx_.data() + (n * C + c) * pixels;
      // y[p] = x[src[p]]  =>  dx[src[p]] += dy[p] (a source pixel may feed several outputs)
      for (std::size_t p = 0; p < pixels; ++p)
        if (maps_[n][p] >= 0) dxp[maps_[n][p]] += dyp[p];
    }
  return dx_;
}
// [augmentation-warp]

// [augmentation-draw]
template <class T>
std::vector<std::ptrdiff_t> RandomTranslation<T>::draw(std::size_t H, std::size_t Wd,
                                                       Generator& rng) {
  // a whole number of pixels in [-factor * size, factor * size], uniformly
  const long max_r = std::lround(height_factor_ * double(H));
  const long max_c = std::lround(width_factor_ * double(Wd));
  const long dr = long(rng.below(std::size_t(2 * max_r + 1))) - max_r;
  const long dc = long(rng.below(std::size_t(2 * max_c + 1))) - max_c;
  return shift_map(H, Wd, dr, dc);
}

template <class T>
std::vector<std::ptrdiff_t> RandomRotation<T>::draw(std::size_t H, std::size_t Wd, Generator& rng) {
  const double max_angle = 2 * std::numbers::pi * factor_;  // Keras: factor is a fraction of 2 pi
  return rotation_map(H, Wd, rng.uniform(-max_angle, max_angle));
}
// [augmentation-draw]

template class RandomWarp<float>;
template class RandomWarp<double>;
template class RandomTranslation<float>;
template class RandomTranslation<double>;
template class RandomRotation<float>;
template class RandomRotation<double>;

}  // namespace nn
