#include "nn/pooling.hpp"

#include <algorithm>
#include <stdexcept>
#include <type_traits>

#include "nn/parallel.hpp"

namespace nn {

// [pool-build]
namespace {
// Checks a pooling layer's per-example shape and returns its sizes ('valid' windows).
ConvGeometry pool_geometry(const std::string& where, const Shape& in_shape, std::size_t K,
                           std::size_t S) {
  const std::string expected = "(C, H, Wd) with H, Wd >= pool size " + std::to_string(K);
  if (in_shape.size() != 3) throw shape_error(where, expected, in_shape);
  const ConvGeometry g = conv_geometry(in_shape[0], in_shape[1], in_shape[2], K, S, Padding::valid);
  if (g.Ho == 0 || g.Wo == 0) throw shape_error(where, expected, in_shape);
  return g;
}

void check_pool_arguments(const char* kind, std::size_t pool_size) {
  if (pool_size == 0)
    throw std::invalid_argument(std::string(kind) + ": pool_size must be at least 1");
}
}  // namespace

template <class T>
MaxPool2D<T>::MaxPool2D(std::size_t pool_size, std::size_t stride)
    : K_(pool_size), S_(stride == 0 ? pool_size : stride) {
  check_pool_arguments("max_pooling2d", pool_size);
}

template <class T>
Shape MaxPool2D<T>::build(const Shape& in_shape, Generator&) {
  g_ = pool_geometry(this->name() + " build", in_shape, K_, S_);
  this->in_shape_ = in_shape;
  return {g_.C, g_.Ho, g_.Wo};
}
// [pool-build]

// [maxpool-forward]
// One plane x[n, c]: (H, Wd)  ->  y[n, c]: (Ho, Wo), and each maximum's flat index into x.
//   y[oh, ow] = max over i, j < K of x[oh*S + i, ow*S + j]
// `plane` is the index of x[n, c, 0, 0] in the whole batch.
template <class T>
void maxpool_plane(const T* x, T* y, std::size_t* argmax, std::size_t plane, std::size_t Wd,
                   std::size_t Ho, std::size_t Wo, std::size_t K, std::size_t S) {
  for (std::size_t oh = 0; oh < Ho; ++oh) {
    for (std::size_t ow = 0; ow < Wo; ++ow) {
      const std::size_t corner = oh * S * Wd + ow * S;  // the window's top-left pixel
      T max = x[corner];
      std::size_t best = corner;
      for (std::size_t i = 0; i < K; ++i) {
        for (std::size_t j = 0; j < K; ++j) {
          const std::size_t k = corner + i * Wd + j;  // x[oh*S + i, ow*S + j]
          best = x[k] > max ? k : best;  // strictly greater: on a tie the first maximum stays
          max = std::max(max, x[k]);
        }
      }
      y[oh * Wo + ow] = max;
      argmax[oh * Wo + ow] = plane + best;
    }
  }
}

// x: (N, C, H, Wd)  ->  y: (N, C, Ho, Wo),  Ho = (H - K)/S + 1, Wo = (Wd - K)/S + 1
template <class T>
const Tensor<T>& MaxPool2D<T>::forward(const Tensor<T>& x) {
  this->check_input(x);
  const std::size_t N = x.shape(0), H = g_.H, Wd = g_.Wd, Ho = g_.Ho, Wo = g_.Wo;
  resize_if_needed(y_, {N, g_.C, Ho, Wo});
  argmax_.resize(y_.size());
  // One (n, c) plane at a time; each thread takes a slice of the planes.
  parallel_slices(N * g_.C, [&](std::size_t q0, std::size_t q1, std::size_t) {
    for (std::size_t q = q0; q < q1; ++q) {
      const T* xq = x.data() + q * H * Wd;
      T* yq = y_.data() + q * Ho * Wo;
      std::size_t* aq = argmax_.data() + q * Ho * Wo;
      if (K_ == 2 && S_ == 2 && fast_) maxpool2x2_plane(xq, yq, aq, q * H * Wd, Wd, Ho, Wo);
      else maxpool_plane(xq, yq, aq, q * H * Wd, Wd, Ho, Wo, K_, S_);
    }
  });
  return y_;
}
// [maxpool-forward]

// [maxpool-2x2]
// maxpool_plane for the common 2x2 window with stride 2, written so that the compiler can
// run the loop over ow on vectors: the four candidates of a window are compared in
// row-major order with selects instead of branches, and the maximum's offset from the
// window's corner (0, 1, Wd or Wd + 1) is selected alongside. The same y and argmax as
// maxpool_plane, ties included.
template <class T, class Index>
void maxpool2x2_plane(const T* x, T* y, Index* argmax, std::size_t plane, std::size_t Wd,
                      std::size_t Ho, std::size_t Wo) {
  const Index right = 1, below = static_cast<Index>(Wd), diagonal = below + 1;
  for (std::size_t oh = 0; oh < Ho; ++oh) {
    const T* r0 = x + 2 * oh * Wd;  // the windows' top row
    const T* r1 = r0 + Wd;          // and their bottom row
    const Index corner0 = static_cast<Index>(plane + 2 * oh * Wd);
    for (std::size_t ow = 0; ow < Wo; ++ow) {
      const T a = r0[2 * ow], b = r0[2 * ow + 1], c = r1[2 * ow], d = r1[2 * ow + 1];
      T max = a;
      Index offset = 0;
      offset = b > max ? right : offset, max = b > max ? b : max;  // strictly greater:
      offset = c > max ? below : offset, max = c > max ? c : max;  // on a tie the first
      offset = d > max ? diagonal : offset, max = d > max ? d : max;  // maximum stays
      y[oh * Wo + ow] = max;
      argmax[oh * Wo + ow] = corner0 + static_cast<Index>(2 * ow) + offset;
    }
  }
}
// [maxpool-2x2]

// [maxpool-backward]
// dy: (N, C, Ho, Wo)  ->  dx: (N, C, H, Wd)
template <class T>
const Tensor<T>& MaxPool2D<T>::backward(const Tensor<T>& dy) {
  this->check_grad(dy, y_);
  resize_batch_if_needed(dx_, dy.shape(0), this->in_shape_);
  // y = x[argmax]  =>  dy/dx is 1 at the argmax and 0 elsewhere in the window;
  // += because overlapping windows (S < K) can share a maximum.
  // A maximum lies in its output's own (n, c) plane, so threads take slices of planes.
  const std::size_t in_plane = g_.H * g_.Wd, out_plane = g_.Ho * g_.Wo;
  const T* dyp = dy.data();
  T* dxp = dx_.data();
  parallel_slices(dy.shape(0) * g_.C, [&](std::size_t q0, std::size_t q1, std::size_t) {
    std::fill(dxp + q0 * in_plane, dxp + q1 * in_plane, T(0));
    for (std::size_t k = q0 * out_plane; k < q1 * out_plane; ++k) dxp[argmax_[k]] += dyp[k];
  });
  return dx_;
}
// [maxpool-backward]

template <class T>
AvgPool2D<T>::AvgPool2D(std::size_t pool_size, std::size_t stride)
    : K_(pool_size), S_(stride == 0 ? pool_size : stride) {
  check_pool_arguments("average_pooling2d", pool_size);
}

template <class T>
Shape AvgPool2D<T>::build(const Shape& in_shape, Generator&) {
  g_ = pool_geometry(this->name() + " build", in_shape, K_, S_);
  this->in_shape_ = in_shape;
  return {g_.C, g_.Ho, g_.Wo};
}

// [avgpool-forward]
// x: (N, C, H, Wd)  ->  y: (N, C, Ho, Wo),  Ho = (H - K)/S + 1, Wo = (Wd - K)/S + 1
//   y[n, c, oh, ow] = 1/K² · sum over i, j < K of x[n, c, oh*S + i, ow*S + j]
template <class T>
const Tensor<T>& AvgPool2D<T>::forward(const Tensor<T>& x) {
  this->check_input(x);
  N_ = x.shape(0);
  const std::size_t K = K_, S = S_, H = g_.H, Wd = g_.Wd, Ho = g_.Ho, Wo = g_.Wo;
  const T scale = T(1) / static_cast<T>(K * K);
  resize_if_needed(y_, {N_, g_.C, Ho, Wo});
  // One output row at a time, the innermost loop along the row (as in max pooling).
  for (std::size_t q = 0; q < N_ * g_.C; ++q) {  // one (n, c) plane at a time
    const T* xp = x.data() + q * H * Wd;
    for (std::size_t oh = 0; oh < Ho; ++oh) {
      T* y_row = y_.data() + (q * Ho + oh) * Wo;
      for (std::size_t ow = 0; ow < Wo; ++ow) y_row[ow] = T(0);
      for (std::size_t i = 0; i < K; ++i) {
        const T* x_row = xp + (oh * S + i) * Wd;  // x[n, c, oh*S + i, :]
        for (std::size_t j = 0; j < K; ++j)
          for (std::size_t ow = 0; ow < Wo; ++ow) y_row[ow] += x_row[ow * S + j];
      }
      for (std::size_t ow = 0; ow < Wo; ++ow) y_row[ow] *= scale;
    }
  }
  return y_;
}
// [avgpool-forward]

// [avgpool-backward]
// dy: (N, C, Ho, Wo)  ->  dx: (N, C, H, Wd)
template <class T>
const Tensor<T>& AvgPool2D<T>::backward(const Tensor<T>& dy) {
  this->check_grad(dy, y_);
  const std::size_t K = K_, S = S_, H = g_.H, Wd = g_.Wd, Ho = g_.Ho, Wo = g_.Wo;
  const T scale = T(1) / static_cast<T>(K * K);
  resize_batch_if_needed(dx_, N_, this->in_shape_);
  dx_.fill(T(0));
  // y = 1/K² · sum of the window  =>  dy/dx = 1/K² for each input of the window;
  // += because overlapping windows (S < K) share inputs.
  for (std::size_t q = 0; q < N_ * g_.C; ++q) {
    T* dxp = dx_.data() + q * H * Wd;
    for (std::size_t oh = 0; oh < Ho; ++oh) {
      const T* dy_row = dy.data() + (q * Ho + oh) * Wo;
      for (std::size_t i = 0; i < K; ++i) {
        T* dx_row = dxp + (oh * S + i) * Wd;  // dx[n, c, oh*S + i, :]
        for (std::size_t j = 0; j < K; ++j)
          for (std::size_t ow = 0; ow < Wo; ++ow) dx_row[ow * S + j] += dy_row[ow] * scale;
      }
    }
  }
  return dx_;
}
// [avgpool-backward]

template void maxpool2x2_plane(const float*, float*, std::size_t*, std::size_t, std::size_t,
                               std::size_t, std::size_t);
template void maxpool2x2_plane(const double*, double*, std::size_t*, std::size_t, std::size_t,
                               std::size_t, std::size_t);
template void maxpool2x2_plane(const float*, float*, std::uint32_t*, std::size_t, std::size_t,
                               std::size_t, std::size_t);
template void maxpool2x2_plane(const double*, double*, std::uint32_t*, std::size_t, std::size_t,
                               std::size_t, std::size_t);
template class MaxPool2D<float>;
template class MaxPool2D<double>;
template class AvgPool2D<float>;
template class AvgPool2D<double>;

}  // namespace nn
