// Tests for chapter 1's exercises. Each exercise is one doctest suite:
//   ./nnbook exercise ex1.1     (or: build/exercises/exercise_tests -ts=ex1.1)
#include <doctest/doctest.h>

#include "nn/gradcheck.hpp"
#include "nn/neuron.hpp"

// The functions under test, defined in exercises/01_neuron/ (or solutions/01_neuron/).
namespace ex {
double sigmoid_derivative(double z);
double tanh_derivative(double z);
nn::Tensor<double> neuron_forward(const nn::Tensor<double>& x, const nn::Tensor<double>& w,
                                  double b);
void neuron_backward(const nn::Tensor<double>& x, const nn::Tensor<double>& w,
                     const nn::Tensor<double>& a, const nn::Tensor<double>& da,
                     nn::Tensor<double>& dx, nn::Tensor<double>& dw, double& db);
}  // namespace ex

namespace {
// Central difference of f at z, the check every derivative must agree with.
template <class F>
double central_difference(F f, double z, double h = 1e-5) {
  return (f(z + h) - f(z - h)) / (2 * h);
}
}  // namespace

TEST_SUITE("ex1.1") {
  TEST_CASE("sigmoid'(z) equals the values worked by hand and central differences") {
    // sigmoid(0) = 0.5, so sigmoid'(0) = 0.5 * (1 - 0.5) = 0.25
    CHECK(ex::sigmoid_derivative(0.0) == doctest::Approx(0.25));
    // sigmoid(2) = 0.880797, so sigmoid'(2) = 0.880797 * 0.119203 = 0.104994
    CHECK(ex::sigmoid_derivative(2.0) == doctest::Approx(0.104994).epsilon(1e-5));
    // the sigmoid is symmetric about 0: sigmoid'(-z) = sigmoid'(z)
    CHECK(ex::sigmoid_derivative(-3.0) == doctest::Approx(ex::sigmoid_derivative(3.0)));
    for (double z : {-4.0, -1.0, 0.3, 1.7, 5.0}) {
      CAPTURE(z);
      auto sigmoid = [](double t) { return 1 / (1 + std::exp(-t)); };
      CHECK(ex::sigmoid_derivative(z) == doctest::Approx(central_difference(sigmoid, z)));
    }
  }
}

TEST_SUITE("ex1.2") {
  TEST_CASE("tanh'(z) equals the values worked by hand and central differences") {
    // tanh(0) = 0, so tanh'(0) = 1 - 0^2 = 1
    CHECK(ex::tanh_derivative(0.0) == doctest::Approx(1.0));
    // tanh(1) = 0.761594, so tanh'(1) = 1 - 0.580026 = 0.419974
    CHECK(ex::tanh_derivative(1.0) == doctest::Approx(0.419974).epsilon(1e-5));
    for (double z : {-3.0, -0.5, 0.2, 2.5}) {
      CAPTURE(z);
      auto tanh = [](double t) { return std::tanh(t); };
      CHECK(ex::tanh_derivative(z) == doctest::Approx(central_difference(tanh, z)));
    }
  }
}

TEST_SUITE("ex1.3") {
  TEST_CASE("neuron backward reproduces the chapter's worked example") {
    // x = (2, 1), w = (0.5, -1.5), b = 0.5: z = 0, a = 0.5; target 1 so dL/da = -0.5
    const nn::Tensor<double> x = {{2.0, 1.0}};
    const nn::Tensor<double> w = {0.5, -1.5};
    const nn::Tensor<double> a = ex::neuron_forward(x, w, 0.5);
    REQUIRE(a(0) == 0.5);
    const nn::Tensor<double> da = {-0.5};
    nn::Tensor<double> dx = xt::zeros<double>({1, 2});
    nn::Tensor<double> dw = xt::zeros<double>({2});
    double db = 99;  // must be overwritten, not added to
    ex::neuron_backward(x, w, a, da, dx, dw, db);
    // dL/dz = -0.5 * 0.5 * (1 - 0.5) = -0.125
    CHECK(db == doctest::Approx(-0.125));
    // dL/dw = dL/dz * x = (-0.25, -0.125)
    CHECK(dw(0) == doctest::Approx(-0.25));
    CHECK(dw(1) == doctest::Approx(-0.125));
    // dL/dx = dL/dz * w = (-0.0625, 0.1875)
    CHECK(dx(0, 0) == doctest::Approx(-0.0625));
    CHECK(dx(0, 1) == doctest::Approx(0.1875));
  }

  TEST_CASE("neuron backward agrees with the library's Neuron on a batch of three") {
    nn::Generator rng(5);
    nn::Neuron<double> reference(nn::Activation::sigmoid);
    reference.build({3}, rng);
    reference.b = {0.2};
    const nn::Tensor<double> x = {{0.5, -1.0, 2.0}, {1.5, 0.2, -0.7}, {-0.4, 0.8, 0.1}};
    const nn::Tensor<double> da = nn::column({0.3, -1.0, 0.6});
    reference.forward(x);
    const nn::Tensor<double> dx_ref = reference.backward(da);

    const nn::Tensor<double> a = ex::neuron_forward(x, reference.w, 0.2);
    nn::Tensor<double> dx = xt::zeros<double>({3, 3});
    nn::Tensor<double> dw = xt::zeros<double>({3});
    double db = 0;
    ex::neuron_backward(x, reference.w, a, nn::Tensor<double>{0.3, -1.0, 0.6}, dx, dw, db);
    CHECK(db == doctest::Approx(reference.db(0)));
    for (std::size_t i = 0; i < 3; ++i) {
      CAPTURE(i);
      CHECK(dw(i) == doctest::Approx(reference.dw(i)));
      for (std::size_t d = 0; d < 3; ++d) CHECK(dx(i, d) == doctest::Approx(dx_ref(i, d)));
    }
  }
}
