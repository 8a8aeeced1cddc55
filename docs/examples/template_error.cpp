// A mistake a Keras user makes on day one, kept here so the book can show the compiler's
// real answer (docs/primer.rst). This file must NOT compile: the book's build checks that
// it fails and prints the error.
#include "nn/dense.hpp"
#include "nn/model.hpp"

// [mistake]
int main() {
  nn::Sequential<float> model({2});
  model.add(nn::Dense(64, nn::Activation::relu));
  model.add(64);  // Keras habit: the number of units, not a layer
}
// [mistake]
