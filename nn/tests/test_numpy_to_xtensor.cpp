// NumPy to xtensor: the operations the book uses, each written both ways. The book's primer
// (docs/primer.rst) prints the table from this file: every "// np:" line is the NumPy
// column, the code lines under it the xtensor column, without the CHECKs and the lines
// marked "test only". Each CHECK asserts the value the NumPy line gives, so the table
// cannot drift from what compiles.
#include <doctest/doctest.h>

#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xindex_view.hpp>
#include <xtensor/xmanipulation.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xsort.hpp>
#include <xtensor/xview.hpp>

#include "nn/tensor.hpp"

using nn::Tensor;

TEST_CASE("every line of the primer's NumPy-to-xtensor table computes what NumPy computes") {
  // [numpy-table]
  // np: x = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32)
  Tensor<float> x = {{1, 2, 3}, {4, 5, 6}};
  CHECK(x(1, 0) == 4);

  // np: z = np.zeros((2, 3), dtype=np.float32)
  Tensor<float> z = xt::zeros<float>({2, 3});
  CHECK(xt::sum(z)() == 0);

  // np: x.shape, x.shape[0], x.ndim, x.size
  nn::Shape shape = nn::shape_of(x);
  std::size_t rows = x.shape(0), rank = x.dimension(), count = x.size();
  CHECK(shape == nn::Shape{2, 3});
  CHECK((rows == 2 && rank == 2 && count == 6));

  // np: x[1, 2] = 7.0
  x(1, 2) = 7.0f;
  CHECK(x(1, 2) == 7);

  // np: y = x.copy()        # in C++, = copies
  Tensor<float> y = x;
  y(0, 0) = 100;  // test only
  CHECK(x(0, 0) == 1);

  // np: r = x               # a second name for the same array
  Tensor<float>& r = x;
  r(0, 0) = 10;  // test only
  CHECK(x(0, 0) == 10);
  r(0, 0) = 1;  // test only

  // np: x.T
  Tensor<float> xT = xt::transpose(x);
  CHECK(nn::shape_of(xT) == nn::Shape{3, 2});

  // np: x @ W
  Tensor<float> W = {{1, 0}, {0, 1}, {1, 1}};
  Tensor<float> xW = xt::linalg::dot(x, W);
  CHECK(xW == Tensor<float>{{4, 5}, {11, 12}});

  // np: x + b               # b, shape (3,), is added to every row
  Tensor<float> b = {10, 20, 30};
  Tensor<float> xb = x + b;
  CHECK(xb == Tensor<float>{{11, 22, 33}, {14, 25, 37}});

  // np: x * x               # element by element
  Tensor<float> squared = x * x;
  CHECK(squared(1, 2) == 49);

  // np: np.maximum(x - 3, 0), np.exp(x), np.tanh(x)
  Tensor<float> relu = xt::maximum(x - 3.0f, 0.0f);
  Tensor<float> e = xt::exp(x), t = xt::tanh(x);
  CHECK(relu == Tensor<float>{{0, 0, 0}, {1, 2, 4}});
  CHECK(e(0, 0) == doctest::Approx(2.7182818));
  CHECK(t(0, 0) == doctest::Approx(0.7615942));

  // np: x.sum(), x.sum(axis=0), x.mean()
  float total = xt::sum(x)();
  Tensor<float> column_sums = xt::sum(x, {0});
  float mean = xt::mean(x)();
  CHECK(total == 22);
  CHECK(column_sums == Tensor<float>{5, 7, 10});
  CHECK(mean == doctest::Approx(22.0 / 6));

  // np: x.max(), np.argmax(x, axis=1)
  float largest = xt::amax(x)();
  Tensor<std::size_t> best = xt::argmax(x, 1);
  CHECK(largest == 7);
  CHECK(best == Tensor<std::size_t>{2, 2});

  // np: np.abs(x - y).max()  # the largest difference
  float worst = xt::amax(xt::abs(x - y))();
  CHECK(worst == 99);

  // np: np.array_equal(x, y)  # == gives one bool
  bool same = (x == y);
  CHECK_FALSE(same);

  // np: x[0], x[:, 1:3]     # views: no copy
  auto row0 = xt::view(x, 0, xt::all());
  auto right = xt::view(x, xt::all(), xt::range(1, 3));
  CHECK(row0(2) == 3);
  CHECK(right(1, 1) == 7);

  // np: r2 = x.reshape(3, 2)  # xtensor reshapes in place
  Tensor<float> r2 = x;
  r2.reshape({3, 2});
  CHECK(r2(2, 1) == 7);

  // np: x.flatten()
  Tensor<float> flat = xt::flatten(x);
  CHECK(flat.size() == 6);

  // np: m = x.copy(); m[m > 4] = 0  # a boolean mask
  Tensor<float> m = x;
  xt::filtration(m, m > 4.0f) = 0.0f;
  CHECK(m == Tensor<float>{{1, 2, 3}, {4, 0, 0}});
  // [numpy-table]
}
