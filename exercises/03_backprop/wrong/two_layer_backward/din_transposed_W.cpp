// din = dz W instead of dz W^T: W indexed (o, i)
// Exercise 3.1: backpropagation through a two-layer network.
// Read: chapter 3, section "A network worked by hand".
// Run its test: ./nnbook exercise ex3.1
#include <cmath>

#include "nn/tensor.hpp"

namespace ex {

/// The gradients of the loss with respect to every input of the network, each the shape of
/// what it differentiates: dW1 (D, M), db1 (M,), dW2 (M, U), db2 (U,), dx (N, D).
struct TwoLayerGradients {
  nn::Tensor<double> dW1, db1, dW2, db2, dx;
};

// A worked sibling: the forward pass, with M hidden units and U outputs.
//   z1 = x W1 + b1,  h = sigmoid(z1)      x: (N, D), W1: (D, M), b1: (M,), h: (N, M)
//   z2 = h W2 + b2,  y = sigmoid(z2)      W2: (M, U), b2: (U,), y: (N, U)
// h and y are (re)sized here.
void two_layer_forward(const nn::Tensor<double>& x, const nn::Tensor<double>& W1,
                       const nn::Tensor<double>& b1, const nn::Tensor<double>& W2,
                       const nn::Tensor<double>& b2, nn::Tensor<double>& h,
                       nn::Tensor<double>& y) {
  const std::size_t N = x.shape(0), D = x.shape(1), M = W1.shape(1), U = W2.shape(1);
  h = nn::Tensor<double>::from_shape({N, M});
  y = nn::Tensor<double>::from_shape({N, U});
  for (std::size_t n = 0; n < N; ++n) {
    for (std::size_t m = 0; m < M; ++m) {
      double z = b1(m);
      for (std::size_t d = 0; d < D; ++d) z += x(n, d) * W1(d, m);
      h(n, m) = 1 / (1 + std::exp(-z));
    }
    for (std::size_t u = 0; u < U; ++u) {
      double z = b2(u);
      for (std::size_t m = 0; m < M; ++m) z += h(n, m) * W2(m, u);
      y(n, u) = 1 / (1 + std::exp(-z));
    }
  }
}

// [ex3.1-task]
/**
 * The backward pass of x -> Dense(M, sigmoid) -> Dense(U, sigmoid) -> mean squared error:
 *
 *   h = sigmoid(x W1 + b1),   y = sigmoid(h W2 + b2),   L = 1/(N U) sum_{n,u} (y_nu - t_nu)^2
 *
 * Shapes: x: (N, D), W1: (D, M), b1: (M,), W2: (M, U), b2: (U,), targets t: (N, U).
 * Run the forward first (two_layer_forward above gives h and y), then go back one
 * step at a time, each gradient from the one after it:
 *   dy  = 2 (y - t) / (N U)
 *   dz2 = dy * y (1 - y)                         (sigmoid' from its output)
 *   dW2 = h^T dz2,   db2 = sum_n dz2,   dh = dz2 W2^T
 *   dz1 = dh * h (1 - h)
 *   dW1 = x^T dz1,   db1 = sum_n dz1,   dx = dz1 W1^T
 * Return all five in a TwoLayerGradients (its tensors start empty: size them).
 * Check, the chapter's network: x = (1, 2), W1 = [[0.5, -1], [-0.5, 0.25]], b1 = (0.5, 0.5),
 * W2 = [[1], [-1]], b2 = 0, t = 1 give h = (0.5, 0.5), y = 0.5, dW2 = (-0.125, -0.125),
 * db2 = -0.25, dW1 = [[-0.0625, 0.0625], [-0.125, 0.125]], db1 = (-0.0625, 0.0625),
 * dx = (-0.09375, 0.046875).
 */
TwoLayerGradients two_layer_backward(const nn::Tensor<double>& x, const nn::Tensor<double>& W1,
                                     const nn::Tensor<double>& b1, const nn::Tensor<double>& W2,
                                     const nn::Tensor<double>& b2, const nn::Tensor<double>& t) {
  nn::Tensor<double> h, y;
  two_layer_forward(x, W1, b1, W2, b2, h, y);
  const std::size_t N = x.shape(0), M = W1.shape(1), U = W2.shape(1);

  // z = in W + b  =>  dW = in^T dz,  db = sum_n dz,  din = dz W^T   (the same for both layers)
  auto dense_backward = [](const nn::Tensor<double>& in, const nn::Tensor<double>& W,
                           const nn::Tensor<double>& dz, nn::Tensor<double>& dW,
                           nn::Tensor<double>& db, nn::Tensor<double>& din) {
    const std::size_t rows = in.shape(0), I = in.shape(1), O = W.shape(1);
    dW = xt::zeros<double>({I, O});
    db = xt::zeros<double>({O});
    din = xt::zeros<double>({rows, I});
    for (std::size_t n = 0; n < rows; ++n)
      for (std::size_t o = 0; o < O; ++o) {
        db(o) += dz(n, o);
        for (std::size_t i = 0; i < I; ++i) {
          dW(i, o) += in(n, i) * dz(n, o);
          din(n, i) += dz(n, o) * W(o, i);
        }
      }
  };

  TwoLayerGradients g;
  // L = 1/(N U) sum (y - t)^2  =>  dL/dy = 2 (y - t) / (N U)
  // y = sigmoid(z2)             =>  dz2 = dy y (1 - y)
  nn::Tensor<double> dz2 = nn::Tensor<double>::from_shape({N, U});
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t u = 0; u < U; ++u) {
      const double dy = 2 * (y(n, u) - t(n, u)) / static_cast<double>(N * U);
      dz2(n, u) = dy * y(n, u) * (1 - y(n, u));
    }
  // z2 = h W2 + b2
  nn::Tensor<double> dh;
  dense_backward(h, W2, dz2, g.dW2, g.db2, dh);
  // h = sigmoid(z1)  =>  dz1 = dh h (1 - h)
  nn::Tensor<double> dz1 = nn::Tensor<double>::from_shape({N, M});
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t m = 0; m < M; ++m) dz1(n, m) = dh(n, m) * h(n, m) * (1 - h(n, m));
  // z1 = x W1 + b1
  dense_backward(x, W1, dz1, g.dW1, g.db1, g.dx);
  return g;
}
// [ex3.1-task]

}  // namespace ex
