// Tests for chapter 1's exercises. Each exercise is one doctest suite:
//   ./nnbook exercise ex1.1     (or: build/exercises/exercise_tests -ts=ex1.1)
#include <doctest/doctest.h>

#include "nn/gradcheck.hpp"
#include "nn/neuron.hpp"
#include "test_support.hpp"

// The functions under test, defined in exercises/01_neuron/ (or solutions/01_neuron/).
namespace ex {
double sigmoid_derivative(double z);
double tanh_derivative(double z);
nn::Tensor<double> neuron_forward(const nn::Tensor<double>& x, const nn::Tensor<double>& w,
                                  double b);
void neuron_backward(const nn::Tensor<double>& x, const nn::Tensor<double>& w,
                     const nn::Tensor<double>& a, const nn::Tensor<double>& da,
                     nn::Tensor<double>& dx, nn::Tensor<double>& dw, double& db);
double gelu(double z);
double gelu_derivative(double z);
}  // namespace ex

using nn::test::check_close;
using nn::test::check_value;
using nn::test::leftover;

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
    check_value("sigmoid'(0)", ex::sigmoid_derivative(0.0), 0.25);
    // sigmoid(2) = 0.880797, so sigmoid'(2) = 0.880797 * 0.119203 = 0.104994
    check_value("sigmoid'(2)", ex::sigmoid_derivative(2.0), 0.104994, 1e-6);
    // the sigmoid is symmetric about 0, so sigmoid'(-z) = sigmoid'(z):
    // sigmoid(3) = 0.952574, sigmoid'(3) = sigmoid'(-3) = 0.952574 * 0.047426 = 0.045177
    check_value("sigmoid'(3)", ex::sigmoid_derivative(3.0), 0.045177, 1e-6);
    check_value("sigmoid'(-3)", ex::sigmoid_derivative(-3.0), 0.045177, 1e-6);
    for (double z : {-4.0, -1.0, 0.3, 1.7, 5.0}) {
      auto sigmoid = [](double t) { return 1 / (1 + std::exp(-t)); };
      check_value("sigmoid'(" + std::to_string(z) + ")", ex::sigmoid_derivative(z),
                  central_difference(sigmoid, z), 1e-8);
    }
  }
}

TEST_SUITE("ex1.2") {
  TEST_CASE("tanh'(z) equals the values worked by hand and central differences") {
    // tanh(0) = 0, so tanh'(0) = 1 - 0^2 = 1
    check_value("tanh'(0)", ex::tanh_derivative(0.0), 1.0);
    // tanh(1) = 0.761594, so tanh'(1) = 1 - 0.580026 = 0.419974
    check_value("tanh'(1)", ex::tanh_derivative(1.0), 0.419974, 1e-6);
    for (double z : {-3.0, -0.5, 0.2, 2.5}) {
      auto tanh = [](double t) { return std::tanh(t); };
      check_value("tanh'(" + std::to_string(z) + ")", ex::tanh_derivative(z),
                  central_difference(tanh, z), 1e-8);
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
    // the outputs hold leftovers: they must be set, not added to
    nn::Tensor<double> dx = nn::test::filled({1, 2}, leftover);
    nn::Tensor<double> dw = nn::test::filled({2}, leftover);
    double db = leftover;
    ex::neuron_backward(x, w, a, da, dx, dw, db);
    // dL/dz = -0.5 * 0.5 * (1 - 0.5) = -0.125
    check_value("db", db, -0.125);
    // dL/dw = dL/dz * x = (-0.25, -0.125)
    check_close("dw", dw, nn::Tensor<double>{-0.25, -0.125});
    // dL/dx = dL/dz * w = (-0.0625, 0.1875)
    check_close("dx", dx, nn::Tensor<double>{{-0.0625, 0.1875}});
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
    // D = 3 inputs and N = 3 examples: a sum over the batch that is a mean shows as 1/3
    nn::Tensor<double> dx = nn::test::filled({3, 3}, -1.0);
    nn::Tensor<double> dw = nn::test::filled({3}, -1.0);
    double db = -1;
    ex::neuron_backward(x, reference.w, a, nn::Tensor<double>{0.3, -1.0, 0.6}, dx, dw, db);
    check_value("db", db, reference.db(0));
    check_close("dw", dw, reference.dw);
    check_close("dx", dx, dx_ref);
  }
}

TEST_SUITE("ex1.4") {
  TEST_CASE("GELU'(z) at values worked by hand") {
    // gelu(z) = z Phi(z), with Phi(z) ~ (1 + tanh(k (z + 0.044715 z^3))) / 2, k = sqrt(2/pi).
    // At z = 0: tanh(0) = 0, so gelu'(0) = 0.5 (1 + 0) + 0 = 0.5
    check_value("gelu'(0)", ex::gelu_derivative(0.0), 0.5);
    // At z = 1: u = k (1 + 0.044715) = 0.833562, t = tanh(u) = 0.682384,
    //   gelu'(1) = 0.5 (1 + t) + 0.5 * 1 * (1 - t^2) * k (1 + 3 * 0.044715)
    //            = 0.841192 + 0.5 * 0.534352 * 0.904917 = 1.082964
    check_value("gelu'(1)", ex::gelu_derivative(1.0), 1.082964, 1e-6);
  }

  TEST_CASE("GELU'(z) agrees with central differences of gelu") {
    for (double z : {-4.0, -2.5, -1.0, -0.3, 0.2, 0.7, 1.5, 3.0}) {
      check_value("gelu'(" + std::to_string(z) + ")", ex::gelu_derivative(z),
                  central_difference(ex::gelu, z), 1e-8);
    }
  }

  TEST_CASE("GELU'(z) + GELU'(-z) = 1, because gelu(z) - gelu(-z) = z") {
    // Phi(-z) = 1 - Phi(z), so gelu(z) - gelu(-z) = z Phi(z) + z (1 - Phi(z)) = z
    for (double z : {0.4, 1.3, 2.2}) {
      check_value("gelu'(" + std::to_string(z) + ") + gelu'(-z)",
                  ex::gelu_derivative(z) + ex::gelu_derivative(-z), 1.0);
    }
  }
}
