// Chapter 6 checks: max and average pooling worked by hand, overlapping windows,
// Flatten, and the gradient checker on all three.
#include <doctest/doctest.h>

#include "nn/flatten.hpp"
#include "nn/gradcheck.hpp"
#include "nn/pooling.hpp"
#include "test_support.hpp"  // failure messages show a tensor's shape and values

using nn::Tensor;

namespace {
// Distinct values 0.001 apart in a random order, centred on 0: no two inputs of a
// window are within the gradient check's step (1e-5) of each other, so no maximum
// changes under it. Small values keep the loss, and so its round-off, small.
Tensor<double> distinct_values(const nn::Shape& shape, nn::Generator& rng) {
  Tensor<double> t = Tensor<double>::from_shape(shape);
  const auto order = rng.permutation(t.size());
  const double centre = 0.0005 * double(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = 0.001 * double(order[i]) - centre;
  return t;
}
}  // namespace

// [maxpool-worked-example]
TEST_CASE("2x2 max pooling of a 4x4 image: each dy goes to its window's maximum") {
  nn::Generator rng(1);
  nn::MaxPool2D<double> pool;  // K = 2, S = K = 2: Ho = (4 - 2)/2 + 1 = 2
  CHECK(pool.build({1, 4, 4}, rng) == nn::Shape{1, 2, 2});
  // The four windows, with the maximum of each (and its flat index h*4 + w):
  //   1 3 | 2 0      top-left  max 4 at (1,0) -> 4     top-right    max 5 at (1,3) -> 7
  //   4 2 | 1 5
  //   ----+----
  //   0 6 | 7 1      bottom-left max 6 at (2,1) -> 9   bottom-right max 8 at (3,3) -> 15
  //   2 1 | 3 8
  const Tensor<double> x = {{{{1, 3, 2, 0},  //
                              {4, 2, 1, 5},
                              {0, 6, 7, 1},
                              {2, 1, 3, 8}}}};
  SUBCASE("forward") {
    CHECK(pool.forward(x) == Tensor<double>{{{{4, 5}, {6, 8}}}});
    CHECK(pool.argmax() == std::vector<std::size_t>{4, 7, 9, 15});
  }
  SUBCASE("backward") {
    pool.forward(x);
    const Tensor<double> dy = {{{{10, 20}, {30, 40}}}};
    // y = x[argmax]: dy/dx is 1 at the maximum, 0 at the other three inputs of the window
    CHECK(pool.backward(dy) == Tensor<double>{{{{0, 0, 0, 0},  //
                                                 {10, 0, 0, 20},
                                                 {0, 30, 0, 0},
                                                 {0, 0, 0, 40}}}});
  }
}
// [maxpool-worked-example]

// [avgpool-worked-example]
TEST_CASE("2x2 average pooling of a 4x4 image: each dy is shared by its window") {
  nn::Generator rng(1);
  nn::AvgPool2D<double> pool(2);
  pool.build({1, 4, 4}, rng);
  const Tensor<double> x = {{{{1, 3, 2, 0},  //
                              {4, 2, 1, 5},
                              {0, 6, 7, 1},
                              {2, 1, 3, 8}}}};
  SUBCASE("forward") {
    // (1+3+4+2)/4 = 2.5   (2+0+1+5)/4 = 2   (0+6+2+1)/4 = 2.25   (7+1+3+8)/4 = 4.75
    CHECK(pool.forward(x) == Tensor<double>{{{{2.5, 2}, {2.25, 4.75}}}});
  }
  SUBCASE("backward") {
    pool.forward(x);
    const Tensor<double> dy = {{{{4, 8}, {12, 16}}}};
    // y = (x1 + x2 + x3 + x4)/4: each input of a window receives dy/4
    CHECK(pool.backward(dy) == Tensor<double>{{{{1, 1, 2, 2},  //
                                                 {1, 1, 2, 2},
                                                 {3, 3, 4, 4},
                                                 {3, 3, 4, 4}}}});
  }
}
// [avgpool-worked-example]

// [overlapping-pool-example]
TEST_CASE("overlapping 3x3 windows with stride 2 add up the gradients they share") {
  // 5x5 input, K = 3, S = 2: Ho = (5 - 3)/2 + 1 = 2. All four windows contain
  // the centre pixel (2, 2), and in each it is the maximum.
  nn::Generator rng(1);
  const Tensor<double> x = {{{{1, 2, 3, 2, 1},  //
                              {2, 4, 5, 4, 2},
                              {3, 5, 9, 5, 3},
                              {2, 4, 5, 4, 2},
                              {1, 2, 3, 2, 1}}}};
  const Tensor<double> dy = {{{{1, 2}, {3, 4}}}};

  SUBCASE("max pooling") {
    nn::MaxPool2D<double> pool(3, 2);
    CHECK(pool.build({1, 5, 5}, rng) == nn::Shape{1, 2, 2});
    CHECK(pool.forward(x) == Tensor<double>{{{{9, 9}, {9, 9}}}});
    // all four dy land on the centre: 1 + 2 + 3 + 4 = 10
    Tensor<double> expected = xt::zeros<double>({1, 1, 5, 5});
    expected(0, 0, 2, 2) = 10;
    CHECK(pool.backward(dy) == expected);
  }
  SUBCASE("average pooling") {
    nn::AvgPool2D<double> pool(3, 2);
    pool.build({1, 5, 5}, rng);
    pool.forward(x);
    const auto& dx = pool.backward(dy);
    // each window hands dy/9 to each of its pixels
    CHECK(dx(0, 0, 0, 0) == doctest::Approx(1.0 / 9));        // top-left window only
    CHECK(dx(0, 0, 0, 2) == doctest::Approx((1.0 + 2) / 9));  // both top windows
    CHECK(dx(0, 0, 2, 2) == doctest::Approx(10.0 / 9));       // all four windows
    CHECK(dx(0, 0, 4, 4) == doctest::Approx(4.0 / 9));        // bottom-right window only
  }
}
// [overlapping-pool-example]

TEST_CASE("pooling output sizes follow Ho = (H - K)/S + 1") {
  nn::Generator rng(1);
  nn::MaxPool2D<float> p2;
  CHECK(p2.stride() == 2);                                       // stride defaults to K
  CHECK(p2.build({32, 26, 26}, rng) == nn::Shape{32, 13, 13});   // the capstone
  nn::MaxPool2D<float> p2b;
  CHECK(p2b.build({64, 11, 11}, rng) == nn::Shape{64, 5, 5});    // (11 - 2)/2 + 1, floored
  nn::AvgPool2D<float> p3(3, 1);
  CHECK(p3.build({2, 7, 6}, rng) == nn::Shape{2, 5, 4});
  CHECK(p2.kind() == "max_pooling2d");
  CHECK(p3.kind() == "average_pooling2d");
}

TEST_CASE("pooling layers reject wrong shapes by name") {
  nn::Generator rng(1);
  nn::MaxPool2D<float> pool;
  CHECK_THROWS_WITH_AS(pool.build({26, 26}, rng),
                       "max_pooling2d build: expected (C, H, Wd) with H, Wd >= pool size 2, "
                       "got (26, 26)",
                       nn::shape_error);
  nn::AvgPool2D<float> big(5);
  CHECK_THROWS_AS(big.build({1, 4, 4}, rng), nn::shape_error);
  pool.build({3, 8, 8}, rng);
  CHECK_THROWS_WITH_AS(pool.forward(xt::zeros<float>({2, 1, 8, 8})),
                       "max_pooling2d input: expected (N, 3, 8, 8), got (2, 1, 8, 8)",
                       nn::shape_error);
}

// [pool-gradcheck-test]
TEST_CASE("pooling gradients agree with central differences") {
  nn::Generator rng(9);
  struct Config {
    std::size_t K, S, H, Wd;
  };
  for (const Config& cfg : {Config{2, 2, 6, 6}, Config{2, 2, 7, 5}, Config{3, 2, 7, 7},
                            Config{2, 1, 5, 6}, Config{3, 3, 6, 9}, Config{3, 1, 5, 5}}) {
    INFO("K=", cfg.K, " S=", cfg.S, " H=", cfg.H, " Wd=", cfg.Wd);
    const Tensor<double> x = distinct_values({2, 3, cfg.H, cfg.Wd}, rng);
    nn::MaxPool2D<double> max_pool(cfg.K, cfg.S);
    max_pool.build({3, cfg.H, cfg.Wd}, rng);
    const auto r_max = nn::gradcheck_layer(max_pool, x);
    INFO("max pooling: ", r_max.report());
    CHECK(r_max.max_rel_error < 1e-7);  // no ties: piecewise linear, and away from its kinks

    nn::AvgPool2D<double> avg_pool(cfg.K, cfg.S);
    avg_pool.build({3, cfg.H, cfg.Wd}, rng);
    const auto r_avg = nn::gradcheck_layer(avg_pool, x);
    INFO("average pooling: ", r_avg.report());
    CHECK(r_avg.max_rel_error < 1e-7);
  }
}
// [pool-gradcheck-test]

// [flatten-example]
TEST_CASE("Flatten keeps the values in NCHW order and backward reshapes them back") {
  nn::Generator rng(1);
  nn::Flatten<double> flatten;
  CHECK(flatten.build({2, 2, 3}, rng) == nn::Shape{12});  // C*H*Wd = 2*2*3
  // x[n, c, h, w] = 100n + 10c + (3h + w): each example becomes one row
  Tensor<double> x = Tensor<double>::from_shape({2, 2, 2, 3});
  for (std::size_t n = 0; n < 2; ++n)
    for (std::size_t c = 0; c < 2; ++c)
      for (std::size_t k = 0; k < 6; ++k) x(n, c, k / 3, k % 3) = 100.0 * n + 10.0 * c + k;
  const auto& y = flatten.forward(x);
  CHECK(y == Tensor<double>{{0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15},
                            {100, 101, 102, 103, 104, 105, 110, 111, 112, 113, 114, 115}});
  // backward of the output itself gives x back: the round trip is exact
  const Tensor<double> dy = y;
  CHECK(flatten.backward(dy) == x);

  const auto r = nn::gradcheck_layer(flatten, x);
  INFO(r.report());
  CHECK(r.max_rel_error < 1e-7);
  CHECK_THROWS_AS(flatten.backward(xt::zeros<double>({2, 11})), nn::shape_error);
}
// [flatten-example]
