// both hidden units compute OR: the AND unit's bias is -10, not -30
// Exercise 2.3: XOR by hand, with one hidden layer.
// Read: chapter 2, section "Why a hidden layer solves XOR".
// Run its test: ./nnbook exercise ex2.3
#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: OR by hand, with one sigmoid neuron y = sigmoid(x1 w1 + x2 w2 + b).
// Choose w = (20, 20), b = -10:
//   (0, 0): sigmoid(-10) = 0.00005     (0, 1), (1, 0): sigmoid(10) = 0.99995
//   (1, 1): sigmoid(30)  = 1.00000
// Large weights push the sigmoid into its flat ends, so its output is nearly 0 or 1.
// W: (2, 1) and b: (1,), the shapes of nn::Dense(1) on 2 inputs.
void or_weights(nn::Tensor<double>& W, nn::Tensor<double>& b) {
  W(0, 0) = 20;
  W(1, 0) = 20;
  b(0) = -10;
}

// [ex2.3-task]
/**
 * Choose the weights of a 2-2-1 network that computes XOR:
 *
 *   h = sigmoid(x W1 + b1)      x: (N, 2), W1: (2, 2), b1: (2,), h: (N, 2)
 *   y = sigmoid(h W2 + b2)      W2: (2, 1), b2: (1,), y: (N, 1)
 *
 * so that y > 0.9 for x = (0, 1) and (1, 0), and y < 0.1 for (0, 0) and (1, 1).
 * W1(d, u) is the weight from input d to hidden unit u. The four tensors come
 * sized and filled with zeros; set their elements (W1(0, 1) = ..., b2(0) = ...).
 * Hint: no single line separates XOR's classes, but two lines do: let one hidden
 * unit compute OR, the other AND (or_weights above shows how), and let the output
 * fire for "OR and not AND".
 */
void xor_weights(nn::Tensor<double>& W1, nn::Tensor<double>& b1, nn::Tensor<double>& W2,
                 nn::Tensor<double>& b2) {
  // hidden unit 0 is OR: h0 = sigmoid(20 x1 + 20 x2 - 10), near 1 once one input is 1
  W1(0, 0) = 20;
  W1(1, 0) = 20;
  b1(0) = -10;
  // hidden unit 1 is AND: h1 = sigmoid(20 x1 + 20 x2 - 30), near 1 only when both are
  W1(0, 1) = 20;
  W1(1, 1) = 20;
  b1(1) = -10;
  // the output is "OR and not AND": y = sigmoid(20 h0 - 20 h1 - 10)
  //   (0, 0): h = (0, 0), y = sigmoid(-10)          = 0.00005
  //   (0, 1): h = (1, 0), y = sigmoid(20 - 10)      = 0.99995
  //   (1, 1): h = (1, 1), y = sigmoid(20 - 20 - 10) = 0.00005
  W2(0, 0) = 20;
  W2(1, 0) = -20;
  b2(0) = -10;
}
// [ex2.3-task]

}  // namespace ex
