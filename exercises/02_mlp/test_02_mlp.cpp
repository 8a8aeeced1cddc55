// Tests for chapter 2's exercises. Each exercise is one doctest suite:
//   ./nnbook exercise ex2.1     (or: build/exercises/exercise_tests -ts=ex2.1)
#include <doctest/doctest.h>

#include "nn/dense.hpp"
#include "test_support.hpp"

// The functions under test, defined in exercises/02_mlp/ (or solutions/02_mlp/).
namespace ex {
void dense_forward(const nn::Tensor<double>& x, const nn::Tensor<double>& W,
                   const nn::Tensor<double>& b, nn::Tensor<double>& y);
void dense_backward(const nn::Tensor<double>& x, const nn::Tensor<double>& W,
                    const nn::Tensor<double>& dy, nn::Tensor<double>& dx,
                    nn::Tensor<double>& dW, nn::Tensor<double>& db);
void xor_weights(nn::Tensor<double>& W1, nn::Tensor<double>& b1, nn::Tensor<double>& W2,
                 nn::Tensor<double>& b2);
void linear_forward(const nn::Tensor<double>& x, const nn::Tensor<double>& W,
                    const nn::Tensor<double>& b, nn::Tensor<double>& y);
void linear_backward(const nn::Tensor<double>& x, const nn::Tensor<double>& W,
                     const nn::Tensor<double>& dy, nn::Tensor<double>& dx,
                     nn::Tensor<double>& dW, nn::Tensor<double>& db);
}  // namespace ex

namespace {

using nn::Tensor;
using nn::test::check_close;
using nn::test::filled;
using nn::test::random_tensor;

// The batch of the chapter's worked example: x (N, D) = (2, 3), W (D, U) = (3, 2), b (U,).
const Tensor<double> x_text = {{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}};
const Tensor<double> W_text = {{1.0, -1.0}, {0.0, 2.0}, {1.0, 0.0}};
const Tensor<double> b_text = {0.5, -0.5};

}  // namespace

TEST_SUITE("ex2.1") {
  TEST_CASE("dense forward reproduces the chapter's batch of two, worked by hand") {
    Tensor<double> y = filled({2, 2}, nn::test::leftover);  // leftovers: y must be set
    ex::dense_forward(x_text, W_text, b_text, y);
    // row 1: (1*1 + 2*0 + 3*1, 1*(-1) + 2*2 + 3*0) + b = (4, 3) + (0.5, -0.5) = (4.5, 2.5)
    // row 2: (4 + 0 + 6, -4 + 10 + 0) + b = (10, 6) + (0.5, -0.5) = (10.5, 5.5)
    check_close("y", y, Tensor<double>{{4.5, 2.5}, {10.5, 5.5}});
  }

  TEST_CASE("dense forward agrees with nn::Dense on a random batch of three") {
    // D = 4 inputs and U = 5 units differ, so a W indexed the wrong way round shows
    nn::Generator rng(21);
    nn::Dense<double> dense(5);
    dense.build({4}, rng);
    dense.b = random_tensor({5}, rng);
    const Tensor<double> x = random_tensor({3, 4}, rng);
    Tensor<double> y = xt::zeros<double>({3, 5});
    ex::dense_forward(x, dense.W, dense.b, y);
    check_close("y", y, dense.forward(x));
  }
}

TEST_SUITE("ex2.2") {
  TEST_CASE("dense backward reproduces the chapter's batch of two, worked by hand") {
    const Tensor<double> dy = {{1.0, 0.0}, {0.0, 1.0}};
    // filled with leftovers: the gradients must be set, not added to
    Tensor<double> dx = filled({2, 3}, nn::test::leftover);
    Tensor<double> dW = filled({3, 2}, nn::test::leftover);
    Tensor<double> db = filled({2}, nn::test::leftover);
    ex::dense_backward(x_text, W_text, dy, dx, dW, db);
    // dW = x^T dy: column u collects the inputs of the examples whose dy_u is 1
    //    = ((1, 4), (2, 5), (3, 6))
    check_close("dW", dW, Tensor<double>{{1.0, 4.0}, {2.0, 5.0}, {3.0, 6.0}});
    // db = sum over the batch of dy = (1 + 0, 0 + 1) = (1, 1)
    check_close("db", db, Tensor<double>{1.0, 1.0});
    // dx = dy W^T: row 1 is W's first column (1, 0, 1), row 2 its second (-1, 2, 0)
    check_close("dx", dx, Tensor<double>{{1.0, 0.0, 1.0}, {-1.0, 2.0, 0.0}});
  }

  TEST_CASE("dense backward agrees with nn::Dense on a random batch of three") {
    nn::Generator rng(22);
    nn::Dense<double> dense(5);
    dense.build({4}, rng);
    const Tensor<double> x = random_tensor({3, 4}, rng);
    const Tensor<double> dy = random_tensor({3, 5}, rng);
    dense.forward(x);
    const Tensor<double> dx_ref = dense.backward(dy);  // dW, db started at zero: now the gradient

    Tensor<double> dx = xt::zeros<double>({3, 4});
    Tensor<double> dW = xt::zeros<double>({4, 5});
    Tensor<double> db = xt::zeros<double>({5});
    // twice: a second call must give the same gradients, not twice them
    ex::dense_backward(x, dense.W, dy, dx, dW, db);
    ex::dense_backward(x, dense.W, dy, dx, dW, db);
    check_close("dx", dx, dx_ref);
    check_close("dW", dW, dense.dW);
    check_close("db", db, dense.db);
  }
}

TEST_SUITE("ex2.3") {
  TEST_CASE("the hand-chosen weights make a 2-2-1 sigmoid network compute XOR") {
    Tensor<double> W1 = xt::zeros<double>({2, 2}), b1 = xt::zeros<double>({2});
    Tensor<double> W2 = xt::zeros<double>({2, 1}), b2 = xt::zeros<double>({1});
    ex::xor_weights(W1, b1, W2, b2);
    REQUIRE(nn::shape_of(W1) == nn::Shape{2, 2});
    REQUIRE(nn::shape_of(b1) == nn::Shape{2});
    REQUIRE(nn::shape_of(W2) == nn::Shape{2, 1});
    REQUIRE(nn::shape_of(b2) == nn::Shape{1});

    // The network of the text, run by the library's own layers.
    nn::Generator rng(1);
    nn::Dense<double> hidden(2, nn::Activation::sigmoid), output(1, nn::Activation::sigmoid);
    hidden.build({2}, rng);
    output.build({2}, rng);
    hidden.W = W1;
    hidden.b = b1;
    output.W = W2;
    output.b = b2;
    const Tensor<double> x = {{0.0, 0.0}, {0.0, 1.0}, {1.0, 0.0}, {1.0, 1.0}};
    const Tensor<double> y = output.forward(hidden.forward(x));
    // XOR: 1 when exactly one input is 1
    INFO("outputs for (0,0), (0,1), (1,0), (1,1): ", y(0, 0), ", ", y(1, 0), ", ", y(2, 0), ", ",
         y(3, 0));
    CHECK(y(0, 0) < 0.1);
    CHECK(y(1, 0) > 0.9);
    CHECK(y(2, 0) > 0.9);
    CHECK(y(3, 0) < 0.1);
  }
}

TEST_SUITE("ex2.4") {
  // L = sum_{n,u} y_nu r_nu for a fixed r, so that dL/dy = r: every output gets a gradient
  double loss_of(const Tensor<double>& x, const Tensor<double>& W, const Tensor<double>& b,
                 const Tensor<double>& r) {
    Tensor<double> y = xt::zeros<double>({x.shape(0), W.shape(0)});
    ex::linear_forward(x, W, b, y);
    return xt::sum(y * r)();
  }

  TEST_CASE("the (U, D) layout's backward, worked by hand") {
    // W stored (U, D) = (2, 3): row u holds unit u's weights; the same numbers as W_text^T
    const Tensor<double> W = {{1.0, 0.0, 1.0}, {-1.0, 2.0, 0.0}};
    const Tensor<double> dy = {{1.0, 0.0}, {0.0, 1.0}};
    Tensor<double> dx = filled({2, 3}, nn::test::leftover);
    Tensor<double> dW = filled({2, 3}, nn::test::leftover);
    Tensor<double> db = filled({2}, nn::test::leftover);
    ex::linear_backward(x_text, W, dy, dx, dW, db);
    // dW_ud = sum_n dy_nu x_nd: row u is the input of the example whose dy_u is 1
    check_close("dW", dW, Tensor<double>{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
    // db = sum over the batch of dy = (1, 1)
    check_close("db", db, Tensor<double>{1.0, 1.0});
    // dx_nd = sum_u dy_nu W_ud: row n is row n of W
    check_close("dx", dx, Tensor<double>{{1.0, 0.0, 1.0}, {-1.0, 2.0, 0.0}});
  }

  TEST_CASE("the (U, D) layout's backward agrees with central differences of the forward") {
    // N = 3, D = 4, U = 5: every size differs, so no index can stand for another
    nn::Generator rng(24);
    const Tensor<double> x = random_tensor({3, 4}, rng), W = random_tensor({5, 4}, rng);
    const Tensor<double> b = random_tensor({5}, rng), r = random_tensor({3, 5}, rng);
    Tensor<double> dx = filled({3, 4}, nn::test::leftover);
    Tensor<double> dW = filled({5, 4}, nn::test::leftover);
    Tensor<double> db = filled({5}, nn::test::leftover);
    ex::linear_backward(x, W, r, dx, dW, db);
    check_close("dx", dx, nn::test::central_differences([&](const Tensor<double>& at) { return loss_of(at, W, b, r); }, x), 1e-7);
    check_close("dW", dW, nn::test::central_differences([&](const Tensor<double>& at) { return loss_of(x, at, b, r); }, W), 1e-7);
    check_close("db", db, nn::test::central_differences([&](const Tensor<double>& at) { return loss_of(x, W, at, r); }, b), 1e-7);
  }
}
