#include "nn/conv2d.hpp"

#include <algorithm>
#include <stdexcept>

#include "nn/gemm.hpp"
#include "nn/init.hpp"
#include "nn/parallel.hpp"
#include "nn/pooling.hpp"

namespace nn {

const char* to_string(Padding p) { return p == Padding::same ? "same" : "valid"; }

// [conv-geometry]
std::size_t conv_output_size(std::size_t n, std::size_t K, std::size_t S, Padding padding) {
  if (padding == Padding::same) return (n + S - 1) / S;  // ceil(n / S)
  return n < K ? 0 : (n - K) / S + 1;                      // floor((n - K) / S) + 1
}

ConvGeometry conv_geometry(std::size_t C, std::size_t H, std::size_t Wd, std::size_t K,
                           std::size_t S, Padding padding) {
  ConvGeometry g;
  g.C = C, g.H = H, g.Wd = Wd, g.K = K, g.S = S;
  g.Ho = conv_output_size(H, K, S, padding);
  g.Wo = conv_output_size(Wd, K, S, padding);
  if (padding == Padding::same) {
    // Total padding so that the last kernel position ends at the padded edge:
    // (Ho - 1) S + K = H + P_tot. The smaller half goes first (TensorFlow's rule).
    const auto total = [&](std::size_t n, std::size_t out) {
      const std::size_t needed = (out - 1) * S + K;
      return needed > n ? needed - n : 0;
    };
    g.pad_top = total(H, g.Ho) / 2;
    g.pad_left = total(Wd, g.Wo) / 2;
  }
  return g;
}
// [conv-geometry]

namespace {
// [conv-inside]
// ceil(a / S), without a (slow) division in the common case S = 1
std::size_t ceil_div(std::size_t a, std::size_t S) { return S == 1 ? a : (a + S - 1) / S; }

// The output positions o in [lo, hi) whose input position o*S + k - pad lies
// inside [0, n), for kernel offset k. Outside that range the kernel reads padding.
struct Inside {
  std::size_t lo, hi;
};
Inside inside(std::size_t n, std::size_t n_out, std::size_t S, std::size_t k, std::size_t pad) {
  // o*S + k - pad >= 0  <=>  o >= ceil((pad - k) / S)
  const std::size_t lo = pad > k ? ceil_div(pad - k, S) : 0;
  // o*S + k - pad < n   <=>  o < ceil((n + pad - k) / S)
  const std::size_t hi = n + pad > k ? ceil_div(n + pad - k, S) : 0;
  return {std::min(lo, n_out), std::min(std::max(lo, hi), n_out)};
}
// [conv-inside]

// [conv-sum]
// The sum of v[0..n). A single running sum is one long chain of dependent additions,
// which the compiler may not reorder; sixteen partial sums give it independent
// chains that it turns into vector additions.
template <class T>
T sum(const T* v, std::size_t n) {
  constexpr std::size_t lanes = 16;
  T partial[lanes] = {};
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes)
    for (std::size_t l = 0; l < lanes; ++l) partial[l] += v[i + l];
  T total = 0;
  for (; i < n; ++i) total += v[i];
  for (std::size_t l = 0; l < lanes; ++l) total += partial[l];
  return total;
}
// [conv-sum]

}  // namespace

// [im2col]
// x: (C, H, Wd)  ->  cols: (C*K*K, Ho*Wo), row (c, i, j), column (oh, ow), row length ld
//   cols[(c,i,j), (oh,ow)] = x[c, oh*S - pad_top + i, ow*S - pad_left + j]   (0 in the padding)
template <class T>
void im2col(const T* x, const ConvGeometry& g, T* cols, std::size_t ld) {
  const std::size_t S = g.S, Wo = g.Wo;
  for (std::size_t c = 0; c < g.C; ++c) {
    for (std::size_t i = 0; i < g.K; ++i) {
      // the output rows oh whose input row lies in the image, not in the padding
      const Inside oh_in = inside(g.H, g.Ho, S, i, g.pad_top);
      for (std::size_t j = 0; j < g.K; ++j) {
        const Inside ow_in = inside(g.Wd, Wo, S, j, g.pad_left);  // likewise for columns
        const std::size_t count = ow_in.hi - ow_in.lo;
        T* row = cols + ((c * g.K + i) * g.K + j) * ld;  // row (c, i, j) of cols
        for (std::size_t oh = 0; oh < g.Ho; ++oh) {
          T* dst = row + oh * Wo;  // cols[(c,i,j), (oh, 0)]
          if (oh < oh_in.lo || oh >= oh_in.hi || count == 0) {
            for (std::size_t ow = 0; ow < Wo; ++ow) dst[ow] = T(0);
            continue;
          }
          for (std::size_t ow = 0; ow < ow_in.lo; ++ow) dst[ow] = T(0);
          // x[c, ih, iw] with ih = oh*S - pad_top + i and iw = ow*S - pad_left + j,
          // from ow = ow_in.lo on: every S-th pixel of one input row
          const T* src =
              x + (c * g.H + oh * S + i - g.pad_top) * g.Wd + ow_in.lo * S + j - g.pad_left;
          if (S == 1) {
            for (std::size_t k = 0; k < count; ++k) dst[ow_in.lo + k] = src[k];  // vectorised
          } else {
            for (std::size_t k = 0; k < count; ++k) dst[ow_in.lo + k] = src[k * S];
          }
          for (std::size_t ow = ow_in.hi; ow < Wo; ++ow) dst[ow] = T(0);
        }
      }
    }
  }
}
// [im2col]

// [col2im]
// dcols: (C*K*K, Ho*Wo), row length ld  ->  dx: (C, H, Wd), added to
//   dx[c, oh*S - pad_top + i, ow*S - pad_left + j] += dcols[(c,i,j), (oh,ow)]
// Entries that came from the padding have no pixel to go back to: they are skipped.
template <class T>
void col2im(const T* dcols, const ConvGeometry& g, std::size_t ld, T* dx) {
  const std::size_t S = g.S, Wo = g.Wo;
  for (std::size_t c = 0; c < g.C; ++c) {
    for (std::size_t i = 0; i < g.K; ++i) {
      const Inside oh_in = inside(g.H, g.Ho, S, i, g.pad_top);
      for (std::size_t j = 0; j < g.K; ++j) {
        const Inside ow_in = inside(g.Wd, Wo, S, j, g.pad_left);
        const std::size_t count = ow_in.hi - ow_in.lo;
        if (count == 0) continue;  // this kernel column only ever saw padding
        const T* row = dcols + ((c * g.K + i) * g.K + j) * ld;  // row (c, i, j) of dcols
        for (std::size_t oh = oh_in.lo; oh < oh_in.hi; ++oh) {
          const T* src = row + oh * Wo + ow_in.lo;  // dcols[(c,i,j), (oh, ow_in.lo)]
          T* dst = dx + (c * g.H + oh * S + i - g.pad_top) * g.Wd + ow_in.lo * S + j - g.pad_left;
          if (S == 1) {
            for (std::size_t k = 0; k < count; ++k) dst[k] += src[k];  // vectorised
          } else {
            for (std::size_t k = 0; k < count; ++k) dst[k * S] += src[k];
          }
        }
      }
    }
  }
}
// [col2im]

// [im2col-wide]
// x: (C, H, Wd) -> cols: (C*K*K, span), span = (Ho-1)*Wd + Wo, row length ld; stride 1, no padding
//   cols[(c,i,j), p] = x[c, i, j + p]   (p = oh*Wd + ow: the plane read as one flat row)
template <class T>
void im2col_wide(const T* x, const ConvGeometry& g, T* cols, std::size_t ld) {
  const std::size_t span = wide_span(g), plane = g.H * g.Wd;
  for (std::size_t c = 0; c < g.C; ++c)
    for (std::size_t i = 0; i < g.K; ++i)
      for (std::size_t j = 0; j < g.K; ++j) {
        const T* src = x + c * plane + i * g.Wd + j;  // x[c] shifted by (i, j)
        std::copy(src, src + span, cols + ((c * g.K + i) * g.K + j) * ld);
      }
}

// dcols: (C*K*K, span), row length ld  ->  dx: (C, H, Wd), added to
//   dx[c, i, j + p] += dcols[(c,i,j), p]   (wrapped columns p hold zeros)
template <class T>
void col2im_wide(const T* dcols, const ConvGeometry& g, std::size_t ld, T* dx) {
  const std::size_t span = wide_span(g), plane = g.H * g.Wd;
  for (std::size_t c = 0; c < g.C; ++c)
    for (std::size_t i = 0; i < g.K; ++i)
      for (std::size_t j = 0; j < g.K; ++j) {
        const T* src = dcols + ((c * g.K + i) * g.K + j) * ld;
        T* dst = dx + c * plane + i * g.Wd + j;
        for (std::size_t p = 0; p < span; ++p) dst[p] += src[p];  // vectorised
      }
}
// [im2col-wide]

// [conv-direct-forward]
// The sums of FB filters at P consecutive wide positions, kept in local arrays (which the
// compiler holds in vector registers) while the K*K products are added, then stored once:
//   wide[f, p] = b[f] + sum over k = (i, j) of W[f, k] x[p + i*Wd + j],   p < span
// The last block is moved back to end at span (it overlaps the one before): span >= P.
template <std::size_t FB, std::size_t P, class T>
void direct_sums(const T* x, std::size_t Wd, std::size_t K, const T* W, const T* b,
                 std::size_t span, T* wide) {
  for (std::size_t p0 = 0; p0 < span; p0 += P) {
    const std::size_t p = std::min(p0, span - P);
    T z[FB][P];
    for (std::size_t f = 0; f < FB; ++f)
      for (std::size_t l = 0; l < P; ++l) z[f][l] = b[f];
    for (std::size_t k = 0; k < K * K; ++k) {
      const T* xs = x + p + (k / K) * Wd + k % K;  // x shifted by the kernel offset (i, j)
      for (std::size_t f = 0; f < FB; ++f)
        for (std::size_t l = 0; l < P; ++l) z[f][l] += W[f * K * K + k] * xs[l];  // vectorised
    }
    for (std::size_t f = 0; f < FB; ++f)
      for (std::size_t l = 0; l < P; ++l) wide[f * span + p + l] = z[f][l];
  }
}

// The wide sums of every filter, direct_filters at a time: for each group of fb filters
// from filter f on, fills wide[e, p] = z[f + e, p] (e < fb, p < span) and calls group(f, fb).
template <class T, class Group>
void direct_groups(const T* x, const ConvGeometry& g, const T* W, const T* b, std::size_t F,
                   T* wide, const Group& group) {
  constexpr std::size_t FB = direct_filters, P = 32;
  const std::size_t K = g.K, Wd = g.Wd, span = wide_span(g);
  for (std::size_t f = 0, fb = 0; f < F; f += fb) {
    fb = span < P || F - f < FB ? 1 : FB;  // filters in this group
    if (span < P) direct_sums<1, 1>(x, Wd, K, W + f * K * K, b + f, span, wide);
    else if (fb == 1) direct_sums<1, P>(x, Wd, K, W + f * K * K, b + f, span, wide);
    else direct_sums<FB, P>(x, Wd, K, W + f * K * K, b + f, span, wide);
    group(f, fb);
  }
}

// One image with a single channel, stride 1, no padding, without im2col:
// x: (H, Wd), W: (F, K, K), b: (F,)  ->  a: (F, Ho, Wo)
//   a[f, oh, ow] = f(b[f] + sum over i, j < K of W[f, i, j] x[oh + i, ow + j])
// Rows of 26 numbers are too short to vectorise well, so the sum runs over "wide"
// rows: with p = oh*Wd + ow the input pixel is x[p + i*Wd + j], one shifted copy of
// the flat image per kernel weight. wide[p] is then computed for all p < span, and
// its columns ow >= Wo (windows that wrap around the image's edge) are thrown away.
// direct_filters filters at a time share each load of x.
template <class T>
void conv_direct_forward(const T* x, const ConvGeometry& g, const T* W, const T* b,
                         std::size_t F, Activation act, T* wide, T* a) {
  const std::size_t Wd = g.Wd, Ho = g.Ho, Wo = g.Wo, span = wide_span(g);
  direct_groups(x, g, W, b, F, wide, [&](std::size_t f, std::size_t fb) {
    for_activation(act, [&](Activation act) {
      for (std::size_t e = 0; e < fb; ++e)  // keep the valid columns, apply f
        for (std::size_t oh = 0; oh < Ho; ++oh)
          for (std::size_t ow = 0; ow < Wo; ++ow)
            a[((f + e) * Ho + oh) * Wo + ow] = activate(act, wide[e * span + oh * Wd + ow]);
    });
  });
}
// [conv-direct-forward]

// [conv-direct-backward]
// G dot products of dz with shifted copies of x at once, as lane partial sums added to acc:
//   acc[t, l] += sum over p = l (mod lanes) of dz[p] x[off[t] + p],   t < G, p < span
// Each partial sum is one chain of dependent additions; G taps side by side give G times
// as many independent chains, so the additions do not wait on one another.
template <std::size_t G, class T>
void tap_sums(const T* dz, const T* x, const std::size_t* off, std::size_t span, T* acc) {
  constexpr std::size_t lanes = direct_lanes;
  const std::size_t whole = span / lanes * lanes;
  const T* xs[G];  // x shifted by each tap's offset
  for (std::size_t t = 0; t < G; ++t) xs[t] = x + off[t];
  T part[G][lanes] = {};
  for (std::size_t p = 0; p < whole; p += lanes)
    for (std::size_t t = 0; t < G; ++t)
      for (std::size_t l = 0; l < lanes; ++l) part[t][l] += dz[p + l] * xs[t][p + l];
  for (std::size_t t = 0; t < G; ++t) {
    for (std::size_t l = 0; l < lanes; ++l) acc[t * lanes + l] += part[t][l];
    for (std::size_t p = whole; p < span; ++p) acc[t * lanes] += dz[p] * xs[t][p];  // the rest
  }
}

// The gradients of one filter from its dz in wide layout (dz[p], p < span, 0 where ow >= Wo):
// adds to acc_f: (K*K + 1, lanes), lane partial sums of dW[f] and db[f], and to dx if not null.
//   z[f,p] = b[f] + ...       =>  db[f]     = sum over p of dz[p]
//   z[f,p] = ... + W[f,i,j] x[p + i*Wd + j]
//                             =>  dW[f,i,j] = sum over p of dz[p] x[p + i*Wd + j]
//                             =>  dx[p + i*Wd + j] += W[f,i,j] dz[p]
// The dW sums go three taps (i, j) at a time (tap_sums), db's by nn's sum.
template <class T>
void direct_filter_gradients(const T* x, const T* dz, const ConvGeometry& g, const T* Wf,
                             T* acc_f, T* dx) {
  constexpr std::size_t lanes = direct_lanes;
  const std::size_t K = g.K, KK = K * K, Wd = g.Wd, span = wide_span(g);
  std::size_t off[3];  // the taps of one tap_sums call: x shifted by (i, j) = (k / K, k % K)
  std::size_t k = 0;
  for (; k + 3 <= KK; k += 3) {
    for (std::size_t t = 0; t < 3; ++t) off[t] = (k + t) / K * Wd + (k + t) % K;
    tap_sums<3>(dz, x, off, span, acc_f + k * lanes);
  }
  for (; k < KK; ++k) {
    off[0] = k / K * Wd + k % K;
    tap_sums<1>(dz, x, off, span, acc_f + k * lanes);
  }
  acc_f[KK * lanes] += sum(dz, span);
  if (!dx) return;
  for (std::size_t i = 0; i < K; ++i)
    for (std::size_t j = 0; j < K; ++j) {
      const T w = Wf[i * K + j];
      T* dxs = dx + i * Wd + j;
      for (std::size_t p = 0; p < span; ++p) dxs[p] += w * dz[p];  // vectorised
    }
}

// The backward of conv_direct_forward for one image, on the same wide rows.
// da: (F, Ho, Wo) -> adds to acc: (F, K*K + 1, lanes), lane partial sums of dW and db,
// and (if dx is not null) to dx: (H, Wd).
//   a = f(z)  =>  dz = da ⊙ f'(z), widened with zeros at ow >= Wo
// then each filter's gradients from its dz (direct_filter_gradients).
template <class T>
void conv_direct_backward(const T* x, const T* a, const T* da, const ConvGeometry& g,
                          const T* W, std::size_t F, Activation act, T* dz, T* acc, T* dx) {
  const std::size_t KK = g.K * g.K, Wd = g.Wd, Ho = g.Ho, Wo = g.Wo, span = wide_span(g);
  for (std::size_t f = 0; f < F; ++f) {
    for (std::size_t p = 0; p < span; ++p) dz[p] = T(0);
    for_activation(act, [&](Activation act) {
      for (std::size_t oh = 0; oh < Ho; ++oh)
        for (std::size_t ow = 0; ow < Wo; ++ow) {
          const std::size_t k = (f * Ho + oh) * Wo + ow;
          dz[oh * Wd + ow] = da[k] * derivative_from_output(act, a[k]);
        }
    });
    direct_filter_gradients(x, dz, g, W + f * KK, acc + f * (KK + 1) * direct_lanes, dx);
  }
}
// [conv-direct-backward]

// [conv-build]
template <class T>
Conv2D<T>::Conv2D(std::size_t filters, std::size_t kernel_size, Activation activation,
                  std::size_t stride, Padding padding)
    : F_(filters), K_(kernel_size), S_(stride), padding_(padding), act_(activation) {
  if (filters == 0 || kernel_size == 0 || stride == 0)
    throw std::invalid_argument("conv2d: filters, kernel_size and stride must be at least 1");
}

template <class T>
Shape Conv2D<T>::build(const Shape& in_shape, Generator& rng) {
  if (in_shape.size() != 3) throw shape_error(this->name() + " build", "(C, H, Wd)", in_shape);
  g_ = conv_geometry(in_shape[0], in_shape[1], in_shape[2], K_, S_, padding_);
  if (g_.Ho == 0 || g_.Wo == 0)
    throw shape_error(this->name() + " build",
                      "(C, H, Wd) with H, Wd >= K = " + std::to_string(K_) + " for 'valid' padding",
                      in_shape);
  this->in_shape_ = in_shape;
  const std::size_t C = g_.C;
  W = Tensor<T>::from_shape({F_, C, K_, K_});
  glorot_uniform(W, C * K_ * K_, F_ * K_ * K_, rng);
  b = xt::zeros<T>({F_});
  dW = xt::zeros<T>({F_, C, K_, K_});
  db = xt::zeros<T>({F_});
  return {F_, g_.Ho, g_.Wo};
}
// [conv-build]

// [conv-forward]
// x: (N, C, H, Wd), W: (F, C, K, K), b: (F,)  ->  a: (N, F, Ho, Wo)
//   Ho = (H + 2P - K)/S + 1, Wo = (Wd + 2P - K)/S + 1
//   cols = im2col(x): (C*K*K, N*Ho*Wo);  z = W · cols: (F, N*Ho*Wo);  a = f(z + b)
template <class T>
const Tensor<T>& Conv2D<T>::forward(const Tensor<T>& x) {
  this->check_input(x);
  check_shape(this->name(), "W", W, {F_, g_.C, K_, K_});  // W may have been assigned since build
  check_shape(this->name(), "b", b, {F_});
  N_ = x.shape(0);
  if (direct()) return forward_direct(x);
  if (channels_last()) return forward_channels_last(x);
  if (wide()) return forward_wide(x);
  // HoWo: the Ho*Wo positions of one output map; NHoWo: those of the whole batch.
  const std::size_t F = F_, CKK = g_.patch_size(), HoWo = g_.out_pixels(), NHoWo = N_ * HoWo;
  resize_if_needed(cols_, {CKK, NHoWo});
  resize_if_needed(z_, {F, NHoWo});
  resize_if_needed(a_, {N_, F, g_.Ho, g_.Wo});

  // Image n fills columns n*HoWo .. n*HoWo + HoWo - 1 of cols: one matrix for the whole batch.
  // Each chunk of images [n0, n1), i.e. the columns n0*HoWo .. n1*HoWo - 1, is one task;
  // fixed chunks compute every number the same way for any thread count.
  const std::size_t image = g_.C * g_.H * g_.Wd;
  parallel_chunks(N_, [&](std::size_t n0, std::size_t n1, std::size_t) {
    for (std::size_t n = n0; n < n1; ++n)
      im2col(x.data() + n * image, g_, cols_.data() + n * HoWo, NHoWo);

    // z = W · cols, with W viewed as (F, C*K*K): this slice's columns
    gemm(false, false, F, (n1 - n0) * HoWo, CKK, T(1), W.data(), CKK, cols_.data() + n0 * HoWo,
         NHoWo, T(0), z_.data() + n0 * HoWo, NHoWo);

    // a[n, f, :] = f(z[f, n*HoWo : n*HoWo + HoWo] + b[f]): from filter-major to NCHW
    for_activation(act_, [&](Activation act) {
      for (std::size_t n = n0; n < n1; ++n) {
        for (std::size_t f = 0; f < F; ++f) {
          const T* zp = z_.data() + f * NHoWo + n * HoWo;
          T* ap = a_.data() + (n * F + f) * HoWo;
          const T bf = b(f);
          for (std::size_t p = 0; p < HoWo; ++p) ap[p] = activate(act, zp[p] + bf);
        }
      }
    });
  });
  return a_;
}
// [conv-forward]

// [conv-backward]
// da: (N, F, Ho, Wo)  ->  dx: (N, C, H, Wd); adds to dW: (F, C, K, K) and db: (F,)
template <class T>
const Tensor<T>& Conv2D<T>::backward(const Tensor<T>& da) {
  this->check_grad(da, a_);
  const std::size_t F = F_, CKK = g_.patch_size(), HoWo = g_.out_pixels(), NHoWo = N_ * HoWo;
  size_parts();  // dW_parts_, db_parts_: one share per chunk of images; and dx
  const bool plain = !direct() && !wide() && !channels_last();
  if (plain) resize_if_needed(dz_, {F, NHoWo});
  if (plain && this->input_gradient_) resize_if_needed(dcols_, {CKK, NHoWo});

  // Each chunk of images [n0, n1) computes its own share t of dW and db.
  if (direct()) backward_direct(da);
  else if (channels_last()) backward_channels_last(da);
  else if (wide()) backward_wide(da);
  else parallel_chunks(N_, [&](std::size_t n0, std::size_t n1, std::size_t t) {
    const std::size_t cols = (n1 - n0) * HoWo;  // this slice's columns start at n0*HoWo
    // a = f(z)  =>  dz = da ⊙ f'(z), gathered from NCHW into (F, N*Ho*Wo) like z
    for_activation(act_, [&](Activation act) {
      for (std::size_t n = n0; n < n1; ++n) {
        for (std::size_t f = 0; f < F; ++f) {
          const T* ap = a_.data() + (n * F + f) * HoWo;
          const T* dap = da.data() + (n * F + f) * HoWo;
          T* dzp = dz_.data() + f * NHoWo + n * HoWo;
          for (std::size_t p = 0; p < HoWo; ++p)
            dzp[p] = dap[p] * derivative_from_output(act, ap[p]);
        }
      }
    });
    // z[f, :] = (W · cols)[f, :] + b[f]  =>  db[f] = sum of row f of dz (all images, all positions)
    for (std::size_t f = 0; f < F; ++f)
      db_parts_(t, f) = sum(dz_.data() + f * NHoWo + n0 * HoWo, cols);
    // z = W · cols  =>  dW = dz · colsᵀ   (F, N*Ho*Wo)·(N*Ho*Wo, C*K*K)
    gemm(false, true, F, CKK, cols, T(1), dz_.data() + n0 * HoWo, NHoWo, cols_.data() + n0 * HoWo,
         NHoWo, T(0), &dW_parts_(t, 0, 0), CKK);
    if (!this->input_gradient_) return;  // rule 6: nobody reads dx
    // z = W · cols  =>  dcols = Wᵀ · dz    (C*K*K, F)·(F, N*Ho*Wo)
    gemm(true, false, CKK, cols, F, T(1), W.data(), CKK, dz_.data() + n0 * HoWo, NHoWo, T(0),
         dcols_.data() + n0 * HoWo, NHoWo);
    // cols = im2col(x)  =>  dx = col2im(dcols): each pixel sums the gradients of its copies
    const std::size_t image = g_.C * g_.H * g_.Wd;
    std::fill(dx_.data() + n0 * image, dx_.data() + n1 * image, T(0));
    for (std::size_t n = n0; n < n1; ++n)
      col2im(dcols_.data() + n * HoWo, g_, NHoWo, dx_.data() + n * image);
  });
  add_parts();
  return dx_;
}

template <class T>
std::size_t Conv2D<T>::chunk_images() const {
  if (!channels_last()) return batch_chunk;
  const std::size_t rows = batch_chunk * g_.out_pixels();  // of batch_chunk images
  return batch_chunk * ((channels_last_rows + rows - 1) / rows);
}

template <class T>
void Conv2D<T>::size_parts() {
  const std::size_t chunk = chunk_images(), chunks = (N_ + chunk - 1) / chunk;
  resize_if_needed(dW_parts_, {chunks, F_, g_.patch_size()});
  resize_if_needed(db_parts_, {chunks, F_});
  if (this->input_gradient_) resize_batch_if_needed(dx_, N_, this->in_shape_);
}

template <class T>
void Conv2D<T>::add_parts() {
  // Gradients accumulate (contract rule 4): add every chunk's share, in chunk order,
  // so the sum is the same for any number of threads.
  const std::size_t FCKK = F_ * g_.patch_size();
  for (std::size_t t = 0; t < dW_parts_.shape(0); ++t) {
    for (std::size_t i = 0; i < FCKK; ++i) dW.data()[i] += dW_parts_.data()[t * FCKK + i];
    for (std::size_t f = 0; f < F_; ++f) db(f) += db_parts_(t, f);
  }
  // L = data loss + R(W)  =>  dW += dR/dW  (chapter 8)
  if (kernel_regularizer.active()) add_penalty_gradient(kernel_regularizer, W, dW);
}
// [conv-backward]

// [conv-direct-layer]
namespace {
// Stride 1 and 'valid' (no padding at all): the fast paths' common condition
bool stride1_valid(const ConvGeometry& g) {
  return g.S == 1 && g.Ho + g.K - 1 == g.H && g.Wo + g.K - 1 == g.Wd;
}
}  // namespace

template <class T>
bool Conv2D<T>::direct() const {
  return allow_direct_ && g_.C == 1 && stride1_valid(g_);
}

// x: (N, 1, H, Wd) -> a: (N, F, Ho, Wo), one conv_direct_forward per image
template <class T>
const Tensor<T>& Conv2D<T>::forward_direct(const Tensor<T>& x) {
  const std::size_t F = F_, HoWo = g_.out_pixels(), image = g_.H * g_.Wd;
  resize_if_needed(x_, x.shape());
  resize_if_needed(a_, {N_, F, g_.Ho, g_.Wo});
  resize_if_needed(wide_, {(N_ + batch_chunk - 1) / batch_chunk, direct_filters * image});
  parallel_chunks(N_, [&](std::size_t n0, std::size_t n1, std::size_t t) {  // t: the chunk
    std::copy(x.data() + n0 * image, x.data() + n1 * image, x_.data() + n0 * image);  // for dW
    for (std::size_t n = n0; n < n1; ++n)
      conv_direct_forward(x.data() + n * image, g_, W.data(), b.data(), F, act_, &wide_(t, 0),
                          a_.data() + n * F * HoWo);
  });
  return a_;
}

// Fills each chunk's dW_parts_ and db_parts_ (and dx, if wanted) from conv_direct_backward:
// per chunk, not per thread, so the sums are the same for any number of threads.
template <class T>
void Conv2D<T>::backward_direct(const Tensor<T>& da) {
  const std::size_t F = F_, HoWo = g_.out_pixels(), image = g_.H * g_.Wd;
  direct_chunks([&](std::size_t n, std::size_t t, T* acc, T* dx) {
    conv_direct_backward(x_.data() + n * image, a_.data() + n * F * HoWo, da.data() + n * F * HoWo,
                         g_, W.data(), F, act_, &wide_(t, 0), acc, dx);
  });
}

template <class T>
template <class PerImage>
void Conv2D<T>::direct_chunks(const PerImage& per_image) {
  const std::size_t F = F_, KK = K_ * K_, image = g_.H * g_.Wd;
  const std::size_t chunks = dW_parts_.shape(0), lanes = direct_lanes;
  resize_if_needed(direct_acc_, {chunks, F, KK + 1, lanes});
  resize_if_needed(wide_, {chunks, direct_filters * image});
  parallel_chunks(N_, [&](std::size_t n0, std::size_t n1, std::size_t t) {  // t: the chunk
    T* acc = &direct_acc_(t, 0, 0, 0);
    std::fill(acc, acc + F * (KK + 1) * lanes, T(0));
    T* dx = this->input_gradient_ ? dx_.data() : nullptr;
    if (dx) std::fill(dx + n0 * image, dx + n1 * image, T(0));
    for (std::size_t n = n0; n < n1; ++n) per_image(n, t, acc, dx ? dx + n * image : nullptr);
    // the lanes' partial sums of this slice, summed: its share of dW and db
    for (std::size_t f = 0; f < F; ++f) {
      const T* acc_f = acc + f * (KK + 1) * lanes;
      for (std::size_t k = 0; k < KK; ++k) dW_parts_(t, f, k) = sum(acc_f + k * lanes, lanes);
      db_parts_(t, f) = sum(acc_f + KK * lanes, lanes);
    }
  });
}
// [conv-direct-layer]

// [conv-pool-fused]
template <class T>
bool Conv2D<T>::fuses_pool(std::size_t pool, std::size_t stride) const {
  return (direct() || wide()) && pool == 2 && stride == 2;
}

// The outputs the pool reads, (2 Hp, 2 Wp): a 'valid' 2x2 pool never reads an odd last row or
// column of a, so the fused pair does not compute it (its dz would be 0).
template <class T>
ConvGeometry Conv2D<T>::pooled_region() const {
  ConvGeometry used = g_;
  used.Ho = 2 * pool_g_.Ho, used.Wo = 2 * pool_g_.Wo;
  return used;
}

// x: (N, 1, H, Wd) -> y: (N, F, Hp, Wp), per image and group of filters: their wide sums z
// (direct_groups), a = f(z), and the 2x2 max pool of each plane while it is in the cache:
//   y[n, f, qh, qw] = max over i, j < 2 of a[f, 2qh + i, 2qw + j]
// with each maximum's index into the image's wide planes (F, span), where backward puts dz.
template <class T>
const Tensor<T>& Conv2D<T>::forward_pooled(const Tensor<T>& x) {
  if (!fuses_pool(2, 2))
    throw std::logic_error(this->name() + ": forward_pooled needs the direct or the wide path");
  this->check_input(x);
  check_shape(this->name(), "W", W, {F_, g_.C, K_, K_});
  check_shape(this->name(), "b", b, {F_});
  N_ = x.shape(0);
  pool_g_ = conv_geometry(F_, g_.Ho, g_.Wo, 2, 2, Padding::valid);
  resize_if_needed(y_, {N_, F_, pool_g_.Ho, pool_g_.Wo});
  argmax_.resize(y_.size());
  if (wide()) return forward_pooled_wide(x);
  const ConvGeometry used = pooled_region();
  const std::size_t F = F_, span = wide_span(used), image = g_.H * g_.Wd;
  const std::size_t pooled = pool_g_.out_pixels();  // Hp*Wp
  resize_if_needed(x_, x.shape());
  resize_if_needed(wide_, {(N_ + batch_chunk - 1) / batch_chunk, direct_filters * image});
  parallel_chunks(N_, [&](std::size_t n0, std::size_t n1, std::size_t t) {  // t: the chunk
    std::copy(x.data() + n0 * image, x.data() + n1 * image, x_.data() + n0 * image);  // for dW
    T* wide = &wide_(t, 0);
    for (std::size_t n = n0; n < n1; ++n)
      direct_groups(x.data() + n * image, used, W.data(), b.data(), F, wide,
                    [&](std::size_t f, std::size_t fb) {
        for_activation(act_, [&](Activation act) {
          for (std::size_t p = 0; p < fb * span; ++p) wide[p] = activate(act, wide[p]);
        });
        for (std::size_t e = 0; e < fb; ++e) {  // y[n, f + e], with indices into (F, span)
          const std::size_t q = (n * F + f + e) * pooled;
          maxpool2x2_plane(wide + e * span, y_.data() + q, argmax_.data() + q, (f + e) * span,
                           g_.Wd, pool_g_.Ho, pool_g_.Wo);
        }
      });
  });
  return y_;
}

// dy: (N, F, Hp, Wp) -> dx: (N, C, H, Wd); adds to dW and db. Max pooling's backward sends
// dy[q] to its window's maximum, where a = f(z)  =>  dz = dy[q] f'(y[q]); every other dz is
// 0, as backward after MaxPool2D::backward would find. So both paths sum over the maxima
// alone: the direct path by patch rows (backward_patches), the wide path channel by channel
// (backward_maxima).
template <class T>
const Tensor<T>& Conv2D<T>::backward_pooled(const Tensor<T>& dy) {
  this->check_grad(dy, y_);
  size_parts();
  if (wide()) backward_maxima(dy);
  else backward_patches(dy);
  add_parts();
  return dx_;
}

// (N, C, P) -> (N, P, C): each of N items (an image's C planes of P pixels, or a filter's C
// kernels of P taps) with the C numbers of one pixel or tap side by side; and back.
template <class T>
void to_channels_last(const T* a, std::size_t N, std::size_t C, std::size_t P, T* b) {
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t k = 0; k < P; ++k) b[(n * P + k) * C + c] = a[(n * C + c) * P + k];
}

template <class T>
void to_channels_first(const T* b, std::size_t N, std::size_t C, std::size_t P, T* a) {
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t k = 0; k < P; ++k) a[(n * C + c) * P + k] = b[(n * P + k) * C + c];
}

// The wide path's fused pair: per block of images, z = W · im2col_wide(x) as forward_wide
// computes it, then a = f(z + b) in place in z's wide rows and the 2x2 max pool of each
// plane, with each maximum's index into the image's wide planes (F, span).
template <class T>
const Tensor<T>& Conv2D<T>::forward_pooled_wide(const Tensor<T>& x) {
  const ConvGeometry used = pooled_region();
  const std::size_t F = F_, C = g_.C, span = wide_span(used), ld = wide_block * span;
  const std::size_t pooled = pool_g_.out_pixels(), plane = g_.H * g_.Wd;
  resize_if_needed(xh_, {N_, plane, C});
  wide_blocks(x, used, false, [&](std::size_t m0, std::size_t m1, T* z) {  // a replaces z in place
    // xh[n, pixel, c] = x[n, c, pixel], for backward
    to_channels_last(x.data() + m0 * C * plane, m1 - m0, C, plane, xh_.data() + m0 * plane * C);
    for (std::size_t n = m0; n < m1; ++n)
      for (std::size_t f = 0; f < F; ++f) {
        T* zp = z + f * ld + (n - m0) * span;
        const T bf = b(f);
        for_activation(act_, [&](Activation act) {
          for (std::size_t p = 0; p < span; ++p) zp[p] = activate(act, zp[p] + bf);
        });
        const std::size_t q = (n * F + f) * pooled;
        maxpool2x2_plane(zp, y_.data() + q, argmax_.data() + q, f * span, g_.Wd, pool_g_.Ho,
                         pool_g_.Wo);
      }
  });
  return y_;
}

// [conv-pool-fused]

// [conv-pool-patches]
// One image's patch rows, the transpose of its wide im2col matrix with a column of ones:
//   rows[p, i*K + j] = x[p + i*Wd + j],   rows[p, K*K] = 1,   rows[p, e] = 0 after,   p < span
// Row p holds everything output p's sum reads, so z[f, p] = rows[p, :] · (W[f, :], b[f], 0...).
// With K known at compile time (KC = K), each of the window's K rows is one copy of K + 1
// numbers, whose last is overwritten by the next copy (and the last copy's by the 1): one
// vector load and store each. Such a copy reads one number past the window, so the last
// positions, whose window ends the image, are copied number by number.
template <std::size_t KC, class T>
void patch_rows(const T* x, std::size_t H, std::size_t Wd, std::size_t K, std::size_t span,
                std::size_t R, T* rows) {
  const std::size_t KK = K * K, whole = KC == K ? std::min(span, H * Wd - (K - 1) * Wd - K) : 0;
  for (std::size_t p = 0; p < span; ++p) {
    T* row = rows + p * R;
    if (p < whole)
      for (std::size_t i = 0; i < KC; ++i)
        std::copy_n(x + p + i * Wd, KC + 1, row + i * KC);  // row[i*K + j] = x[p + i*Wd + j]
    else
      for (std::size_t i = 0; i < K; ++i)
        for (std::size_t j = 0; j < K; ++j) row[i * K + j] = x[p + i * Wd + j];
    row[KK] = T(1);
    for (std::size_t e = KK + 1; e < R; ++e) row[e] = T(0);
  }
}

// The maxima of one pooled plane, whose indices at[q] count from `first` (a filter's plane
// in the wide planes (F, span)):
//   v[q] = dy[q] f'(y[q]),   p[q] = (at[q] - first) * scale + shift,   q < count
// p is where backward reads the maximum's input: its wide position (scale 1, shift 0), or
// its pixel's first channel in a channels-last batch (scale C, shift: the image's start).
template <class T>
void maxima_values(const T* dy, const T* y, const std::uint32_t* at, std::size_t count,
                   std::size_t first, std::size_t scale, std::size_t shift, Activation act, T* v,
                   std::size_t* p) {
  for_activation(act, [&](Activation act) {
    for (std::size_t q = 0; q < count; ++q) {
      v[q] = dy[q] * derivative_from_output(act, y[q]);
      p[q] = (at[q] - first) * scale + shift;
    }
  });
}

// FB filters side by side, L columns of the patch rows, summed over each filter's maxima:
//   acc[e, l] += sum over q < count of v[e*count + q] rows[p[e*count + q], l]
// One vector multiply-add per maximum; FB filters give FB independent chains of them.
// `omp simd` asks for vectors along the row: left alone, GCC vectorises along q instead,
// gathering one number from each of 8 rows, and runs three times slower.
template <std::size_t FB, std::size_t L, class T>
void patch_sums(const T* rows, std::size_t R, const T* v, const std::size_t* p,
                std::size_t count, T* acc) {
  T part[FB][L] = {};
  for (std::size_t q = 0; q < count; ++q)
    for (std::size_t e = 0; e < FB; ++e) {
      const T ve = v[e * count + q];
      const T* row = rows + p[e * count + q] * R;
#pragma omp simd
      for (std::size_t l = 0; l < L; ++l) part[e][l] += ve * row[l];
    }
  for (std::size_t e = 0; e < FB; ++e)
    for (std::size_t l = 0; l < L; ++l) acc[e * R + l] += part[e][l];
}

// The backward of the direct path's fused pair over the maxima alone. With v = dy f'(y) at
// the maximum of each window, at wide position p of filter f's plane (argmax_ = f*span + p):
//   z[f, p] = rows[p, :] · (W[f, :], b[f])
//                =>  (dW[f, :], db[f]) = sum over f's maxima of v rows[p, :]
//                =>  drows[p, :] += v W[f, :]           (every other dz is 0)
//   rows[p, e] = x[p + tap[e]]  =>  dx[p + tap[e]] += drows[p, e]       (col2im)
// The patch rows are R = 16 numbers (a multiple of patch_lanes), so each maximum's share is
// one multiply-add of vectors, where the wide rows of direct_filter_gradients would sweep
// every position of every plane, three quarters of them with dz = 0.
template <class T>
void Conv2D<T>::backward_patches(const Tensor<T>& dy) {
  constexpr std::size_t L = patch_lanes, FB = direct_filters;
  const ConvGeometry used = pooled_region();
  const std::size_t F = F_, K = K_, KK = K * K, Wd = g_.Wd, span = wide_span(used);
  const std::size_t R = (KK + 1 + L - 1) / L * L, image = g_.H * Wd;
  const std::size_t pooled = pool_g_.out_pixels(), threads = thread_count();
  resize_if_needed(rows_, {threads, span * R});
  resize_if_needed(dWt_, {threads, F * R});
  if (this->input_gradient_) resize_if_needed(dxh_, {threads, span * R});
  maxima_v_.resize(threads * F * pooled);
  maxima_at_.resize(threads * F * pooled);
  parallel_chunks(N_, [&](std::size_t n0, std::size_t n1, std::size_t t) {
    const std::size_t id = thread_index();
    T* rows = &rows_(id, 0);
    T* acc = &dWt_(id, 0);  // (F, R): dW[f, :], then db[f], then zeros
    T* v = maxima_v_.data() + id * F * pooled;
    std::size_t* p = maxima_at_.data() + id * F * pooled;
    std::fill(acc, acc + F * R, T(0));
    for (std::size_t n = n0; n < n1; ++n) {
      for (std::size_t f = 0; f < F; ++f) {  // image n's maxima, filter by filter
        const std::size_t q = (n * F + f) * pooled;
        maxima_values(dy.data() + q, y_.data() + q, argmax_.data() + q, pooled, f * span, 1, 0,
                      act_, v + f * pooled, p + f * pooled);
      }
      const T* xn = x_.data() + n * image;
      if (K == 3) patch_rows<3>(xn, g_.H, Wd, K, span, R, rows);  // the usual kernel size
      else patch_rows<0>(xn, g_.H, Wd, K, span, R, rows);
      for (std::size_t f = 0, fb = 0; f < F; f += fb) {
        fb = F - f < FB ? 1 : FB;  // filters in this group
        for (std::size_t l0 = 0; l0 < R; l0 += L) {
          const std::size_t k = f * pooled;
          if (fb == FB) patch_sums<FB, L>(rows + l0, R, v + k, p + k, pooled, acc + f * R + l0);
          else patch_sums<1, L>(rows + l0, R, v + k, p + k, pooled, acc + f * R + l0);
        }
      }
      if (!this->input_gradient_) continue;
      T* drows = &dxh_(id, 0);
      std::fill(drows, drows + span * R, T(0));
      for (std::size_t f = 0; f < F; ++f) {
        const T* Wf = W.data() + f * KK;
        for (std::size_t q = 0; q < pooled; ++q) {
          const T vq = v[f * pooled + q];
          T* row = drows + p[f * pooled + q] * R;
          for (std::size_t e = 0; e < KK; ++e) row[e] += vq * Wf[e];  // vectorised
        }
      }
      T* dx = dx_.data() + n * image;
      std::fill(dx, dx + image, T(0));
      for (std::size_t pos = 0; pos < span; ++pos)
        for (std::size_t i = 0; i < K; ++i)
          for (std::size_t j = 0; j < K; ++j) dx[pos + i * Wd + j] += drows[pos * R + i * K + j];
    }
    for (std::size_t f = 0; f < F; ++f) {  // the chunk's share
      for (std::size_t e = 0; e < KK; ++e) dW_parts_(t, f, e) = acc[f * R + e];
      db_parts_(t, f) = acc[f * R + KK];
    }
  });
}
// [conv-pool-patches]

// [conv-pool-maxima]
// G kernel taps of one filter, L channels from c0, summed over the filter's maxima k:
//   acc[t][l] += v[k] xh[at[k] + off[t] + l]
// xh is channels-last, so the L channels under one tap are contiguous; G*L sums in
// registers, as in direct_sums.
template <std::size_t G, std::size_t L, class T>
void maxima_sums(const T* xh, const T* v, const std::size_t* at, std::size_t count,
                 const std::size_t* off, T* acc, std::size_t acc_stride) {
  T part[G][L] = {};
  for (std::size_t k = 0; k < count; ++k) {
    const T vk = v[k];
    const T* xk = xh + at[k];
    for (std::size_t t = 0; t < G; ++t)
      for (std::size_t l = 0; l < L; ++l) part[t][l] += vk * xk[off[t] + l];  // vectorised
  }
  for (std::size_t t = 0; t < G; ++t)
    for (std::size_t l = 0; l < L; ++l) acc[t * acc_stride + l] += part[t][l];
}

// G taps at one position, L channels from c0, summed over the filters whose maximum is there:
//   dxh[dx_off[t] + l] += sum over k of v[k] Wt[w[k] + t*C + l]
template <std::size_t G, std::size_t L, class T>
void position_sums(const T* Wt, const T* v, const std::size_t* w, std::size_t count,
                   std::size_t C, const std::size_t* dx_off, T* dxh) {
  T part[G][L] = {};
  for (std::size_t k = 0; k < count; ++k) {
    const T vk = v[k];
    const T* wk = Wt + w[k];
    for (std::size_t t = 0; t < G; ++t)
      for (std::size_t l = 0; l < L; ++l) part[t][l] += vk * wk[t * C + l];  // vectorised
  }
  for (std::size_t t = 0; t < G; ++t)
    for (std::size_t l = 0; l < L; ++l) dxh[dx_off[t] + l] += part[t][l];
}

// Calls sums(G, L, c0, t0), G and L as compile-time constants, for the sums of taps
// t0 .. t0 + G - 1 and channels c0 .. c0 + L - 1, until every tap and channel is covered:
// blocks of 32 channels three taps at a time (12 vectors of sums), then any taps left one
// at a time, then the channels left one at a time.
template <class Sums>
void tap_channel_blocks(std::size_t KK, std::size_t C, const Sums& sums) {
  using one = std::integral_constant<std::size_t, 1>;
  using three = std::integral_constant<std::size_t, 3>;
  using block = std::integral_constant<std::size_t, 32>;
  std::size_t c0 = 0;
  for (; c0 + block::value <= C; c0 += block::value) {
    std::size_t t = 0;
    for (; t + 3 <= KK; t += 3) sums(three{}, block{}, c0, t);
    for (; t < KK; ++t) sums(one{}, block{}, c0, t);
  }
  for (; c0 < C; ++c0)
    for (std::size_t t = 0; t < KK; ++t) sums(one{}, one{}, c0, t);
}

// The backward of forward_pooled_wide over the maxima alone. With v = dy f'(y) at the
// maximum of each window, at wide position p of filter f's plane (argmax_ = f*span + p):
//   db[f]          = sum over f's maxima of v
//   dW[f, c, i, j] = sum over f's maxima of v x[c, p + i*Wd + j]
//   dx[c, p + i*Wd + j] += v W[f, c, i, j]       (every other dz is 0)
// Per chunk of images: dW by filter, its sums in registers across the chunk's maxima
// (maxima_sums); dx image by image, the maxima sorted by position so that the sums at one
// position stay in registers across the filters whose maximum is there (position_sums).
template <class T>
void Conv2D<T>::backward_maxima(const Tensor<T>& dy) {
  const ConvGeometry used = pooled_region();
  const std::size_t F = F_, C = g_.C, K = K_, KK = K * K, Wd = g_.Wd;
  const std::size_t span = wide_span(used), plane = g_.H * Wd, pooled = pool_g_.out_pixels();
  const std::size_t per_chunk = batch_chunk * pooled;  // room for one filter's maxima in a chunk
  const std::size_t threads = thread_count(), lists = F * per_chunk;
  resize_if_needed(Wt_, {F, KK, C});
  to_channels_last(W.data(), F, C, KK, Wt_.data());
  resize_if_needed(dWt_, {threads, F * KK * C});
  resize_if_needed(dxh_, {threads, plane * C});
  maxima_v_.resize(threads * lists);
  maxima_at_.resize(threads * lists);
  sorted_v_.resize(threads * F * pooled);
  sorted_w_.resize(threads * F * pooled);
  starts_.resize(threads * (span + 1));
  taps_.resize(KK);  // tap e = (i, j): its offset i*Wd + j in a plane
  for (std::size_t e = 0; e < KK; ++e) taps_[e] = e / K * Wd + e % K;
  const std::size_t* tap = taps_.data();
  parallel_chunks(N_, [&](std::size_t n0, std::size_t n1, std::size_t t) {
    const std::size_t id = thread_index(), count = (n1 - n0) * pooled;
    T* v = maxima_v_.data() + id * lists;             // v of f's maxima from f * per_chunk
    std::size_t* at = maxima_at_.data() + id * lists;  // xh index of each maximum's pixel
    T* acc = &dWt_(id, 0);
    std::fill(acc, acc + F * KK * C, T(0));
    for (std::size_t f = 0; f < F; ++f) {  // v and place of every maximum; db
      for (std::size_t n = n0; n < n1; ++n) {
        const std::size_t q = (n * F + f) * pooled, k = f * per_chunk + (n - n0) * pooled;
        maxima_values(dy.data() + q, y_.data() + q, argmax_.data() + q, pooled, f * span, C,
                      n * plane * C, act_, v + k, at + k);
      }
      db_parts_(t, f) = sum(v + f * per_chunk, count);
    }
    // dW as (F, K*K, C), then the chunk's share as (F, C, K, K)
    for (std::size_t f = 0; f < F; ++f)
      tap_channel_blocks(KK, C, [&](auto G, auto L, std::size_t c0, std::size_t t0) {
        std::size_t off[3];
        for (std::size_t e = 0; e < G; ++e) off[e] = tap[t0 + e] * C + c0;
        maxima_sums<decltype(G)::value, decltype(L)::value>(xh_.data(), v + f * per_chunk,
                                                            at + f * per_chunk, count, off,
                                                            acc + (f * KK + t0) * C + c0, C);
      });
    to_channels_first(acc, F, C, KK, &dW_parts_(t, 0, 0));
    if (!this->input_gradient_) return;
    // dx, image by image: a counting sort puts the maxima in order of position, then the
    // sums at each position run over the filters whose maximum is there
    T* dxh = &dxh_(id, 0);
    std::size_t* start = starts_.data() + id * (span + 1);
    T* sv = sorted_v_.data() + id * F * pooled;
    std::size_t* sw = sorted_w_.data() + id * F * pooled;  // each maximum's filter in Wt_
    for (std::size_t n = n0; n < n1; ++n) {
      const std::uint32_t* am = argmax_.data() + n * F * pooled;
      std::fill(start, start + span + 1, std::size_t(0));
      for (std::size_t f = 0; f < F; ++f)
        for (std::size_t q = 0; q < pooled; ++q) ++start[am[f * pooled + q] - f * span + 1];
      // bucket p: [start[p], start[p+1])
      for (std::size_t p = 0; p < span; ++p) start[p + 1] += start[p];
      for (std::size_t f = 0; f < F; ++f)
        for (std::size_t q = 0; q < pooled; ++q) {
          const std::size_t p = am[f * pooled + q] - f * span, slot = start[p]++;
          sv[slot] = v[f * per_chunk + (n - n0) * pooled + q];
          sw[slot] = f * KK * C;
        }
      // start[p] is now the end of bucket p, and the beginning of bucket p + 1
      std::fill(dxh, dxh + plane * C, T(0));
      for (std::size_t p = 0, begin = 0; p < span; begin = start[p++]) {
        if (start[p] == begin) continue;
        tap_channel_blocks(KK, C, [&](auto G, auto L, std::size_t c0, std::size_t t0) {
          std::size_t dx_off[3];
          for (std::size_t e = 0; e < G; ++e) dx_off[e] = (p + tap[t0 + e]) * C + c0;
          position_sums<decltype(G)::value, decltype(L)::value>(
              Wt_.data() + t0 * C + c0, sv + begin, sw + begin, start[p] - begin, C, dx_off, dxh);
        });
      }
      to_channels_first(dxh, 1, C, plane, dx_.data() + n * C * plane);  // dx[n, c, pixel]
    }
  });
}
// [conv-pool-maxima]

// [conv-wide-layer]
// [conv-wide-forward]
template <class T>
bool Conv2D<T>::wide() const {
  return allow_wide_ && !direct() && !channels_last() && stride1_valid(g_);
}

// x: (N, C, H, Wd) -> a: (N, F, Ho, Wo), as forward, with span columns per image and
// wide_block images at a time, in buffers of the thread's own that stay in its cache:
//   cols = im2col_wide(x): (C*K*K, B*span);  z = W · cols: (F, B*span);  a = f(z + b)
// keeping z[f, n*span + oh*Wd + ow] for ow < Wo only. backward rebuilds cols from x.
template <class T>
const Tensor<T>& Conv2D<T>::forward_wide(const Tensor<T>& x) {
  const std::size_t F = F_, Ho = g_.Ho, Wo = g_.Wo, Wd = g_.Wd, span = wide_span(g_);
  const std::size_t ld = wide_block * span;
  resize_if_needed(a_, {N_, F, Ho, Wo});
  wide_blocks(x, g_, true, [&](std::size_t m0, std::size_t m1, const T* z) {
    for_activation(act_, [&](Activation act) {
      for (std::size_t n = m0; n < m1; ++n)
        for (std::size_t f = 0; f < F; ++f) {
          const T* zp = z + f * ld + (n - m0) * span;
          T* ap = a_.data() + (n * F + f) * Ho * Wo;
          const T bf = b(f);
          for (std::size_t oh = 0; oh < Ho; ++oh)  // the valid columns of each wide row
            for (std::size_t ow = 0; ow < Wo; ++ow)
              ap[oh * Wo + ow] = activate(act, zp[oh * Wd + ow] + bf);
        }
    });
  });
  return a_;
}

// The wide forward's blocks: for each block of images [m0, m1), cols = im2col_wide(x) and
// z = W · cols (F, wide_block*span) in the thread's buffers, then finish(m0, m1, z).
template <class T>
template <class Finish>
void Conv2D<T>::wide_blocks(const Tensor<T>& x, const ConvGeometry& g, bool cache_x,
                            const Finish& finish) {
  const std::size_t F = F_, CKK = g.patch_size(), span = wide_span(g);
  const std::size_t ld = wide_block * span, image = g_.C * g_.H * g_.Wd;
  if (cache_x) resize_if_needed(x_, x.shape());
  resize_if_needed(cols_, {thread_count(), CKK, ld});
  resize_if_needed(z_, {thread_count(), F, ld});
  parallel_chunks(N_, [&](std::size_t n0, std::size_t n1, std::size_t) {
    if (cache_x)  // for backward_wide's dW
      std::copy(x.data() + n0 * image, x.data() + n1 * image, x_.data() + n0 * image);
    T* cols = &cols_(thread_index(), 0, 0);
    T* z = &z_(thread_index(), 0, 0);
    for (std::size_t m0 = n0; m0 < n1; m0 += wide_block) {  // images [m0, m1)
      const std::size_t m1 = std::min(n1, m0 + wide_block);
      for (std::size_t n = m0; n < m1; ++n)
        im2col_wide(x.data() + n * image, g, cols + (n - m0) * span, ld);
      gemm(false, false, F, (m1 - m0) * span, CKK, T(1), W.data(), CKK, cols, ld, T(0), z, ld);
      finish(m0, m1, z);
    }
  });
}
// [conv-wide-forward]

// [conv-wide-backward]
// Fills each chunk's dW_parts_ and db_parts_ (and dx, if wanted), as backward does, with
// dz widened by zeros in the wrapped columns: they then add nothing to dW, db or dx.
// The blocks of a chunk add up in a fixed order, the same for any number of threads.
template <class T>
void Conv2D<T>::backward_wide(const Tensor<T>& da) {
  const std::size_t F = F_, CKK = g_.patch_size(), Ho = g_.Ho, Wo = g_.Wo, Wd = g_.Wd;
  const std::size_t span = wide_span(g_), ld = wide_block * span, image = g_.C * g_.H * Wd;
  resize_if_needed(dz_, {thread_count(), F, ld});
  if (this->input_gradient_) resize_if_needed(dcols_, {thread_count(), CKK, ld});
  parallel_chunks(N_, [&](std::size_t n0, std::size_t n1, std::size_t t) {
    T* cols = &cols_(thread_index(), 0, 0);
    T* dz = &dz_(thread_index(), 0, 0);
    for (std::size_t f = 0; f < F; ++f) db_parts_(t, f) = T(0);
    for (std::size_t m0 = n0; m0 < n1; m0 += wide_block) {  // images [m0, m1)
      const std::size_t m1 = std::min(n1, m0 + wide_block), width = (m1 - m0) * span;
      for (std::size_t n = m0; n < m1; ++n)
        im2col_wide(x_.data() + n * image, g_, cols + (n - m0) * span, ld);
      // a = f(z)  =>  dz = da ⊙ f'(z), 0 where ow >= Wo
      for_activation(act_, [&](Activation act) {
        for (std::size_t n = m0; n < m1; ++n)
          for (std::size_t f = 0; f < F; ++f) {
            const T* ap = a_.data() + (n * F + f) * Ho * Wo;
            const T* dap = da.data() + (n * F + f) * Ho * Wo;
            T* dzp = dz + f * ld + (n - m0) * span;
            for (std::size_t oh = 0; oh < Ho; ++oh) {
              for (std::size_t ow = 0; ow < Wo; ++ow)
                dzp[oh * Wd + ow] = dap[oh * Wo + ow] * derivative_from_output(act, ap[oh * Wo + ow]);
              if (oh + 1 < Ho)
                for (std::size_t ow = Wo; ow < Wd; ++ow) dzp[oh * Wd + ow] = T(0);
            }
          }
      });
      // db[f] = sum of row f of dz;  dW = dz · colsᵀ, the chunk's first block overwriting
      for (std::size_t f = 0; f < F; ++f) db_parts_(t, f) += sum(dz + f * ld, width);
      gemm(false, true, F, CKK, width, T(1), dz, ld, cols, ld, T(m0 == n0 ? 0 : 1),
           &dW_parts_(t, 0, 0), CKK);
      if (!this->input_gradient_) continue;
      // dcols = Wᵀ · dz;  dx = col2im_wide(dcols)
      T* dcols = &dcols_(thread_index(), 0, 0);
      gemm(true, false, CKK, width, F, T(1), W.data(), CKK, dz, ld, T(0), dcols, ld);
      std::fill(dx_.data() + m0 * image, dx_.data() + m1 * image, T(0));
      for (std::size_t n = m0; n < m1; ++n)
        col2im_wide(dcols + (n - m0) * span, g_, ld, dx_.data() + n * image);
    }
  });
}
// [conv-wide-backward]
// [conv-wide-layer]

// [conv-channels-last]
// xh: (H, Wd, C) -> cols: (Ho*Wo, K*K*C); row oh*Wo + ow holds, for each kernel row i,
// the K*C numbers xh[oh + i, ow .. ow + K - 1, :], one run in channels-last memory.
template <class T>
void im2col_channels_last(const T* xh, const ConvGeometry& g, T* cols) {
  const std::size_t C = g.C, K = g.K, Wd = g.Wd, run = K * C;
  for (std::size_t oh = 0; oh < g.Ho; ++oh)
    for (std::size_t ow = 0; ow < g.Wo; ++ow) {
      T* row = cols + (oh * g.Wo + ow) * K * run;
      for (std::size_t i = 0; i < K; ++i)
        std::copy_n(xh + ((oh + i) * Wd + ow) * C, run, row + i * run);
    }
}

// cols = im2col_channels_last(xh)  =>  dxh[oh + i, ow + j, c] += dcols[oh*Wo + ow, (i*K + j)*C + c]
template <class T>
void col2im_channels_last(const T* dcols, const ConvGeometry& g, T* dxh) {
  const std::size_t C = g.C, K = g.K, Wd = g.Wd, run = K * C;
  for (std::size_t oh = 0; oh < g.Ho; ++oh)
    for (std::size_t ow = 0; ow < g.Wo; ++ow) {
      const T* row = dcols + (oh * g.Wo + ow) * K * run;
      for (std::size_t i = 0; i < K; ++i) {
        T* dst = dxh + ((oh + i) * Wd + ow) * C;
        for (std::size_t l = 0; l < run; ++l) dst[l] += row[i * run + l];  // vectorised
      }
    }
}

// Stride 1, 'valid', and wide rows that would wrap a quarter or more of their columns:
// (Ho - 1)(Wd - Wo) wrapped among the span = (Ho - 1) Wd + Wo columns of an image.
template <class T>
bool Conv2D<T>::channels_last() const {
  return allow_channels_last_ && !direct() && stride1_valid(g_) &&
         4 * (g_.Ho - 1) * (g_.Wd - g_.Wo) >= wide_span(g_);
}

// x: (N, C, H, Wd) -> a: (N, F, Ho, Wo), the whole batch's patches as rows:
//   cols = im2col_channels_last(x as (N, H, Wd, C)): (N*Ho*Wo, K*K*C)
//   z = cols · Wtᵀ: (N*Ho*Wo, F),   Wt = W as (F, K*K, C);   a[n, f, p] = f(z[n*Ho*Wo + p, f] + b[f])
// in chunks of chunk_images() images, one product each.
template <class T>
const Tensor<T>& Conv2D<T>::forward_channels_last(const Tensor<T>& x) {
  const std::size_t F = F_, C = g_.C, KK = K_ * K_, CKK = g_.patch_size();
  const std::size_t HoWo = g_.out_pixels(), plane = g_.H * g_.Wd;
  resize_if_needed(cols_, {N_ * HoWo, CKK});
  resize_if_needed(z_, {N_ * HoWo, F});
  resize_if_needed(a_, {N_, F, g_.Ho, g_.Wo});
  resize_if_needed(xh_, {thread_count(), plane * C});
  resize_if_needed(Wt_, {F, KK, C});  // one tap's C weights contiguous, like a patch's
  to_channels_last(W.data(), F, C, KK, Wt_.data());
  parallel_chunks(N_, [&](std::size_t n0, std::size_t n1, std::size_t) {
    T* xh = &xh_(thread_index(), 0);
    for (std::size_t n = n0; n < n1; ++n) {
      to_channels_last(x.data() + n * C * plane, 1, C, plane, xh);  // xh[pixel, c]
      im2col_channels_last(xh, g_, &cols_(n * HoWo, 0));
    }
    gemm(false, true, (n1 - n0) * HoWo, F, CKK, T(1), &cols_(n0 * HoWo, 0), CKK, Wt_.data(), CKK,
         T(0), &z_(n0 * HoWo, 0), F);
    for_activation(act_, [&](Activation act) {
      for (std::size_t n = n0; n < n1; ++n)
        for (std::size_t f = 0; f < F; ++f) {
          const T* zp = z_.data() + n * HoWo * F + f;  // z[n*HoWo + p, f] = zp[p*F]
          T* ap = a_.data() + (n * F + f) * HoWo;
          const T bf = b(f);
          for (std::size_t p = 0; p < HoWo; ++p) ap[p] = activate(act, zp[p * F] + bf);
        }
    });
  }, chunk_images());
  return a_;
}

// da: (N, F, Ho, Wo) -> dx; each chunk's share of dW and db, as backward computes them:
//   a = f(z)           =>  dz = da ⊙ f'(z), as rows (N*Ho*Wo, F) like z
//   z = cols · Wtᵀ + b  =>  db[f] = sum of column f of dz;   dWt = dzᵀ · cols;   dcols = dz · Wt
//   cols = im2col_channels_last(xh)  =>  dxh = col2im_channels_last(dcols), then dx from dxh
template <class T>
void Conv2D<T>::backward_channels_last(const Tensor<T>& da) {
  const std::size_t F = F_, C = g_.C, KK = K_ * K_, CKK = g_.patch_size();
  const std::size_t HoWo = g_.out_pixels(), plane = g_.H * g_.Wd, chunk = chunk_images();
  resize_if_needed(dz_, {N_ * HoWo, F});
  resize_if_needed(dWt_, {thread_count(), F * CKK});
  if (this->input_gradient_) {
    resize_if_needed(dcols_, {thread_count(), chunk * HoWo * CKK});
    resize_if_needed(dxh_, {thread_count(), plane * C});
  }
  parallel_chunks(N_, [&](std::size_t n0, std::size_t n1, std::size_t t) {
    const std::size_t rows = (n1 - n0) * HoWo, r0 = n0 * HoWo;  // this chunk's rows
    T* dz = &dz_(r0, 0);
    for_activation(act_, [&](Activation act) {
      for (std::size_t n = n0; n < n1; ++n)
        for (std::size_t f = 0; f < F; ++f) {
          const T* ap = a_.data() + (n * F + f) * HoWo;
          const T* dap = da.data() + (n * F + f) * HoWo;
          T* dzp = dz + (n - n0) * HoWo * F + f;  // dz[n*HoWo + p, f] = dzp[p*F]
          for (std::size_t p = 0; p < HoWo; ++p)
            dzp[p * F] = dap[p] * derivative_from_output(act, ap[p]);
        }
    });
    T* db = &db_parts_(t, 0);
    std::fill(db, db + F, T(0));
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t f = 0; f < F; ++f) db[f] += dz[r * F + f];  // vectorised across f
    T* dWt = &dWt_(thread_index(), 0);  // (F, K*K, C), then the share as (F, C, K, K)
    gemm(true, false, F, CKK, rows, T(1), dz, F, &cols_(r0, 0), CKK, T(0), dWt, CKK);
    to_channels_first(dWt, F, C, KK, &dW_parts_(t, 0, 0));
    if (!this->input_gradient_) return;
    T* dcols = &dcols_(thread_index(), 0);
    gemm(false, false, rows, CKK, F, T(1), dz, F, Wt_.data(), CKK, T(0), dcols, CKK);
    T* dxh = &dxh_(thread_index(), 0);
    for (std::size_t n = n0; n < n1; ++n) {
      std::fill(dxh, dxh + plane * C, T(0));
      col2im_channels_last(dcols + (n - n0) * HoWo * CKK, g_, dxh);
      to_channels_first(dxh, 1, C, plane, dx_.data() + n * C * plane);  // dx[n, c, pixel]
    }
  }, chunk);
}
// [conv-channels-last]

template void im2col_channels_last(const float*, const ConvGeometry&, float*);
template void im2col_channels_last(const double*, const ConvGeometry&, double*);
template void col2im_channels_last(const float*, const ConvGeometry&, float*);
template void col2im_channels_last(const double*, const ConvGeometry&, double*);
template void im2col_wide(const float*, const ConvGeometry&, float*, std::size_t);
template void im2col_wide(const double*, const ConvGeometry&, double*, std::size_t);
template void col2im_wide(const float*, const ConvGeometry&, std::size_t, float*);
template void col2im_wide(const double*, const ConvGeometry&, std::size_t, double*);
template void im2col(const float*, const ConvGeometry&, float*, std::size_t);
template void im2col(const double*, const ConvGeometry&, double*, std::size_t);
template void col2im(const float*, const ConvGeometry&, std::size_t, float*);
template void col2im(const double*, const ConvGeometry&, std::size_t, double*);
template void conv_direct_forward(const float*, const ConvGeometry&, const float*, const float*,
                                  std::size_t, Activation, float*, float*);
template void conv_direct_forward(const double*, const ConvGeometry&, const double*,
                                  const double*, std::size_t, Activation, double*, double*);
template void conv_direct_backward(const float*, const float*, const float*, const ConvGeometry&,
                                   const float*, std::size_t, Activation, float*, float*, float*);
template void conv_direct_backward(const double*, const double*, const double*,
                                   const ConvGeometry&, const double*, std::size_t, Activation,
                                   double*, double*, double*);
template class Conv2D<float>;
template class Conv2D<double>;

}  // namespace nn
