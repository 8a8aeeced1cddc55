// The C++ of the book's primer (docs/primer.rst), compiled and checked: each region the
// primer shows is followed by the checks that hold what its comments claim.
#include <doctest/doctest.h>

#include <type_traits>

#include "nn/activations.hpp"
#include "nn/dense.hpp"
#include "nn/tensor.hpp"

TEST_CASE("primer: = copies a tensor, a reference is a second name for the same one") {
  // [values-copy]
  nn::Tensor<float> a = {1, 2, 3};
  nn::Tensor<float> b = a;    // a new tensor with a copy of a's numbers
  b(0) = 100;                 // a(0) is still 1
  // [values-copy]
  CHECK(a(0) == 1);
  CHECK(b(0) == 100);

  nn::Tensor<float>& r = a;  // the primer's inline example: r(0) = 100 changes a
  r(0) = 100;
  CHECK(a(0) == 100);
}

TEST_CASE("primer: a class template makes one class per element type") {
  // [templates]
  nn::Dense<float> layer(64, nn::Activation::relu);    // T = float
  nn::Dense<double> probe(64, nn::Activation::relu);   // T = double: another class
  nn::Dense layer2(64);                                // T deduced: float, the default
  // [templates]
  static_assert(std::is_same_v<decltype(layer2), nn::Dense<float>>);
  static_assert(!std::is_same_v<decltype(layer), decltype(probe)>);
  CHECK(layer.kind() == "dense");
  CHECK(probe.kind() == "dense");
}
