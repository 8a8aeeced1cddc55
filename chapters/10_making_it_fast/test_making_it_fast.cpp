// Chapter 10 checks: each fast kernel agrees with its plain reference, the per-layer
// profile accounts for every batch, and training allocates nothing after its first batch.
#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <vector>
#include <cstdlib>
#include <new>
#include <sstream>
#include <utility>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "nn/conv2d.hpp"
#include "nn/dense.hpp"
#include "nn/flatten.hpp"
#include "nn/gradcheck.hpp"
#include "nn/model.hpp"
#include "nn/parallel.hpp"
#include "nn/pooling.hpp"
#include "test_support.hpp"  // failure messages show a tensor's shape and values

using nn::Activation;
using nn::Tensor;

// [count-allocations]
// Every allocation of this program goes through here, so a test can count them.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"  // new is malloc here, so free is right
#endif
namespace {
std::atomic<std::size_t> allocations{0};
}
void* operator new(std::size_t size) {
  ++allocations;
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, std::align_val_t align) {
  ++allocations;
  const std::size_t a = static_cast<std::size_t>(align);
  if (void* p = std::aligned_alloc(a, (size + a - 1) / a * a)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
// [count-allocations]

namespace {
nn::Sequential<float> keras_mnist_cnn() {
  nn::Sequential model({1, 28, 28}, 7);
  model.add(nn::Conv2D(32, 3, Activation::relu));
  model.add(nn::MaxPool2D(2));
  model.add(nn::Conv2D(64, 3, Activation::relu));
  model.add(nn::MaxPool2D(2));
  model.add(nn::Conv2D(64, 3, Activation::relu));
  model.add(nn::Flatten());
  model.add(nn::Dense(64, Activation::relu));
  model.add(nn::Dense(10));
  model.compile(nn::RMSprop(), nn::SoftmaxCrossEntropy(), {"accuracy"});
  return model;
}

// The largest |a - b| relative to the largest |b|: agreement "to rounding".
template <class T>
double relative_difference(const Tensor<T>& a, const Tensor<T>& b) {
  REQUIRE(a.shape() == b.shape());
  double diff = 0, scale = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::abs(double(a.data()[i]) - double(b.data()[i])));
    scale = std::max(scale, std::abs(double(b.data()[i])));
  }
  return diff / scale;
}

// One step of `one` on 1 thread and of `two` (built the same) on 2: a, dx, dW and db must be
// the same bits, not merely close.
void same_bits_with_one_and_two_threads(nn::Conv2D<float>& one, nn::Conv2D<float>& two,
                                        const Tensor<float>& x, const Tensor<float>& da) {
  const int threads_before = static_cast<int>(nn::thread_count());
  const auto step = [&](nn::Conv2D<float>& conv, int threads) {
#ifdef _OPENMP
    omp_set_num_threads(threads);
#endif
    const Tensor<float> a = conv.forward(x);
    const Tensor<float> dx = conv.backward(da);
    return std::make_pair(a, dx);
  };
  const auto [a1, dx1] = step(one, 1);
  const auto [a2, dx2] = step(two, 2);
#ifdef _OPENMP
  omp_set_num_threads(threads_before);
#endif
  CHECK(a1 == a2);  // exact equality, not "close"
  CHECK(dx1 == dx2);
  CHECK(one.dW == two.dW);
  CHECK(one.db == two.db);
}
}  // namespace

// [direct-conv-test]
TEST_CASE("the direct single-channel convolution agrees with im2col + GEMM") {
  // Two identical layers; the reference is forbidden the direct path.
  nn::Generator rng(5);
  nn::Conv2D<float> fast(6, 3, Activation::relu), plain(6, 3, Activation::relu);
  fast.build({1, 9, 11}, rng);  // 9x11: a non-square image catches a swapped H and Wd
  plain.build({1, 9, 11}, rng);
  plain.set_direct(false);
  plain.set_wide(false);
  plain.W = fast.W;
  plain.b = nn::test::random_tensor<float>({6}, 6, 0.1);
  fast.b = plain.b;
  CHECK(fast.direct());
  CHECK_FALSE(plain.direct());

  const Tensor<float> x = nn::test::random_tensor<float>({5, 1, 9, 11}, 7);
  const Tensor<float> da = nn::test::random_tensor<float>({5, 6, 7, 9}, 8);
  CHECK(relative_difference(fast.forward(x), plain.forward(x)) < 1e-6);
  CHECK(relative_difference(fast.backward(da), plain.backward(da)) < 1e-6);  // dx
  CHECK(relative_difference(fast.dW, plain.dW) < 1e-5);  // sums of 5*7*9 = 315 products
  CHECK(relative_difference(fast.db, plain.db) < 1e-5);
}

TEST_CASE("the direct convolution's gradients agree with central differences") {
  nn::Generator rng(3);
  nn::Conv2D<double> conv(3, 3, Activation::tanh);  // tanh: no kink to straddle
  conv.build({1, 6, 7}, rng);
  REQUIRE(conv.direct());
  const Tensor<double> x = nn::test::random_tensor({2, 1, 6, 7}, 4);
  const nn::GradCheckResult r = nn::gradcheck_layer(conv, x);
  CHECK(r.max_rel_error < 1e-7);
}
// [direct-conv-test]

// [wide-conv-test]
TEST_CASE("wide im2col agrees with im2col + GEMM") {
  // The capstone's second convolution in small: several channels, a non-square image.
  nn::Generator rng(11);
  nn::Conv2D<float> fast(5, 3, Activation::relu), plain(5, 3, Activation::relu);
  fast.build({4, 8, 10}, rng);
  plain.build({4, 8, 10}, rng);
  plain.set_wide(false);
  plain.W = fast.W;
  plain.b = nn::test::random_tensor<float>({5}, 12, 0.1);
  fast.b = plain.b;
  CHECK(fast.wide());
  CHECK_FALSE(plain.wide());
  // 'same' padding or a stride keeps the plain path
  nn::Conv2D<float> padded(5, 3, Activation::relu, 1, nn::Padding::same), strided(5, 3, Activation::relu, 2);
  padded.build({4, 8, 10}, rng);
  strided.build({4, 8, 10}, rng);
  CHECK_FALSE(padded.wide());
  CHECK_FALSE(strided.wide());

  const Tensor<float> x = nn::test::random_tensor<float>({11, 4, 8, 10}, 13);  // 11: a short chunk
  const Tensor<float> da = nn::test::random_tensor<float>({11, 5, 6, 8}, 14);
  for (int step = 0; step < 2; ++step) {  // the second step reuses every buffer
    CHECK(relative_difference(fast.forward(x), plain.forward(x)) < 1e-6);
    CHECK(relative_difference(fast.backward(da), plain.backward(da)) < 1e-6);  // dx
    CHECK(relative_difference(fast.dW, plain.dW) < 1e-5);  // sums of 11*6*8 = 528 products
    CHECK(relative_difference(fast.db, plain.db) < 1e-5);
  }
}

TEST_CASE("the wide convolution's gradients agree with central differences") {
  nn::Generator rng(15);
  nn::Conv2D<double> conv(3, 2, Activation::tanh);
  conv.build({2, 5, 6}, rng);
  REQUIRE(conv.wide());
  const Tensor<double> x = nn::test::random_tensor({2, 2, 5, 6}, 16);
  const nn::GradCheckResult r = nn::gradcheck_layer(conv, x);
  CHECK(r.max_rel_error < 1e-7);
}

TEST_CASE("the wide convolution gives the same bits with one thread and with two") {
  // 20 images: chunks of 8, 8 and 4, each split into blocks of wide_block images
  nn::Generator rng1(17), rng2(17);
  nn::Conv2D<float> one(5, 3, Activation::relu), two(5, 3, Activation::relu);
  one.build({3, 7, 9}, rng1);
  two.build({3, 7, 9}, rng2);
  REQUIRE(one.wide());
  const Tensor<float> x = nn::test::random_tensor<float>({20, 3, 7, 9}, 18);
  const Tensor<float> da = nn::test::random_tensor<float>({20, 5, 5, 7}, 19);
  same_bits_with_one_and_two_threads(one, two, x, da);
}
// [wide-conv-test]

// [channels-last-test]
TEST_CASE("channels-last im2col, worked by hand, and its adjoint") {
  // x: 2 channels of 3x3, channel 0 = 1..9 and channel 1 = 10..90, row by row. A 2x2
  // kernel has a 2x2 output; channels-last, xh[h, w, :] = (x[0,h,w], x[1,h,w]).
  const nn::ConvGeometry g = nn::conv_geometry(2, 3, 3, 2, 1, nn::Padding::valid);
  const std::vector<double> xh = {1, 10, 2, 20, 3, 30,  4, 40, 5, 50, 6, 60,  7, 70, 8, 80, 9, 90};
  std::vector<double> cols(4 * 8);
  nn::im2col_channels_last(xh.data(), g, cols.data());
  // row (oh, ow): kernel row i = 0 is xh[oh, ow..ow+1, :], then i = 1 is xh[oh+1, ow..ow+1, :]
  CHECK(cols == std::vector<double>{1, 10, 2, 20, 4, 40, 5, 50,    // output (0, 0)
                                    2, 20, 3, 30, 5, 50, 6, 60,    // output (0, 1)
                                    4, 40, 5, 50, 7, 70, 8, 80,    // output (1, 0)
                                    5, 50, 6, 60, 8, 80, 9, 90});  // output (1, 1)
  // col2im_channels_last is its adjoint: <im2col(xh), d> = <xh, col2im(d)> for any d
  const Tensor<double> d = nn::test::random_tensor({4 * 8}, 40);
  std::vector<double> dxh(xh.size(), 0.0);
  nn::col2im_channels_last(d.data(), g, dxh.data());
  double lhs = 0, rhs = 0;
  for (std::size_t k = 0; k < cols.size(); ++k) lhs += cols[k] * d.data()[k];
  for (std::size_t k = 0; k < xh.size(); ++k) rhs += xh[k] * dxh[k];
  CHECK(lhs == doctest::Approx(rhs).epsilon(1e-12));
}

TEST_CASE("channels-last im2col agrees with im2col + GEMM") {
  // The capstone's third convolution in small: a 3x3 kernel on a 5x6 input, whose wide rows
  // would wrap 4 of their 16 columns. 30 images: chunks of 24 (at least 256 rows of 12
  // output pixels, in steps of 8 images) and 6.
  nn::Generator rng(41);
  nn::Conv2D<float> fast(5, 3, Activation::relu), plain(5, 3, Activation::relu);
  fast.build({6, 5, 6}, rng);
  plain.build({6, 5, 6}, rng);
  plain.set_channels_last(false);
  plain.set_wide(false);
  plain.W = fast.W;
  plain.b = nn::test::random_tensor<float>({5}, 42, 0.1);
  fast.b = plain.b;
  CHECK(fast.channels_last());
  CHECK_FALSE(fast.wide());
  CHECK_FALSE(plain.channels_last());
  // a larger input, whose rows wrap less, stays wide; 'same' padding or a stride, plain
  nn::Conv2D<float> large(5, 3, Activation::relu), padded(5, 3, Activation::relu, 1, nn::Padding::same);
  large.build({6, 13, 13}, rng);
  padded.build({6, 5, 6}, rng);
  CHECK(large.wide());
  CHECK_FALSE(large.channels_last());
  CHECK_FALSE(padded.channels_last());

  const Tensor<float> x = nn::test::random_tensor<float>({30, 6, 5, 6}, 43);
  const Tensor<float> da = nn::test::random_tensor<float>({30, 5, 3, 4}, 44);
  for (int step = 0; step < 2; ++step) {  // the second step reuses every buffer
    CHECK(relative_difference(fast.forward(x), plain.forward(x)) < 1e-6);
    CHECK(relative_difference(fast.backward(da), plain.backward(da)) < 1e-6);  // dx
    CHECK(relative_difference(fast.dW, plain.dW) < 1e-5);
    CHECK(relative_difference(fast.db, plain.db) < 1e-5);
  }
}

TEST_CASE("the channels-last convolution's gradients agree with central differences") {
  nn::Generator rng(45);
  nn::Conv2D<double> conv(3, 3, Activation::tanh);
  conv.build({2, 4, 5}, rng);
  REQUIRE(conv.channels_last());
  const Tensor<double> x = nn::test::random_tensor({2, 2, 4, 5}, 46);
  const nn::GradCheckResult r = nn::gradcheck_layer(conv, x);
  CHECK(r.max_rel_error < 1e-7);
}

TEST_CASE("the channels-last convolution gives the same bits with one thread and with two") {
  // 40 images in chunks of 32 (a 3x3 output) and 8: one chunk per thread, unequal
  nn::Generator rng1(47), rng2(47);
  nn::Conv2D<float> one(4, 3, Activation::relu), two(4, 3, Activation::relu);
  one.build({5, 5, 5}, rng1);
  two.build({5, 5, 5}, rng2);
  REQUIRE(one.channels_last());
  const Tensor<float> x = nn::test::random_tensor<float>({40, 5, 5, 5}, 48);
  const Tensor<float> da = nn::test::random_tensor<float>({40, 4, 3, 3}, 49);
  same_bits_with_one_and_two_threads(one, two, x, da);
}
// [channels-last-test]

// [maxpool-2x2-test]
TEST_CASE("the vectorised 2x2 max pool agrees with the general loop, ties included") {
  // Values on a coarse grid (multiples of 0.25 in [-1, 1]) make ties frequent: the first
  // maximum in row-major order must win in both versions. 7x9 planes: an odd last row
  // and column, which both leave out.
  Tensor<float> x = nn::test::random_tensor<float>({6, 3, 7, 9}, 30);
  for (auto& v : x) v = std::round(v * 4) / 4;
  nn::Generator rng(31);
  nn::MaxPool2D<float> fast(2), plain(2);
  fast.build({3, 7, 9}, rng);
  plain.build({3, 7, 9}, rng);
  plain.set_fast(false);
  CHECK(fast.forward(x) == plain.forward(x));
  CHECK(fast.argmax() == plain.argmax());
  const Tensor<float> dy = nn::test::random_tensor<float>({6, 3, 3, 4}, 32);
  CHECK(fast.backward(dy) == plain.backward(dy));
  // 32-bit indices (the fused convolution's) give the same numbers
  std::vector<std::uint32_t> narrow(12);
  Tensor<float> y = Tensor<float>::from_shape({3, 4});
  nn::maxpool2x2_plane(x.data(), y.data(), narrow.data(), 0, 9, 3, 4);
  for (std::size_t k = 0; k < 12; ++k) CHECK(narrow[k] == plain.argmax()[k]);
}
// [maxpool-2x2-test]

// [fused-conv-pool-test]
TEST_CASE("a convolution fused with its max pool, worked by hand") {
  // One 4x4 image, one 3x3 filter (the diagonal), b = 0, ReLU, then a 2x2 max pool.
  nn::Generator rng(1);
  nn::Conv2D<double> conv(1, 3, Activation::relu);
  conv.build({1, 4, 4}, rng);
  REQUIRE(conv.fuses_pool(2, 2));
  conv.W = Tensor<double>({{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}}});
  conv.b = Tensor<double>({0});
  const Tensor<double> x({{{{1, 2, 0, 1},    //
                            {0, 1, 3, 0},    //
                            {2, 0, 1, 1},    //
                            {1, 1, 0, 2}}}});
  // z[oh, ow] = x[oh, ow] + x[oh+1, ow+1] + x[oh+2, ow+2]:
  //   z[0,0] = 1+1+1 = 3   z[0,1] = 2+3+1 = 6   z[1,0] = 0+0+0 = 0   z[1,1] = 1+1+2 = 4
  // a = relu(z) = z; y = max(3, 6, 0, 4) = 6, the window's maximum at (0, 1)
  const Tensor<double>& y = conv.forward_pooled(x);
  REQUIRE(y.shape() == nn::Shape{1, 1, 1, 1});
  CHECK(y(0, 0, 0, 0) == 6);
  // dy = 0.5 goes to (0, 1) alone, where relu'(6) = 1: dz[0,1] = 0.5, every other dz = 0
  Tensor<double> dy = Tensor<double>::from_shape({1, 1, 1, 1});
  dy(0, 0, 0, 0) = 0.5;
  const Tensor<double>& dx = conv.backward_pooled(dy);
  // dW[i,j] = dz[0,1] x[i, 1+j] = 0.5 * [[2,0,1], [1,3,0], [0,1,1]];  db = 0.5
  CHECK(conv.dW == Tensor<double>({{{{1, 0, 0.5}, {0.5, 1.5, 0}, {0, 0.5, 0.5}}}}));
  CHECK(conv.db(0) == 0.5);
  // dx[i, 1+j] += W[i,j] dz[0,1]: 0.5 on the filter's diagonal, shifted one column right
  CHECK(dx == Tensor<double>({{{{0, 0.5, 0, 0}, {0, 0, 0.5, 0}, {0, 0, 0, 0.5}, {0, 0, 0, 0}}}}));
}

TEST_CASE("a convolution fused with its max pool agrees with the two apart") {
  // Kernels of 3 (the capstone's: each window row copied as one run) and 2 (number by number)
  for (const std::size_t K : {3, 2}) {
    CAPTURE(K);
    nn::Generator rng1(21), rng2(21);
    nn::Conv2D<float> fused(6, K, Activation::relu), conv(6, K, Activation::relu);
    nn::MaxPool2D<float> pool(2);
    fused.build({1, 9, 12}, rng1);                  // K = 3: a 7x10 output, the last row dropped
    pool.build(conv.build({1, 9, 12}, rng2), rng2);  // the same W as fused
    fused.b = nn::test::random_tensor<float>({6}, 22, 0.1);
    conv.b = fused.b;
    const Tensor<float> x = nn::test::random_tensor<float>({11, 1, 9, 12}, 23);  // a short chunk
    const Tensor<float> dy = nn::test::random_tensor<float>({11, 6, (10 - K) / 2, (13 - K) / 2}, 24);
    // y is the same bits. dx, dW and db are the same sums in another order: the fused pair
    // sums over the maxima alone (patch rows), the pair apart over every position, so they
    // agree to rounding.
    for (int step = 0; step < 2; ++step) {  // the second step reuses every buffer
      CHECK(fused.forward_pooled(x) == pool.forward(conv.forward(x)));  // exact equality
      const Tensor<float> dx = fused.backward_pooled(dy);
      CHECK(relative_difference(dx, conv.backward(pool.backward(dy))) < 1e-6);
      CHECK(relative_difference(fused.dW, conv.dW) < 1e-6);
      CHECK(relative_difference(fused.db, conv.db) < 1e-6);
    }
  }
  nn::Generator rng(21);
  nn::Conv2D<float> fused(6, 3, Activation::relu);
  fused.build({1, 9, 12}, rng);
  const Tensor<float> x = nn::test::random_tensor<float>({11, 1, 9, 12}, 23);
  // Only the direct and the wide paths fuse, and only with a 2x2 pool of stride 2.
  CHECK_FALSE(fused.fuses_pool(3, 3));
  CHECK_FALSE(fused.fuses_pool(2, 1));
  fused.set_direct(false);
  CHECK(fused.wide());
  CHECK(fused.fuses_pool(2, 2));
  fused.set_wide(false);
  CHECK_FALSE(fused.fuses_pool(2, 2));
  CHECK_THROWS_AS(fused.forward_pooled(x), std::logic_error);
}

TEST_CASE("a wide convolution fused with its max pool agrees with the two apart") {
  // The capstone's second convolution and pool in small, an odd output (the last row is
  // dropped) and two shapes: 35 channels and a 3x3 kernel (a block of 32 channels and 3
  // more, taps three at a time), and 3 channels with a 2x2 kernel (4 taps: 3, then 1).
  struct Case {
    std::size_t C, K;
  };
  for (const Case c : {Case{35, 3}, Case{3, 2}}) {
    CAPTURE(c.C);
    nn::Generator rng1(26), rng2(26);
    nn::Conv2D<float> fused(5, c.K, Activation::relu), conv(5, c.K, Activation::relu);
    nn::MaxPool2D<float> pool(2);
    fused.build({c.C, 9, 8}, rng1);
    pool.build(conv.build({c.C, 9, 8}, rng2), rng2);  // the same W as fused
    REQUIRE(fused.wide());
    REQUIRE(fused.fuses_pool(2, 2));
    fused.b = nn::test::random_tensor<float>({5}, 27, 0.1);
    conv.b = fused.b;
    const std::size_t Ho = 9 - c.K + 1, Wo = 8 - c.K + 1;
    const Tensor<float> x = nn::test::random_tensor<float>({11, c.C, 9, 8}, 28);
    const Tensor<float> dy = nn::test::random_tensor<float>({11, 5, Ho / 2, Wo / 2}, 29);
    // All to rounding: the fused forward multiplies narrower matrices (the unread row left
    // out), which BLAS may sum in another order, and the backward sums over the maxima
    // alone, in another order than the matrix products of the two layers apart.
    for (int step = 0; step < 2; ++step) {  // the second step reuses every buffer
      CHECK(relative_difference(fused.forward_pooled(x), pool.forward(conv.forward(x))) < 1e-6);
      CHECK(relative_difference(fused.backward_pooled(dy), conv.backward(pool.backward(dy))) < 1e-6);
      CHECK(relative_difference(fused.dW, conv.dW) < 1e-6);
      CHECK(relative_difference(fused.db, conv.db) < 1e-6);
    }
  }
}

TEST_CASE("a model trains the same with fusion on and off") {
  // SGD, not the capstone's RMSprop: RMSprop divides each gradient by its own running size,
  // so a gradient near 0 whose last bits differ could move its weight by a whole step.
  auto on = keras_mnist_cnn(), off = keras_mnist_cnn();
  on.compile(nn::SGD(0.05f), nn::SoftmaxCrossEntropy(), {"accuracy"});
  off.compile(nn::SGD(0.05f), nn::SoftmaxCrossEntropy(), {"accuracy"});
  off.set_fusion(false);
  CHECK(on.fusion());
  const Tensor<float> x = nn::test::random_tensor<float>({20, 1, 28, 28}, 25);
  Tensor<float> y = Tensor<float>::from_shape({20});
  for (std::size_t n = 0; n < 20; ++n) y(n) = float(n % 10);
  // The fused pairs sum in other orders (and leave out zeros), so the two models agree to
  // rounding, not bit for bit.
  for (int step = 0; step < 3; ++step)
    CHECK(on.train_step(x, y) == doctest::Approx(off.train_step(x, y)).epsilon(1e-5));
  const auto a = on.params(), b = off.params();
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(relative_difference(*a[i].value, *b[i].value) < 1e-5);
  CHECK(relative_difference(on.predict(x), off.predict(x)) < 1e-5);
}
// [fused-conv-pool-test]

TEST_CASE("the profile has a row per layer and counts every batch") {
  auto model = keras_mnist_cnn();
  const Tensor<float> x = nn::test::random_tensor<float>({40, 1, 28, 28}, 9);
  Tensor<float> y = Tensor<float>::from_shape({40});
  for (std::size_t n = 0; n < 40; ++n) y(n) = float(n % 10);
  std::ostringstream log;
  model.fit(x, y, {.epochs = 1, .batch_size = 16, .verbose = 0, .profile = true}, &log);
  const nn::Profile& p = model.profile();
  CHECK(p.batches == 3);  // 16 + 16 + 8
  REQUIRE(p.names.size() == 8 + 3);  // eight layers, then loss, optimizer, batch
  CHECK(p.names.front() == "conv2d");
  CHECK(p.names.back() == "batch");
  double rows = 0;
  for (std::size_t i = 0; i < p.names.size(); ++i)
    rows += p.forward_seconds[i] + p.backward_seconds[i];
  CHECK(rows > 0);
  CHECK(rows <= p.step_seconds);  // the rows are parts of the steps
  CHECK(log.str().find("max_pooling2d_1") != std::string::npos);
}

// [no-allocation-test]
TEST_CASE("training allocates nothing after the first batch") {
  auto model = keras_mnist_cnn();
  const Tensor<float> x = nn::test::random_tensor<float>({16, 1, 28, 28}, 10);
  Tensor<float> y = Tensor<float>::from_shape({16});
  for (std::size_t n = 0; n < 16; ++n) y(n) = float(n % 10);
  model.train_step(x, y);  // the first batch sizes every buffer
  const std::size_t before = allocations;
  for (int step = 0; step < 3; ++step) model.train_step(x, y);
  CHECK(allocations - before == 0);
}
// [no-allocation-test]
