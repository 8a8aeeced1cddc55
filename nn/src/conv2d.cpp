#include "nn/conv2d.hpp"

#include <algorithm>
#include <stdexcept>

#include "nn/gemm.hpp"
#include "nn/init.hpp"
#include "nn/parallel.hpp"

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
  check_shape(this->name() + ".W", W, {F_, g_.C, K_, K_});  // W may have been assigned since build
  check_shape(this->name() + ".b", b, {F_});
  N_ = x.shape(0);
  const std::size_t F = F_, CKK = g_.patch_size(), P = g_.out_pixels(), NP = N_ * P;
  resize_if_needed(cols_, {CKK, NP});
  resize_if_needed(z_, {F, NP});
  resize_if_needed(a_, {N_, F, g_.Ho, g_.Wo});

  // Image n fills columns n*P .. n*P + P - 1 of cols: one matrix for the whole batch.
  // Each chunk of images [n0, n1), i.e. the columns n0*P .. n1*P - 1, is one task;
  // fixed chunks compute every number the same way for any thread count.
  const std::size_t image = g_.C * g_.H * g_.Wd;
  parallel_chunks(N_, [&](std::size_t n0, std::size_t n1, std::size_t) {
    for (std::size_t n = n0; n < n1; ++n) im2col(x.data() + n * image, g_, cols_.data() + n * P, NP);

    // z = W · cols, with W viewed as (F, C*K*K): this slice's columns
    gemm(false, false, F, (n1 - n0) * P, CKK, T(1), W.data(), CKK, cols_.data() + n0 * P, NP, T(0),
         z_.data() + n0 * P, NP);

    // a[n, f, :] = f(z[f, n*P : n*P + P] + b[f]): from filter-major to NCHW
    for_activation(act_, [&](Activation act) {
      for (std::size_t n = n0; n < n1; ++n) {
        for (std::size_t f = 0; f < F; ++f) {
          const T* zp = z_.data() + f * NP + n * P;
          T* ap = a_.data() + (n * F + f) * P;
          const T bf = b(f);
          for (std::size_t p = 0; p < P; ++p) ap[p] = activate(act, zp[p] + bf);
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
  const std::size_t F = F_, CKK = g_.patch_size(), P = g_.out_pixels(), NP = N_ * P;
  resize_if_needed(dz_, {F, NP});

  const std::size_t chunks = (N_ + batch_chunk - 1) / batch_chunk;
  resize_if_needed(dW_parts_, {chunks, F, CKK});
  resize_if_needed(db_parts_, {chunks, F});
  if (this->input_gradient_) {
    resize_if_needed(dcols_, {CKK, NP});
    resize_if_needed(dx_, batch_of(N_, this->in_shape_));
  }
  // Each chunk of images [n0, n1) computes its own share t of dW and db.
  parallel_chunks(N_, [&](std::size_t n0, std::size_t n1, std::size_t t) {
    const std::size_t cols = (n1 - n0) * P;  // this slice's columns start at n0*P
    // a = f(z)  =>  dz = da ⊙ f'(z), gathered from NCHW into (F, N*Ho*Wo) like z
    for_activation(act_, [&](Activation act) {
      for (std::size_t n = n0; n < n1; ++n) {
        for (std::size_t f = 0; f < F; ++f) {
          const T* ap = a_.data() + (n * F + f) * P;
          const T* dap = da.data() + (n * F + f) * P;
          T* dzp = dz_.data() + f * NP + n * P;
          for (std::size_t p = 0; p < P; ++p) dzp[p] = dap[p] * derivative_from_output(act, ap[p]);
        }
      }
    });
    // z[f, :] = (W · cols)[f, :] + b[f]  =>  db[f] = sum of row f of dz (all images, all positions)
    for (std::size_t f = 0; f < F; ++f) db_parts_(t, f) = sum(dz_.data() + f * NP + n0 * P, cols);
    // z = W · cols  =>  dW = dz · colsᵀ   (F, N*Ho*Wo)·(N*Ho*Wo, C*K*K)
    gemm(false, true, F, CKK, cols, T(1), dz_.data() + n0 * P, NP, cols_.data() + n0 * P, NP, T(0),
         &dW_parts_(t, 0, 0), CKK);
    if (!this->input_gradient_) return;  // rule 6: nobody reads dx
    // z = W · cols  =>  dcols = Wᵀ · dz    (C*K*K, F)·(F, N*Ho*Wo)
    gemm(true, false, CKK, cols, F, T(1), W.data(), CKK, dz_.data() + n0 * P, NP, T(0),
         dcols_.data() + n0 * P, NP);
    // cols = im2col(x)  =>  dx = col2im(dcols): each pixel sums the gradients of its copies
    const std::size_t image = g_.C * g_.H * g_.Wd;
    std::fill(dx_.data() + n0 * image, dx_.data() + n1 * image, T(0));
    for (std::size_t n = n0; n < n1; ++n)
      col2im(dcols_.data() + n * P, g_, NP, dx_.data() + n * image);
  });
  // Gradients accumulate (contract rule 4): add every chunk's share, in chunk order,
  // so the sum is the same for any number of threads.
  for (std::size_t t = 0; t < chunks; ++t) {
    for (std::size_t i = 0; i < F * CKK; ++i) dW.data()[i] += dW_parts_.data()[t * F * CKK + i];
    for (std::size_t f = 0; f < F; ++f) db(f) += db_parts_(t, f);
  }
  // L = data loss + R(W)  =>  dW += dR/dW  (chapter 8)
  if (kernel_regularizer.active()) add_penalty_gradient(kernel_regularizer, W, dW);
  return dx_;
}
// [conv-backward]

template void im2col(const float*, const ConvGeometry&, float*, std::size_t);
template void im2col(const double*, const ConvGeometry&, double*, std::size_t);
template void col2im(const float*, const ConvGeometry&, std::size_t, float*);
template void col2im(const double*, const ConvGeometry&, std::size_t, double*);
template class Conv2D<float>;
template class Conv2D<double>;

}  // namespace nn
