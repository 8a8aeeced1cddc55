// (f(x + h e_i) - f(x - h e_i)) / h: the 2 of the 2h forgotten
// Exercise 3.2: the gradient of any function by central differences.
// Read: chapter 3, section "Checking gradients numerically".
// Run its test: ./nnbook exercise ex3.2
#include <functional>

#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: the one-sided (forward) difference for one element i of x,
//   df/dx_i ~ (f(x + h e_i) - f(x)) / h,
// where e_i is 1 at element i and 0 elsewhere. Its error shrinks like h; the central
// difference below does better, like h^2. x may have any shape; i indexes its elements in order.
double forward_difference(const std::function<double(const nn::Tensor<double>&)>& f,
                          const nn::Tensor<double>& x, std::size_t i, double h = 1e-5) {
  nn::Tensor<double> moved = x;  // x itself stays as it is
  moved.data()[i] += h;
  return (f(moved) - f(x)) / h;
}

// [ex3.2-task]
/**
 * The gradient of a scalar function f at the point x, estimated by central differences:
 *
 *   g_i = (f(x + h e_i) - f(x - h e_i)) / (2 h)      for every element i of x
 *
 * Returns g with the shape of x (any rank: walk the elements with x.data()[i], i < x.size()).
 * Move one element at a time and put it back before moving the next: every other
 * element must hold its value at x while g_i is measured.
 * Check: f(x) = sum_i x_i^2 has gradient 2x; at x = (1, -2) the result is (2, -4).
 */
nn::Tensor<double> numerical_gradient(const std::function<double(const nn::Tensor<double>&)>& f,
                                      const nn::Tensor<double>& x, double h = 1e-5) {
  nn::Tensor<double> moved = x;
  nn::Tensor<double> g = nn::Tensor<double>::from_shape(x.shape());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double saved = moved.data()[i];
    moved.data()[i] = saved + h;
    const double plus = f(moved);  // f(x + h e_i)
    moved.data()[i] = saved - h;
    const double minus = f(moved);  // f(x - h e_i)
    moved.data()[i] = saved;  // put it back before the next element moves
    g.data()[i] = (plus - minus) / h;
  }
  return g;
}
// [ex3.2-task]

}  // namespace ex
