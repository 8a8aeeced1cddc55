// Tests for chapter 5's exercises. Each exercise is one doctest suite:
//   ./nnbook exercise ex5.1     (or: build/exercises/exercise_tests -ts=ex5.1)
#include <doctest/doctest.h>

#include <xtensor/xview.hpp>

#include "nn/conv2d.hpp"
#include "test_support.hpp"

// The functions under test, defined in exercises/05_cnn/ (or solutions/05_cnn/).
namespace ex {
std::size_t conv_output_size(std::size_t n, std::size_t K, std::size_t S, std::size_t P);
nn::Tensor<double> im2col(const nn::Tensor<double>& x, std::size_t K, std::size_t S,
                          std::size_t P);
nn::Tensor<double> conv2d_forward(const nn::Tensor<double>& x, const nn::Tensor<double>& W,
                                  double b);
void conv2d_backward_weights(const nn::Tensor<double>& x, const nn::Tensor<double>& dz,
                             nn::Tensor<double>& dW, double& db);
nn::Tensor<double> dilated_conv_forward(const nn::Tensor<double>& x, const nn::Tensor<double>& W,
                                        std::size_t S, std::size_t Dl);
nn::Tensor<double> dilated_conv_backward_input(const nn::Tensor<double>& x,
                                               const nn::Tensor<double>& W,
                                               const nn::Tensor<double>& dz, std::size_t S,
                                               std::size_t Dl);
}  // namespace ex

using nn::test::check_close;
using nn::test::check_value;
using nn::test::random_tensor;

TEST_SUITE("ex5.1") {
  TEST_CASE("im2col of a 3x3 image by a 2x2 kernel, worked by hand") {
    const nn::Tensor<double> x = {{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}};
    // each row: the pixels one kernel weight (i, j) touches, x[oh + i, ow + j]
    check_close("cols", ex::im2col(x, 2, 1, 0), nn::Tensor<double>{{1, 2, 4, 5},
                                                                   {2, 3, 5, 6},
                                                                   {4, 5, 7, 8},
                                                                   {5, 6, 8, 9}});
  }

  TEST_CASE("im2col with one pixel of padding puts zeros at the border") {
    // 2x2 image, K = 2, P = 1: Ho = (2 + 2 - 2)/1 + 1 = 3. Weight (0, 0) sees the padded
    // image's top-left 3x3 block, whose first row and column are padding.
    const nn::Tensor<double> x = {{{1, 2}, {3, 4}}};
    const nn::Tensor<double> cols = ex::im2col(x, 2, 1, 1);
    REQUIRE(nn::shape_of(cols) == nn::Shape{4, 9});
    check_close("cols row 0", xt::view(cols, 0), nn::Tensor<double>{0, 0, 0, 0, 1, 2, 0, 3, 4});
    check_close("cols row 3", xt::view(cols, 3), nn::Tensor<double>{1, 2, 0, 3, 4, 0, 0, 0, 0});
  }

  TEST_CASE("im2col agrees with the library's nn::im2col") {
    nn::Generator rng(51);
    struct Config {
      std::size_t C, H, Wd, K, S, P;
    };
    for (const Config& c : {Config{1, 5, 5, 3, 1, 0}, Config{3, 6, 7, 3, 2, 0},
                            Config{2, 5, 5, 3, 1, 1}, Config{2, 7, 6, 5, 2, 2},
                            Config{4, 4, 4, 1, 1, 0}}) {
      INFO("C=", c.C, " H=", c.H, " Wd=", c.Wd, " K=", c.K, " S=", c.S, " P=", c.P);
      const nn::Tensor<double> x = random_tensor({c.C, c.H, c.Wd}, rng);
      nn::ConvGeometry g;
      g.C = c.C, g.H = c.H, g.Wd = c.Wd, g.K = c.K, g.S = c.S, g.pad_top = c.P, g.pad_left = c.P;
      g.Ho = ex::conv_output_size(c.H, c.K, c.S, c.P);
      g.Wo = ex::conv_output_size(c.Wd, c.K, c.S, c.P);
      nn::Tensor<double> expected =
          nn::Tensor<double>::from_shape({g.patch_size(), g.out_pixels()});
      nn::im2col(x.data(), g, expected.data(), g.out_pixels());
      const nn::Tensor<double> got = ex::im2col(x, c.K, c.S, c.P);
      check_close("cols", got, expected);
    }
  }
}

TEST_SUITE("ex5.2") {
  TEST_CASE("the weight gradient of the chapter's 4x4 example, worked by hand") {
    const nn::Tensor<double> x = {{1, 2, 0, 1}, {0, 1, 3, 2}, {2, 0, 1, 1}, {1, 3, 0, 2}};
    const nn::Tensor<double> dz = xt::ones<double>({3, 3});
    // the outputs hold leftovers: they must be set, not added to
    nn::Tensor<double> dW = nn::test::filled({2, 2}, nn::test::leftover);
    double db = nn::test::leftover;
    ex::conv2d_backward_weights(x, dz, dW, db);
    // dW[i, j] = the sum of the 3x3 block of x at (i, j):
    //   1+2+0+0+1+3+2+0+1 = 10   2+0+1+1+3+2+0+1+1 = 11
    //   0+1+3+2+0+1+1+3+0 = 11   1+3+2+0+1+1+3+0+2 = 13
    check_close("dW", dW, nn::Tensor<double>{{10, 11}, {11, 13}});
    check_value("db", db, 9);  // nine outputs, each dz = 1
  }

  TEST_CASE("the weight gradient agrees with the library's Conv2D and central differences") {
    nn::Generator rng(52);
    nn::Conv2D<double> conv(1, 3);
    conv.build({1, 6, 5}, rng);
    conv.b = nn::Tensor<double>{0.3};
    const nn::Tensor<double> x = random_tensor({6, 5}, rng);
    const nn::Tensor<double> dz = random_tensor({4, 3}, rng);
    // the library's layer on the same numbers, as a batch of one single-channel image
    conv.forward(xt::reshape_view(x, nn::Shape{1, 1, 6, 5}));
    conv.backward(xt::reshape_view(dz, nn::Shape{1, 1, 4, 3}));

    nn::Tensor<double> W = xt::view(conv.W, 0, 0);
    nn::Tensor<double> dW = nn::test::filled({3, 3}, -1.0);
    double db = -1;
    ex::conv2d_backward_weights(x, dz, dW, db);
    check_value("db", db, conv.db(0));
    check_close("dW", dW, xt::view(conv.dW, 0, 0));
    for (std::size_t i = 0; i < 3; ++i)
      for (std::size_t j = 0; j < 3; ++j) {
        CAPTURE(i);
        CAPTURE(j);
        // L = sum(z * dz): nudge W[i, j] both ways
        const double h = 1e-6, saved = W(i, j);
        W(i, j) = saved + h;
        const double plus = xt::sum(ex::conv2d_forward(x, W, 0.3) * dz)();
        W(i, j) = saved - h;
        const double minus = xt::sum(ex::conv2d_forward(x, W, 0.3) * dz)();
        W(i, j) = saved;
        check_value("dW[" + std::to_string(i) + ", " + std::to_string(j) + "]", dW(i, j),
                    (plus - minus) / (2 * h), 1e-6);
      }
  }
}

TEST_SUITE("ex5.3") {
  TEST_CASE("the input gradient of a dilated convolution, worked by hand") {
    // x 5x5, K = 2, S = 1, Dl = 2: the kernel's taps are 2 apart, Ho = Wo = 5 - 2 (2 - 1) = 3.
    // W = [[1, 2], [3, 4]]; dz is 1 at (0, 0) only, so dx is that output's taps:
    //   dx[0, 0] = 1, dx[0, 2] = 2, dx[2, 0] = 3, dx[2, 2] = 4, 0 elsewhere.
    const nn::Tensor<double> x = xt::zeros<double>({5, 5});
    const nn::Tensor<double> W = {{1, 2}, {3, 4}};
    nn::Tensor<double> dz = xt::zeros<double>({3, 3});
    dz(0, 0) = 1;
    nn::Tensor<double> expected = xt::zeros<double>({5, 5});
    expected(0, 0) = 1, expected(0, 2) = 2, expected(2, 0) = 3, expected(2, 2) = 4;
    check_close("dx", ex::dilated_conv_backward_input(x, W, dz, 1, 2), expected);
    // dz all ones: x[2, 2] is tap (1, 1) of output (0, 0), (1, 0) of (0, 2), (0, 1) of (2, 0)
    // and (0, 0) of (2, 2): it collects 4 + 3 + 2 + 1 = 10
    const nn::Tensor<double> dx = ex::dilated_conv_backward_input(x, W, xt::ones<double>({3, 3}), 1, 2);
    check_value("dx[2, 2]", dx(2, 2), 10);
  }

  TEST_CASE("the input gradient agrees with central differences, for strides and dilations") {
    nn::Generator rng(53);
    for (auto [stride, dilation] : {std::pair<std::size_t, std::size_t>{1, 1}, {2, 1}, {1, 2}, {2, 2}, {3, 2}}) {
      const std::size_t S = stride, Dl = dilation;  // named copies: CAPTURE cannot take a binding
      CAPTURE(S);
      CAPTURE(Dl);
      const nn::Tensor<double> x = random_tensor({9, 8}, rng), W = random_tensor({3, 3}, rng);
      const std::size_t Ho = (9 - Dl * 2 - 1) / S + 1, Wo = (8 - Dl * 2 - 1) / S + 1;
      const nn::Tensor<double> dz = random_tensor({Ho, Wo}, rng);
      // L = sum z dz, so dL/dz = dz
      auto loss = [&](const nn::Tensor<double>& at) {
        return double(xt::sum(ex::dilated_conv_forward(at, W, S, Dl) * dz)());
      };
      check_close("dx", ex::dilated_conv_backward_input(x, W, dz, S, Dl),
                  nn::test::central_differences(loss, x), 1e-7);
    }
  }
}
