// Chapter 5 checks: a convolution worked by hand, im2col and col2im on tiny images,
// output sizes, a naive seven-loop reference, and the gradient checker.
#include <doctest/doctest.h>

#include <cmath>

#include "nn/conv2d.hpp"
#include "nn/gradcheck.hpp"
#include "test_support.hpp"

using nn::Activation;
using nn::Padding;
using nn::Tensor;
using nn::test::random_tensor;

namespace {
// The im2col matrix of one image as a (C*K*K, Ho*Wo) tensor.
Tensor<double> im2col_of(const Tensor<double>& image, const nn::ConvGeometry& g) {
  Tensor<double> cols = Tensor<double>::from_shape({g.patch_size(), g.out_pixels()});
  nn::im2col(image.data(), g, cols.data(), g.out_pixels());
  return cols;
}

// [seven-loop-convolution]
// The definition of a convolution, one multiply-add at a time, with the padding
// worked out here from the output size (not taken from the library):
//   y[n,f,oh,ow] = b[f] + sum_{c,i,j} W[f,c,i,j] x[n,c, oh*S - pad_top + i, ow*S - pad_left + j]
template <class T>
Tensor<T> naive_conv2d(const Tensor<T>& x, const Tensor<T>& W, const Tensor<T>& b, std::size_t S,
                       Padding padding) {
  const std::size_t N = x.shape(0), C = x.shape(1), H = x.shape(2), Wd = x.shape(3);
  const std::size_t F = W.shape(0), K = W.shape(2);
  std::size_t Ho, Wo;
  long pad_top = 0, pad_left = 0;
  if (padding == Padding::valid) {
    Ho = (H - K) / S + 1;
    Wo = (Wd - K) / S + 1;
  } else {
    Ho = (H + S - 1) / S;
    Wo = (Wd + S - 1) / S;
    pad_top = std::max(long((Ho - 1) * S + K) - long(H), 0L) / 2;
    pad_left = std::max(long((Wo - 1) * S + K) - long(Wd), 0L) / 2;
  }
  Tensor<T> y = Tensor<T>::from_shape({N, F, Ho, Wo});
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t f = 0; f < F; ++f)
      for (std::size_t oh = 0; oh < Ho; ++oh)
        for (std::size_t ow = 0; ow < Wo; ++ow) {
          T z = b(f);
          for (std::size_t c = 0; c < C; ++c)
            for (std::size_t i = 0; i < K; ++i)
              for (std::size_t j = 0; j < K; ++j) {
                const long h = long(oh * S + i) - pad_top, w = long(ow * S + j) - pad_left;
                if (h < 0 || w < 0 || h >= long(H) || w >= long(Wd)) continue;  // zero padding
                z += W(f, c, i, j) * x(n, c, h, w);
              }
          y(n, f, oh, ow) = z;
        }
  return y;
}
// [seven-loop-convolution]
}  // namespace

// [conv-worked-example]
TEST_CASE("a 2x2 convolution of a 4x4 image, forward and backward, as worked in the text") {
  // One image, one channel, one filter, stride 1, no padding: Ho = (4 - 2)/1 + 1 = 3.
  nn::Generator rng(1);
  nn::Conv2D<double> conv(1, 2);
  CHECK(conv.build({1, 4, 4}, rng) == nn::Shape{1, 3, 3});
  conv.W = Tensor<double>{{{{1, -1}, {0, 2}}}};  // (F, C, K, K) = (1, 1, 2, 2)
  conv.b = {1};
  const Tensor<double> x = {{{{1, 2, 0, 1},  //
                              {0, 1, 3, 2},
                              {2, 0, 1, 1},
                              {1, 3, 0, 2}}}};

  SUBCASE("forward") {
    // z[oh, ow] = b + 1*x[oh, ow] - 1*x[oh, ow+1] + 0*x[oh+1, ow] + 2*x[oh+1, ow+1]
    //   z[0,0] = 1 + 1 - 2 + 0 + 2*1 = 2     z[0,1] = 1 + 2 - 0 + 0 + 2*3 = 9
    //   z[0,2] = 1 + 0 - 1 + 0 + 2*2 = 4     z[1,0] = 1 + 0 - 1 + 0 + 2*0 = 0
    //   z[1,1] = 1 + 1 - 3 + 0 + 2*1 = 1     z[1,2] = 1 + 3 - 2 + 0 + 2*1 = 4
    //   z[2,0] = 1 + 2 - 0 + 0 + 2*3 = 9     z[2,1] = 1 + 0 - 1 + 0 + 2*0 = 0
    //   z[2,2] = 1 + 1 - 1 + 0 + 2*2 = 5
    CHECK(conv.forward(x) == Tensor<double>{{{{2, 9, 4}, {0, 1, 4}, {9, 0, 5}}}});
  }
  SUBCASE("backward with dy all ones") {
    conv.forward(x);
    const Tensor<double> dy = xt::ones<double>({1, 1, 3, 3});
    const auto& dx = conv.backward(dy);
    // dW[i,j] = sum_{oh,ow} dy[oh,ow] x[oh+i, ow+j]: the 3x3 block of x starting at (i, j)
    //   dW[0,0] = 1+2+0 + 0+1+3 + 2+0+1 = 10    dW[0,1] = 2+0+1 + 1+3+2 + 0+1+1 = 11
    //   dW[1,0] = 0+1+3 + 2+0+1 + 1+3+0 = 11    dW[1,1] = 1+3+2 + 0+1+1 + 3+0+2 = 13
    CHECK(conv.dW == Tensor<double>{{{{10, 11}, {11, 13}}}});
    // db = sum of dy = 9
    CHECK(conv.db == Tensor<double>{9});
    // dx[h,w] = sum of W[i,j] over the kernel positions that covered (h, w):
    //   corner (0,0) only by W[0,0] = 1;  corner (0,3) only by W[0,1] = -1;
    //   corner (3,0) only by W[1,0] = 0;  corner (3,3) only by W[1,1] = 2;
    //   top edge (0,1): W[0,0] + W[0,1] = 0;  left edge (1,0): W[0,0] + W[1,0] = 1;
    //   right edge (1,3): W[0,1] + W[1,1] = 1;  bottom edge (3,1): W[1,0] + W[1,1] = 2;
    //   inside (1,1): all four, 1 - 1 + 0 + 2 = 2
    CHECK(dx == Tensor<double>{{{{1, 0, 0, -1},  //
                                 {1, 2, 2, 1},
                                 {1, 2, 2, 1},
                                 {0, 2, 2, 2}}}});
  }
  SUBCASE("backward with one nonzero dy") {
    conv.forward(x);
    Tensor<double> dy = xt::zeros<double>({1, 1, 3, 3});
    dy(0, 0, 1, 2) = 1;  // only output (1, 2) matters; it saw x[1:3, 2:4]
    const auto& dx = conv.backward(dy);
    // dW = the patch that output saw;  db = 1;  dx = W placed back over that patch
    CHECK(conv.dW == Tensor<double>{{{{3, 2}, {1, 1}}}});
    CHECK(conv.db == Tensor<double>{1});
    CHECK(dx == Tensor<double>{{{{0, 0, 0, 0},  //
                                 {0, 0, 1, -1},
                                 {0, 0, 0, 2},
                                 {0, 0, 0, 0}}}});
  }
}
// [conv-worked-example]

// [im2col-worked-example]
TEST_CASE("im2col lays out each receptive field as a column") {
  SUBCASE("3x3 image, 2x2 kernel, no padding") {
    // Four kernel positions (Ho = Wo = 2) give four columns; each of the four
    // kernel weights (i, j) gives a row: the pixels it touches, x[oh + i, ow + j].
    const Tensor<double> x = {{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}};  // (C, H, Wd) = (1, 3, 3)
    const auto g = nn::conv_geometry(1, 3, 3, 2, 1, Padding::valid);
    CHECK(im2col_of(x, g) == Tensor<double>{{1, 2, 4, 5},    // (i, j) = (0, 0)
                                            {2, 3, 5, 6},    // (0, 1)
                                            {4, 5, 7, 8},    // (1, 0)
                                            {5, 6, 8, 9}});  // (1, 1)
  }
  SUBCASE("2x2 image, 2x2 kernel, 'same' padding puts the zero row and column after") {
    // Ho = ceil(2/1) = 2 needs P_tot = (2 - 1)*1 + 2 - 2 = 1: pad_top = 0, one zero row
    // below and one zero column on the right.
    const Tensor<double> x = {{{1, 2}, {3, 4}}};
    const auto g = nn::conv_geometry(1, 2, 2, 2, 1, Padding::same);
    CHECK(g.pad_top == 0);
    CHECK(g.pad_left == 0);
    CHECK(im2col_of(x, g) == Tensor<double>{{1, 2, 3, 4},    // x[oh, ow]
                                            {2, 0, 4, 0},    // x[oh, ow+1]
                                            {3, 4, 0, 0},    // x[oh+1, ow]
                                            {4, 0, 0, 0}});  // x[oh+1, ow+1]
  }
  SUBCASE("two channels, stride 2: channel 0's rows come first") {
    // 1x3 images, K = 1, S = 2: Wo = (3 - 1)/2 + 1 = 2, columns read x[c, 0, 0] and x[c, 0, 2]
    const Tensor<double> x = {{{1, 2, 3}}, {{4, 5, 6}}};
    const auto g = nn::conv_geometry(2, 1, 3, 1, 2, Padding::valid);
    CHECK(im2col_of(x, g) == Tensor<double>{{1, 3}, {4, 6}});
  }
}

TEST_CASE("col2im adds each column entry back onto its pixel") {
  // A column of ones per kernel position: each pixel collects one 1 for every
  // receptive field it belongs to. With a 2x2 kernel on 3x3: corners 1, edges 2, centre 4.
  const auto g = nn::conv_geometry(1, 3, 3, 2, 1, Padding::valid);
  const Tensor<double> dcols = xt::ones<double>({4, 4});
  Tensor<double> dx = xt::zeros<double>({1, 3, 3});
  nn::col2im(dcols.data(), g, 4, dx.data());
  CHECK(dx == Tensor<double>{{{1, 2, 1}, {2, 4, 2}, {1, 2, 1}}});
}
// [im2col-worked-example]

TEST_CASE("output sizes follow Ho = (H + 2P - K)/S + 1") {
  using nn::conv_output_size;
  // valid: floor((H - K)/S) + 1
  CHECK(conv_output_size(28, 3, 1, Padding::valid) == 26);
  CHECK(conv_output_size(7, 3, 2, Padding::valid) == 3);   // (7 - 3)/2 + 1
  CHECK(conv_output_size(8, 3, 2, Padding::valid) == 3);   // (8 - 3)/2 + 1 = 2.5 + 1, floored
  CHECK(conv_output_size(2, 3, 1, Padding::valid) == 0);   // the kernel does not fit
  // same: ceil(H / S)
  CHECK(conv_output_size(28, 3, 1, Padding::same) == 28);
  CHECK(conv_output_size(28, 3, 2, Padding::same) == 14);
  CHECK(conv_output_size(5, 3, 2, Padding::same) == 3);

  SUBCASE("'same' with stride 2 splits the padding like TensorFlow") {
    // H = 5: Ho = 3, P_tot = (3 - 1)*2 + 3 - 5 = 2, one row above and one below
    auto g = nn::conv_geometry(1, 5, 5, 3, 2, Padding::same);
    CHECK(g.Ho == 3);
    CHECK(g.pad_top == 1);
    // H = 6: Ho = 3, P_tot = (3 - 1)*2 + 3 - 6 = 1, the single row goes below
    g = nn::conv_geometry(1, 6, 6, 3, 2, Padding::same);
    CHECK(g.Ho == 3);
    CHECK(g.pad_top == 0);
    // H = 4, K = 1: Ho = 2, P_tot = (2 - 1)*2 + 1 - 4 < 0, so no padding at all
    g = nn::conv_geometry(1, 4, 4, 1, 2, Padding::same);
    CHECK(g.Ho == 2);
    CHECK(g.pad_top == 0);
  }
  SUBCASE("the capstone's convolutions") {
    nn::Generator rng(1);
    nn::Conv2D<float> c1(32, 3, Activation::relu), c2(64, 3, Activation::relu),
        c3(64, 3, Activation::relu);
    CHECK(c1.build({1, 28, 28}, rng) == nn::Shape{32, 26, 26});
    CHECK(c2.build({32, 13, 13}, rng) == nn::Shape{64, 11, 11});  // after 2x2 pooling
    CHECK(c3.build({64, 5, 5}, rng) == nn::Shape{64, 3, 3});
    // Keras's parameter counts: F*C*K*K + F
    CHECK(c2.W.size() + c2.b.size() == 18496);
  }
  SUBCASE("'same' keeps the size with stride 1 and halves it with stride 2") {
    nn::Generator rng(1);
    nn::Conv2D<float> same1(8, 3, Activation::none, 1, Padding::same);
    nn::Conv2D<float> same2(8, 3, Activation::none, 2, Padding::same);
    CHECK(same1.build({3, 28, 28}, rng) == nn::Shape{8, 28, 28});
    CHECK(same2.build({3, 28, 27}, rng) == nn::Shape{8, 14, 14});
  }
}

TEST_CASE("wrong shapes raise shape_error naming the layer and both shapes") {
  nn::Generator rng(1);
  nn::Conv2D<float> conv(32, 3);
  conv.build({1, 28, 28}, rng);
  const Tensor<float> rgb = xt::zeros<float>({2, 3, 28, 28});
  CHECK_THROWS_WITH_AS(conv.forward(rgb),
                       "conv2d input: expected (N, 1, 28, 28), got (2, 3, 28, 28)",
                       nn::shape_error);
  const Tensor<float> flat = xt::zeros<float>({2, 784});
  CHECK_THROWS_AS(conv.forward(flat), nn::shape_error);

  conv.forward(xt::zeros<float>({2, 1, 28, 28}));
  CHECK_THROWS_WITH_AS(conv.backward(xt::zeros<float>({2, 32, 28, 28})),
                       "conv2d backward dy: expected (2, 32, 26, 26), got (2, 32, 28, 28)",
                       nn::shape_error);

  nn::Conv2D<float> unbuilt(4, 5);
  CHECK_THROWS_WITH_AS(unbuilt.build({28, 28}, rng),
                       "conv2d build: expected (C, H, Wd), got (28, 28)", nn::shape_error);
  CHECK_THROWS_WITH_AS(unbuilt.build({1, 3, 3}, rng),
                       "conv2d build: expected (C, H, Wd) with H, Wd >= K = 5 for 'valid' padding, "
                       "got (1, 3, 3)",
                       nn::shape_error);
  CHECK_THROWS_AS(nn::Conv2D<float>(8, 3, Activation::none, 0), std::invalid_argument);
}

// [seven-loop-agreement-test]
TEST_CASE("forward equals the seven-loop definition of a convolution") {
  nn::Generator rng(11);
  struct Config {
    std::size_t C, H, Wd, F, K, S;
    Padding padding;
  };
  for (const Config& cfg : {Config{1, 8, 8, 4, 3, 1, Padding::valid},
                            Config{3, 7, 9, 5, 3, 2, Padding::valid},
                            Config{2, 6, 6, 3, 3, 2, Padding::same},
                            Config{2, 5, 7, 3, 2, 1, Padding::same},
                            Config{4, 9, 9, 2, 5, 3, Padding::same},
                            Config{3, 4, 4, 6, 1, 1, Padding::valid},
                            // kernels larger than the image: some kernel rows and
                            // columns only ever see padding
                            Config{1, 1, 1, 2, 5, 1, Padding::same},
                            Config{2, 3, 2, 2, 4, 3, Padding::same}}) {
    INFO("C=", cfg.C, " H=", cfg.H, " Wd=", cfg.Wd, " F=", cfg.F, " K=", cfg.K, " S=", cfg.S,
         " padding=", std::string(nn::to_string(cfg.padding)));
    nn::Conv2D<double> conv(cfg.F, cfg.K, Activation::none, cfg.S, cfg.padding);
    conv.build({cfg.C, cfg.H, cfg.Wd}, rng);
    conv.b = random_tensor<double>({cfg.F}, rng);
    // Two batch sizes in turn: the reused buffers must follow the batch size.
    for (std::size_t N : {3, 1}) {
      const Tensor<double> x = random_tensor<double>({N, cfg.C, cfg.H, cfg.Wd}, rng);
      const Tensor<double> expected = naive_conv2d(x, conv.W, conv.b, cfg.S, cfg.padding);
      const Tensor<double>& y = conv.forward(x);
      REQUIRE(nn::shape_of(y) == nn::shape_of(expected));
      CHECK(xt::amax(xt::abs(y - expected))() < 1e-12);
    }
  }
}
// [seven-loop-agreement-test]

TEST_CASE("forward in single precision with the fused ReLU equals max(0, definition)") {
  nn::Generator rng(12);
  nn::Conv2D<float> conv(16, 3, Activation::relu);
  conv.build({8, 12, 12}, rng);
  conv.b = random_tensor<float>({16}, rng);
  const Tensor<float> x = random_tensor<float>({4, 8, 12, 12}, rng);
  const Tensor<float> z = naive_conv2d(x, conv.W, conv.b, 1, Padding::valid);
  CHECK(xt::amax(xt::abs(conv.forward(x) - xt::maximum(z, 0.f)))() < 1e-5f);
}

// [conv-gradcheck-test]
TEST_CASE("conv2d gradients agree with central differences") {
  nn::Generator rng(3);
  // C = 2 channels in, F = 3 filters out, 5x5 and 6x6 images, batch of 2. Inputs and
  // biases are small so that L, and with it the round-off in the central differences,
  // stays small next to the smallest gradients.
  for (std::size_t K : {2, 3})
    for (std::size_t S : {1, 2})
      for (Padding padding : {Padding::valid, Padding::same})
        for (Activation f : {Activation::none, Activation::tanh, Activation::relu}) {
          for (std::size_t H : {5, 6}) {
            INFO("K=", K, " S=", S, " H=", H, " padding=", std::string(nn::to_string(padding)),
                 " activation=", std::string(nn::to_string(f)));
            nn::Conv2D<double> conv(3, K, f, S, padding);
            conv.build({2, H, H}, rng);
            conv.b = random_tensor<double>({3}, rng, 0.2);
            const Tensor<double> x = random_tensor<double>({2, 2, H, H}, rng, 0.2);
            const nn::GradCheckResult r = nn::gradcheck_layer(conv, x);
            INFO(r.report());
            // ReLU has a kink at 0: a z within h of it would spoil the difference.
            CHECK(r.max_rel_error < (f == Activation::relu ? 1e-4 : 1e-7));
          }
        }
}
// [conv-gradcheck-test]

TEST_CASE("conv2d gradients are right when the kernel is larger than the image") {
  // A 5x5 kernel on a 2x3 image with 'same' padding: some kernel rows and columns
  // only ever see padding, and their entries of dcols must be dropped.
  nn::Generator rng(4);
  nn::Conv2D<double> conv(2, 5, Activation::tanh, 1, Padding::same);
  CHECK(conv.build({2, 2, 3}, rng) == nn::Shape{2, 2, 3});
  const Tensor<double> x = random_tensor<double>({2, 2, 2, 3}, rng, 0.2);
  const nn::GradCheckResult r = nn::gradcheck_layer(conv, x);
  INFO(r.report());
  CHECK(r.max_rel_error < 1e-7);
}

TEST_CASE("conv2d parameter gradients accumulate until zeroed") {
  nn::Generator rng(5);
  nn::Conv2D<double> conv(2, 3, Activation::tanh);
  conv.build({1, 5, 5}, rng);
  const Tensor<double> x = random_tensor<double>({2, 1, 5, 5}, rng);
  const Tensor<double> dy = random_tensor<double>({2, 2, 3, 3}, rng);
  conv.forward(x);
  conv.backward(dy);
  const Tensor<double> dW1 = conv.dW, db1 = conv.db;
  conv.forward(x);
  conv.backward(dy);
  CHECK(xt::amax(xt::abs(conv.dW - 2.0 * dW1))() < 1e-12);
  CHECK(xt::amax(xt::abs(conv.db - 2.0 * db1))() < 1e-12);
  conv.zero_grad();
  CHECK(xt::amax(xt::abs(conv.dW))() == 0.0);
}
