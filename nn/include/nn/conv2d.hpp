#pragma once
/**
 * @file conv2d.hpp
 * @brief A 2-D convolution layer, computed as im2col followed by one matrix multiply.
 *
 * Images are NCHW: a batch of `N` images, each `C` channels of `H` rows and `Wd` columns.
 */
#include <cstddef>
#include <cstdint>
#include <vector>

#include "nn/activations.hpp"
#include "nn/regularizer.hpp"

namespace nn {

/**
 * @brief How a convolution treats the border, as Keras names it.
 *
 * - `valid`: no padding; the kernel only visits positions where it fits entirely,
 *   \f$ H_o = \lfloor (H - K)/S \rfloor + 1 \f$.
 * - `same`: zero padding so that \f$ H_o = \lceil H / S \rceil \f$ (with stride 1 the
 *   output keeps the input's size). The total padding
 *   \f$ P_{tot} = \max((H_o - 1) S + K - H, 0) \f$ is split with the extra row on the
 *   bottom (and the extra column on the right), as TensorFlow does.
 * @ingroup ch05
 */
enum class Padding { valid, same };

/// @brief `"valid"` or `"same"`.
/// @ingroup ch05
const char* to_string(Padding p);

/**
 * @brief Every size of one convolution (or pooling) of a single image.
 *
 * The output size along each axis is
 * \f$ H_o = (H + 2P - K)/S + 1 \f$ (rounded down), where \f$ 2P \f$ stands for the
 * padding before plus the padding after; with `same` padding and an odd
 * \f$ P_{tot} \f$ the extra row goes after (`pad_top` is the smaller part).
 * @ingroup ch05
 */
struct ConvGeometry {
  std::size_t C = 0;         ///< input channels
  std::size_t H = 0;         ///< input height
  std::size_t Wd = 0;        ///< input width
  std::size_t K = 0;         ///< kernel height and width
  std::size_t S = 1;         ///< stride
  std::size_t pad_top = 0;   ///< zero rows added above the image
  std::size_t pad_left = 0;  ///< zero columns added left of the image
  std::size_t Ho = 0;        ///< output height
  std::size_t Wo = 0;        ///< output width

  /// @brief Rows of the im2col matrix: one per kernel weight, \f$ C K^2 \f$.
  std::size_t patch_size() const { return C * K * K; }
  /// @brief Output positions per image, \f$ H_o W_o \f$: the im2col columns of one image.
  std::size_t out_pixels() const { return Ho * Wo; }
};

/**
 * @brief The output size of a convolution along one axis.
 *
 * `valid`: \f$ \lfloor (n - K)/S \rfloor + 1 \f$ (0 if the kernel does not fit);
 * `same`: \f$ \lceil n/S \rceil \f$.
 * @param n input size (height or width)   @param K kernel size   @param S stride
 * @param padding `valid` or `same`
 * @ingroup ch05
 */
std::size_t conv_output_size(std::size_t n, std::size_t K, std::size_t S, Padding padding);

/**
 * @brief All sizes of a convolution of a `(C, H, Wd)` image by a `K x K` kernel.
 * @param C channels   @param H height   @param Wd width   @param K kernel size
 * @param S stride   @param padding `valid` or `same` (see `nn::Padding`)
 * @ingroup ch05
 */
ConvGeometry conv_geometry(std::size_t C, std::size_t H, std::size_t Wd, std::size_t K,
                           std::size_t S, Padding padding);

/**
 * @brief Lays out every receptive field of one image as a column of a matrix.
 *
 * Row \f$ (c, i, j) \f$ (index \f$ (c K + i) K + j \f$) and column
 * \f$ (o_h, o_w) \f$ (index \f$ o_h W_o + o_w \f$) hold the input pixel under
 * kernel weight \f$ (c, i, j) \f$ when the kernel sits at output position
 * \f$ (o_h, o_w) \f$:
 * \f[ cols[(c,i,j),\, (o_h,o_w)] = x[c,\; o_h S - P_{top} + i,\; o_w S - P_{left} + j] \f]
 * and 0 where that position falls in the padding. A convolution is then the
 * matrix product \f$ W_{(F,\, C K^2)} \cdot cols \f$.
 * @param x    one image `(C, H, Wd)`, contiguous
 * @param g    the sizes (`nn::conv_geometry`)
 * @param cols the first column of this image in a row-major matrix with `C*K*K` rows
 * @param ld   the row length of that matrix (`g.out_pixels()` for a single image;
 *             `N * g.out_pixels()` when the images of a batch sit side by side)
 * @ingroup ch05
 */
template <class T>
void im2col(const T* x, const ConvGeometry& g, T* cols, std::size_t ld);

/**
 * @brief The adjoint of im2col: adds every column entry back onto the pixel it came from.
 *
 * \f[ dx[c,\; o_h S - P_{top} + i,\; o_w S - P_{left} + j]
 *     \mathrel{+}= dcols[(c,i,j),\, (o_h,o_w)] \f]
 * Entries that came from the padding are dropped. A pixel inside several
 * receptive fields collects the sum of their gradients. `dx` is added to, not
 * overwritten: clear it first.
 * @param dcols the first column of this image in a row-major `(C*K*K, ld)` matrix
 * @param g     the sizes   @param ld the row length of `dcols`
 * @param dx    one image's gradient `(C, H, Wd)`, contiguous
 * @ingroup ch05
 */
template <class T>
void col2im(const T* dcols, const ConvGeometry& g, std::size_t ld, T* dx);

/**
 * @brief 2-D convolution with a fused activation: \f$ a = f(W * x + b) \f$.
 *
 * For each image, filter \f$ f \f$ and output position \f$ (o_h, o_w) \f$:
 * \f[ z_{f, o_h, o_w} = b_f + \sum_{c=0}^{C-1} \sum_{i=0}^{K-1} \sum_{j=0}^{K-1}
 *     W_{f,c,i,j}\; x_{c,\; o_h S - P + i,\; o_w S - P + j}, \qquad a = f(z) \f]
 * (cross-correlation, as in every deep-learning library), with output size
 * \f$ H_o = (H + 2P - K)/S + 1 \f$, likewise \f$ W_o \f$.
 *
 * Shapes: `x` is `(N, C, H, Wd)`, `W` is `(F, C, K, K)`, `b` is `(F,)`, the output
 * `a` is `(N, F, Ho, Wo)`.
 *
 * Computed as im2col (`nn::im2col`) of the whole batch into a
 * `(C K², N Ho Wo)` matrix and one `nn::gemm` with `W` viewed as `(F, C K²)`.
 * Follows the layer contract (`nn::Layer`): forward caches the im2col matrix
 * and the output `a`; backward adds to `dW`, `db` and returns `dx`.
 * @ingroup ch05
 */
template <class T = float>
class Conv2D : public Layer<T> {
 public:
  /**
   * @param filters     number of filters \f$ F \f$ (output channels)
   * @param kernel_size \f$ K \f$: each filter is `K x K` over all input channels
   * @param activation  \f$ f \f$, applied to the convolution's output
   * @param stride      \f$ S \f$, the step between kernel positions
   * @param padding     `valid` (none) or `same` (see `nn::Padding`)
   */
  Conv2D(std::size_t filters, std::size_t kernel_size, Activation activation = Activation::none,
         std::size_t stride = 1, Padding padding = Padding::valid);

  std::string kind() const override { return "conv2d"; }
  /// @brief Expects `(C, H, Wd)`; initialises `W` Glorot-uniform, `b` to 0; returns `(F, Ho, Wo)`.
  Shape build(const Shape& in_shape, Generator& rng) override;
  const Tensor<T>& forward(const Tensor<T>& x) override;
  const Tensor<T>& backward(const Tensor<T>& da) override;
  std::vector<Param<T>> params() override { return {{"W", &W, &dW}, {"b", &b, &db}}; }
  /// @brief \f$ R(W) \f$ of the kernel regularizer (0 without one).
  double penalty() const override { return nn::penalty(kernel_regularizer, W); }

  /// @brief Filters \f$ F \f$.
  std::size_t filters() const { return F_; }
  /// @brief Kernel size \f$ K \f$.
  std::size_t kernel_size() const { return K_; }
  /// @brief Stride \f$ S \f$.
  std::size_t stride() const { return S_; }
  /// @brief `valid` or `same`.
  Padding padding() const { return padding_; }
  /// @brief The fused activation \f$ f \f$.
  Activation activation() const { return act_; }
  /// @brief The sizes fixed by build (input, kernel, padding, output).
  const ConvGeometry& geometry() const { return g_; }

  Regularizer kernel_regularizer;  ///< penalty on `W` (chapter 8); set it after `add`
  /**
   * @brief Whether forward and backward take the direct path instead of im2col + GEMM.
   *
   * A convolution of a single channel (`C = 1`, stride 1, 'valid') has patches of
   * only \f$ K^2 \f$ numbers: its GEMM would have the short inner dimension
   * \f$ K^2 = 9 \f$ and spend its time copying, so the layer sums the products
   * directly (`nn::conv_direct_forward`, `nn::conv_direct_backward`). Other
   * convolutions, or any after `set_direct(false)`, use im2col + GEMM.
   */
  bool direct() const;
  /// @brief Allows (the default) or forbids the direct path; im2col + GEMM is the reference.
  void set_direct(bool allowed) { allow_direct_ = allowed; }
  /**
   * @brief Whether forward and backward use wide im2col (`nn::im2col_wide`) instead of im2col.
   *
   * A convolution with stride 1 and 'valid' padding that does not take the direct
   * path copies each im2col row as one run of \f$ (H_o - 1) W_d + W_o \f$ numbers
   * instead of \f$ H_o \f$ runs of \f$ W_o \f$; the matrix product then also
   * computes the \f$ W_d - W_o \f$ columns per row that wrap around the image's
   * edge, and they are dropped. `set_wide(false)` forbids it.
   */
  bool wide() const;
  /// @brief Allows (the default) or forbids wide im2col; plain im2col + GEMM is the reference.
  void set_wide(bool allowed) { allow_wide_ = allowed; }
  /**
   * @brief Whether forward and backward use channels-last im2col (`nn::im2col_channels_last`).
   *
   * A convolution with stride 1 and 'valid' padding whose wide rows would wrap a lot
   * (a quarter or more of the wide columns, as for a 3x3 kernel on a 5x5 input) copies
   * its input channels-last instead, so that a patch is \f$ K \f$ runs of
   * \f$ K C \f$ numbers, and multiplies the whole batch's patches at once, in chunks of
   * at least `channels_last_rows` rows. It replaces the wide path for such layers;
   * `set_channels_last(false)` forbids it.
   */
  bool channels_last() const;
  /// @brief Allows (the default) or forbids the channels-last path.
  void set_channels_last(bool allowed) { allow_channels_last_ = allowed; }

  /**
   * @brief Whether a max pool of `pool x pool` windows with stride `stride` that follows
   * this layer can run fused with it (`forward_pooled`): a 2x2, stride-2 pool after a
   * convolution on the direct path.
   */
  bool fuses_pool(std::size_t pool, std::size_t stride) const;
  /**
   * @brief This convolution, its activation and a 2x2 max pool of stride 2, one image at a time.
   *
   * \f[ y_{f, q_h, q_w} = \max_{i, j < 2} a_{f,\; 2 q_h + i,\; 2 q_w + j}, \qquad a = f(W * x + b) \f]
   * the same numbers as `forward` followed by `MaxPool2D::forward`, but each image's
   * `a (F, Ho, Wo)` stays in a buffer of the thread's own, in its cache, instead of
   * going to memory for the whole batch. `Sequential` calls it for such a pair
   * (`Sequential::set_fusion`). Needs `fuses_pool(2, 2)`.
   * @param x `(N, C, H, Wd)`
   * @return `y (N, F, Hp, Wp)` with \f$ H_p = \lfloor H_o / 2 \rfloor \f$, likewise \f$ W_p \f$
   */
  const Tensor<T>& forward_pooled(const Tensor<T>& x);
  /**
   * @brief The backward of `forward_pooled`: adds to `dW` and `db`, returns `dx`.
   *
   * Each \f$ dy \f$ goes to its window's maximum (max pooling's backward), where
   * \f$ dz = dy\, f'(z) \f$; elsewhere \f$ dz = 0 \f$. The sums are those of `backward`
   * after `MaxPool2D::backward`, in the same order: the same bits.
   * @param dy `(N, F, Hp, Wp)`
   * @return `dx (N, C, H, Wd)` (empty after `set_input_gradient(false)`)
   */
  const Tensor<T>& backward_pooled(const Tensor<T>& dy);

  Tensor<T> W;   ///< filters `(F, C, K, K)`
  Tensor<T> b;   ///< biases `(F,)`
  Tensor<T> dW;  ///< \f$ \partial L/\partial W \f$, `(F, C, K, K)`
  Tensor<T> db;  ///< \f$ \partial L/\partial b \f$, `(F,)`

 private:
  std::size_t F_, K_, S_;
  Padding padding_;
  Activation act_;
  ConvGeometry g_;
  std::size_t N_ = 0;  // batch size of the last forward
  Tensor<T> cols_;   // im2col of the last batch, (C*K*K, N*Ho*Wo); cached for dW
  Tensor<T> z_;      // W · cols, (F, N*Ho*Wo)
  Tensor<T> a_;      // output, (N, F, Ho, Wo); cached for f'(z)
  Tensor<T> dz_;     // dL/dz gathered as (F, N*Ho*Wo)
  Tensor<T> dcols_;  // Wᵀ · dz, (C*K*K, N*Ho*Wo)
  Tensor<T> dx_;     // returned gradient, (N, C, H, Wd)
  Tensor<T> dW_parts_;  // each chunk's share of dW, (chunks, F, C*K*K)
  Tensor<T> db_parts_;  // each chunk's share of db, (chunks, F)

  // The direct path (C = 1), see direct().
  const Tensor<T>& forward_direct(const Tensor<T>& x);
  void backward_direct(const Tensor<T>& da);
  bool allow_direct_ = true;
  Tensor<T> x_;           // the last input, cached for dW (the direct path has no cols_)
  Tensor<T> direct_acc_;  // partial sums of dW and db, (chunks, F, K*K + 1, direct_lanes)
  Tensor<T> wide_;        // wide planes per chunk of images, (chunks, direct_filters*H*Wd)

  // Per-chunk shares of dW and db: sized by size_parts, added to dW and db by add_parts.
  // chunk_images(): images per chunk, batch_chunk but on the channels-last path.
  std::size_t chunk_images() const;
  void size_parts();
  void add_parts();
  // The direct path's backward, one chunk of images at a time: per_image(n, t, acc, dx)
  // adds image n's sums to the chunk's acc (and its dx, if not null).
  template <class PerImage>
  void direct_chunks(const PerImage& per_image);

  // The direct path fused with a 2x2 max pool, see forward_pooled().
  ConvGeometry pool_g_;                // the pool's sizes: (F, Ho, Wo) -> (F, Hp, Wp)
  Tensor<T> y_;                        // pooled output, (N, F, Hp, Wp)
  std::vector<std::uint32_t> argmax_;  // per pooled output, its maximum's index in (F, span)
  // The direct pair's backward over the maxima alone, see backward_patches().
  void backward_patches(const Tensor<T>& dy);
  Tensor<T> rows_;  // per thread, one image's patch rows, (span, R)

  // Wide im2col (stride 1, 'valid'), see wide(): cols_, z_, dz_ and dcols_ are one
  // (rows, wide_block * wide_span(g_)) block per thread, and x_ caches the input.
  const Tensor<T>& forward_wide(const Tensor<T>& x);
  void backward_wide(const Tensor<T>& da);
  // finish(m0, m1, z): the block of images [m0, m1) after z = W · im2col_wide(x)
  template <class Finish>
  void wide_blocks(const Tensor<T>& x, const ConvGeometry& g, bool cache_x, const Finish& finish);
  ConvGeometry pooled_region() const;  // g_ with the outputs the pool reads, (2 Hp, 2 Wp)
  const Tensor<T>& forward_pooled_wide(const Tensor<T>& x);
  // The fused wide pair's backward over the pool's maxima alone, see backward_maxima().
  void backward_maxima(const Tensor<T>& dy);
  Tensor<T> xh_;   // the input channels-last, (N, H*Wd, C)
  Tensor<T> Wt_;   // W as (F, K*K, C)
  Tensor<T> dWt_;  // per thread, one chunk's dW as (F, K*K, C); direct: (dW, db) as (F, R)
  Tensor<T> dxh_;  // per thread, one image's dx channels-last, (H*Wd, C); direct: (span, R)
  // per thread: v = dy f'(y) of each maximum, listed by filter; and sorted by position
  std::vector<T> maxima_v_, sorted_v_;
  std::vector<std::size_t> maxima_at_, sorted_w_, starts_;  // their places in xh_ and Wt_; buckets
  std::vector<std::size_t> taps_;  // each kernel tap's offset in a plane
  bool allow_wide_ = true;

  // Channels-last im2col (stride 1, 'valid'), see channels_last(): cols_ (N*Ho*Wo, K*K*C),
  // z_ and dz_ (N*Ho*Wo, F) for the whole batch, Wt_ as W (F, K*K, C); xh_ and dxh_ one
  // image channels-last per thread, dcols_ one chunk's rows per thread.
  const Tensor<T>& forward_channels_last(const Tensor<T>& x);
  void backward_channels_last(const Tensor<T>& da);
  bool allow_channels_last_ = true;
};

/// @brief Rows (patches) per matrix product on the channels-last path, at least: a 3x3
/// output takes chunks of 32 images, whose products have 288 rows.
/// @ingroup ch10
inline constexpr std::size_t channels_last_rows = 256;

/**
 * @brief One image's im2col matrix from its channels-last copy, one row per output pixel.
 *
 * \f[ \mathrm{cols}[o_h W_o + o_w,\; (i K + j) C + c] = x_h[o_h + i,\; o_w + j,\; c] \f]
 * For each output pixel and kernel row \f$ i \f$, the \f$ K C \f$ numbers of
 * \f$ j < K,\ c < C \f$ are one run of \f$ x_h \f$: \f$ K \f$ copies per row.
 * Stride 1, 'valid' padding.
 * @param xh `(H, Wd, C)`   @param g the layer's sizes   @param cols `(Ho*Wo, K*K*C)`
 * @ingroup ch10
 */
template <class T>
void im2col_channels_last(const T* xh, const ConvGeometry& g, T* cols);
/**
 * @brief The adjoint of `nn::im2col_channels_last`: adds each row's runs back into `dxh`.
 * @param dcols `(Ho*Wo, K*K*C)`   @param g the layer's sizes   @param dxh `(H, Wd, C)`, added to
 * @ingroup ch10
 */
template <class T>
void col2im_channels_last(const T* dcols, const ConvGeometry& g, T* dxh);

/// @brief Images per matrix product on the wide path: a block's im2col matrix stays in the cache.
/// @ingroup ch10
inline constexpr std::size_t wide_block = 4;

/**
 * @brief The columns of one image's wide im2col matrix, \f$ (H_o - 1) W_d + W_o \f$.
 *
 * Output pixel \f$ (o_h, o_w) \f$ is column \f$ p = o_h W_d + o_w \f$, numbered
 * with the *input's* row length; the columns with \f$ o_w \ge W_o \f$ in between
 * belong to windows that wrap around the image's edge.
 * @ingroup ch10
 */
inline std::size_t wide_span(const ConvGeometry& g) { return (g.Ho - 1) * g.Wd + g.Wo; }

/**
 * @brief im2col for stride 1 and 'valid' padding, one contiguous copy per row.
 *
 * \f[ cols[(c,i,j),\, p] = x[c,\, i,\, j + p] \quad (p < \mathrm{span}) \f]
 * reading the plane \f$ x[c] \f$ as one flat row: column \f$ p = o_h W_d + o_w \f$
 * holds the pixel under weight \f$ (c, i, j) \f$ of output \f$ (o_h, o_w) \f$, so
 * row \f$ (c, i, j) \f$ is the plane shifted by \f$ i W_d + j \f$. The columns with
 * \f$ o_w \ge W_o \f$ hold windows that wrap around the edge; their products are dropped.
 * @param x one image `(C, H, Wd)`   @param g the sizes (stride 1, no padding)
 * @param cols the first column of this image in a row-major matrix with `C*K*K` rows
 * @param ld the row length of that matrix (at least `nn::wide_span(g)`)
 * @ingroup ch10
 */
template <class T>
void im2col_wide(const T* x, const ConvGeometry& g, T* cols, std::size_t ld);

/**
 * @brief The adjoint of `nn::im2col_wide`: \f$ dx[c,\, i,\, j + p] \mathrel{+}= dcols[(c,i,j),\, p] \f$.
 *
 * The columns of wrapped windows must hold zeros (they do when \f$ dz \f$ is zero
 * there, since \f$ dcols = W^\top dz \f$). `dx` is added to: clear it first.
 * @param dcols the first column of this image in a row-major `(C*K*K, ld)` matrix
 * @param g the sizes   @param ld the row length of `dcols`
 * @param dx one image's gradient `(C, H, Wd)`
 * @ingroup ch10
 */
template <class T>
void col2im_wide(const T* dcols, const ConvGeometry& g, std::size_t ld, T* dx);

/// @brief How many filters `nn::conv_direct_forward` computes together, sharing each load of the image.
/// @ingroup ch10
inline constexpr std::size_t direct_filters = 4;

/// @brief How many partial sums `nn::conv_direct_backward` keeps per gradient entry.
/// @ingroup ch10
inline constexpr std::size_t direct_lanes = 16;

/// @brief Numbers per block of a patch row in the direct pair's backward (`Conv2D::backward_pooled`):
/// a 3x3 kernel's 9 taps and the bias's 1 fit in one block of 16.
/// @ingroup ch10
inline constexpr std::size_t patch_lanes = 16;

/**
 * @brief A single-channel convolution of one image, summed directly, without im2col.
 *
 * \f[ a_{f, o_h, o_w} = f\Big(b_f + \sum_{i,j < K} W_{f,i,j}\, x_{o_h + i,\, o_w + j}\Big) \f]
 * for stride 1 and 'valid' padding: the same numbers as im2col + GEMM
 * (up to rounding), without the `(K², Ho Wo)` copy. The sums run along "wide"
 * rows: with \f$ p = o_h W_d + o_w \f$ the input is \f$ x[p + i W_d + j] \f$, a
 * shifted copy of the flat image, and the columns \f$ o_w \ge W_o \f$ are dropped.
 * @param x one image `(H, Wd)`   @param g the sizes (`C = 1`)
 * @param W filters `(F, 1, K, K)`   @param b biases `(F,)`   @param F filters
 * @param act the fused activation   @param wide scratch of `direct_filters * H * Wd` numbers
 * @param a the output `(F, Ho, Wo)`
 * @ingroup ch10
 */
template <class T>
void conv_direct_forward(const T* x, const ConvGeometry& g, const T* W, const T* b,
                         std::size_t F, Activation act, T* wide, T* a);

/**
 * @brief The gradients of `nn::conv_direct_forward` for one image.
 *
 * With \f$ dz = da \odot f'(z) \f$, adds to `acc` `(F, K²+1, direct_lanes)`
 * partial sums of
 * \f$ \partial L/\partial W_{f,i,j} = \sum dz_{f,o_h,o_w}\, x_{o_h+i,\, o_w+j} \f$
 * (rows `0..K²-1`) and of \f$ \partial L/\partial b_f = \sum dz_{f,o_h,o_w} \f$
 * (row `K²`); the caller sums each row. If `dx` is not null, adds
 * \f$ dx_{o_h+i,\, o_w+j} \mathrel{+}= W_{f,i,j}\, dz_{f,o_h,o_w} \f$.
 * @param x the image `(H, Wd)`   @param a the forward's output `(F, Ho, Wo)`
 * @param da \f$ \partial L/\partial a \f$ `(F, Ho, Wo)`   @param g the sizes
 * @param W filters   @param F filters   @param act the fused activation
 * @param dz scratch of `H * Wd` numbers   @param acc the partial sums
 * @param dx the image's input gradient `(H, Wd)`, or null
 * @ingroup ch10
 */
template <class T>
void conv_direct_backward(const T* x, const T* a, const T* da, const ConvGeometry& g,
                          const T* W, std::size_t F, Activation act, T* dz, T* acc, T* dx);

extern template void im2col(const float*, const ConvGeometry&, float*, std::size_t);
extern template void im2col(const double*, const ConvGeometry&, double*, std::size_t);
extern template void col2im(const float*, const ConvGeometry&, std::size_t, float*);
extern template void col2im(const double*, const ConvGeometry&, std::size_t, double*);
extern template void conv_direct_forward(const float*, const ConvGeometry&, const float*,
                                         const float*, std::size_t, Activation, float*, float*);
extern template void conv_direct_forward(const double*, const ConvGeometry&, const double*,
                                         const double*, std::size_t, Activation, double*,
                                         double*);
extern template void conv_direct_backward(const float*, const float*, const float*,
                                          const ConvGeometry&, const float*, std::size_t,
                                          Activation, float*, float*, float*);
extern template void conv_direct_backward(const double*, const double*, const double*,
                                          const ConvGeometry&, const double*, std::size_t,
                                          Activation, double*, double*, double*);
extern template void im2col_wide(const float*, const ConvGeometry&, float*, std::size_t);
extern template void im2col_wide(const double*, const ConvGeometry&, double*, std::size_t);
extern template void col2im_wide(const float*, const ConvGeometry&, std::size_t, float*);
extern template void col2im_wide(const double*, const ConvGeometry&, std::size_t, double*);
extern template class Conv2D<float>;
extern template class Conv2D<double>;

}  // namespace nn
