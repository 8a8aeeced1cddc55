// Chapter 3 demo: the 2-2-1 network of the text, every value of its forward and
// backward pass printed, then the gradient checker run on every layer and loss.
#include <iomanip>
#include <iostream>

#include "nn/cli.hpp"
#include "nn/conv2d.hpp"
#include "nn/dense.hpp"
#include "nn/flatten.hpp"
#include "nn/gradcheck.hpp"
#include "nn/loss.hpp"
#include "nn/pooling.hpp"

using nn::Activation;
using nn::Tensor;

namespace {
void print(const std::string& name, const Tensor<double>& t) {
  std::cout << "  " << std::left << std::setw(26) << name << std::right << " =";
  for (double v : t) std::cout << " " << std::setw(9) << v;
  std::cout << "\n";
}

Tensor<double> random_tensor(const nn::Shape& shape, nn::Generator& rng) {
  Tensor<double> t = Tensor<double>::from_shape(shape);
  for (auto& v : t) v = rng.uniform(-1.0, 1.0);
  return t;
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Chapter 3: backpropagation through a 2-2-1 network, and gradient checks"};
  std::uint64_t seed = 42;
  app.add_option("--seed", seed, "seed for the gradient checks' random inputs")
      ->check(nn::cli::seed())
      ->capture_default_str();
  return nn::cli::run(app, argc, argv, [&] {

    nn::Generator rng(seed);
    nn::Dense<double> hidden(2, Activation::sigmoid), output(1, Activation::sigmoid);
    hidden.build({2}, rng);
    output.build({2}, rng);
    hidden.W = {{0.5, -1.0}, {-0.5, 0.25}};
    hidden.b = {0.5, 0.5};
    output.W = nn::column({1.0, -1.0});
    output.b = {0.0};
    const Tensor<double> x = {{1.0, 2.0}};
    const Tensor<double> t = nn::column({1.0});
    nn::MeanSquaredError<double> mse;

    std::cout << "Forward\n";
    print("x", x);
    const Tensor<double> h = hidden.forward(x);
    print("h = sigmoid(x W1 + b1)", h);
    const Tensor<double> y = output.forward(h);
    print("y = sigmoid(h W2 + b2)", y);
    print("L = (y - t)^2", Tensor<double>{mse.forward(y, t)});
    std::cout << "Backward\n";
    print("dL/dy", mse.backward());
    const Tensor<double> dh = output.backward(mse.backward());
    print("dL/dW2", output.dW);
    print("dL/db2", output.db);
    print("dL/dh", dh);
    const Tensor<double> dx = hidden.backward(dh);
    print("dL/dW1", hidden.dW);
    print("dL/db1", hidden.db);
    print("dL/dx", dx);

    std::cout << "\nGradient checks (central differences, double precision; worst element)\n";
    struct Case {
      std::string name;
      std::unique_ptr<nn::Layer<double>> layer;
      nn::Shape in_shape;
    };
    std::vector<Case> cases;
    cases.push_back({"Dense(4, sigmoid)", std::make_unique<nn::Dense<double>>(4, Activation::sigmoid), {3}});
    cases.push_back({"Dense(4, tanh)", std::make_unique<nn::Dense<double>>(4, Activation::tanh), {3}});
    cases.push_back({"Dense(4, relu)", std::make_unique<nn::Dense<double>>(4, Activation::relu), {3}});
    cases.push_back({"Conv2D(3, 3x3)", std::make_unique<nn::Conv2D<double>>(3, 3), {2, 5, 5}});
    cases.push_back({"MaxPool2D(2)", std::make_unique<nn::MaxPool2D<double>>(2), {2, 4, 4}});
    cases.push_back({"AvgPool2D(2)", std::make_unique<nn::AvgPool2D<double>>(2), {2, 4, 4}});
    cases.push_back({"Flatten", std::make_unique<nn::Flatten<double>>(), {2, 3, 3}});
    std::cout << std::scientific << std::setprecision(1);
    for (auto& c : cases) {
      c.layer->build(c.in_shape, rng);
      const auto r = nn::gradcheck_layer(*c.layer, random_tensor(nn::batch_of(3, c.in_shape), rng));
      std::cout << "  " << std::left << std::setw(20) << c.name << " max relative error "
                << r.max_rel_error << "  (" << r.checked << " elements)\n";
    }
    return 0;
  });
}
