// Chapter 1 demo: one sigmoid neuron learns AND and OR by gradient descent, and fails at XOR.
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "nn/cli.hpp"
#include "nn/files.hpp"
#include "nn/neuron.hpp"

using nn::Tensor;

namespace {

struct Run {
  std::vector<double> losses;  // one per epoch
  Tensor<double> a;            // final outputs for the four inputs
};

// [train-neuron]
// Full-batch gradient descent on L = 1/(2N) sum_n (a_n - y_n)^2.
Run train(const Tensor<double>& x, const Tensor<double>& y, int epochs, double lr,
          std::uint64_t seed) {
  nn::Generator rng(seed);
  nn::Neuron<double> neuron(nn::Activation::sigmoid);
  neuron.build({2}, rng);
  const double N = static_cast<double>(x.shape(0));
  Run run;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    const Tensor<double> a = neuron.forward(x);
    const Tensor<double> error = a - y;
    run.losses.push_back(xt::sum(error * error)() / (2 * N));
    neuron.zero_grad();
    neuron.backward(error / N);  // dL/da = (a - y) / N
    neuron.w -= lr * neuron.dw;
    neuron.b -= lr * neuron.db;
  }
  run.a = neuron.forward(x);
  return run;
}
// [train-neuron]

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Chapter 1: one neuron learns AND and OR, and cannot learn XOR"};
  int epochs = 5000;
  double lr = 2.0;
  std::uint64_t seed = 42;
  std::string out;
  app.add_option("--epochs", epochs, "gradient-descent steps")
      ->check(nn::cli::count(1, 1000000))
      ->capture_default_str();
  app.add_option("--lr", lr, "learning rate")->check(nn::cli::positive(100))->capture_default_str();
  app.add_option("--seed", seed, "seed for the initial weights")
      ->check(nn::cli::seed())
      ->capture_default_str();
  app.add_option("--out", out, "directory for neuron_loss.csv (loss per epoch) and activations.csv")
      ->check(nn::cli::output_directory());
  return nn::cli::run(app, argc, argv, [&] {
    const Tensor<double> x = {{0.0, 0.0}, {0.0, 1.0}, {1.0, 0.0}, {1.0, 1.0}};
    const std::vector<std::pair<std::string, Tensor<double>>> problems = {
        {"AND", nn::column({0.0, 0.0, 0.0, 1.0})},
        {"OR", nn::column({0.0, 1.0, 1.0, 1.0})},
        {"XOR", nn::column({0.0, 1.0, 1.0, 0.0})}};

    std::vector<Run> runs;
    std::cout << std::fixed << std::setprecision(3);
    for (const auto& [name, y] : problems) {
      Run run = train(x, y, epochs, lr, seed);
      int correct = 0;
      std::cout << name << " after " << epochs << " steps (loss " << run.losses.back() << ")\n";
      for (std::size_t n = 0; n < 4; ++n) {
        const bool predicted = run.a(n, 0) > 0.5;
        correct += predicted == (y(n, 0) > 0.5);
        std::cout << "  x = (" << x(n, 0) << ", " << x(n, 1) << ")  a = " << run.a(n, 0)
                  << "  target " << y(n, 0) << (predicted == (y(n, 0) > 0.5) ? "" : "  wrong")
                  << "\n";
      }
      std::cout << "  " << correct << "/4 correct\n\n";
      runs.push_back(std::move(run));
    }
    std::cout << "XOR is not linearly separable: no line w1*x1 + w2*x2 + b = 0 puts (0,1) and (1,0)\n"
                 "on one side and (0,0) and (1,1) on the other, so one neuron cannot represent it.\n"
                 "Chapter 2 adds a hidden layer, which can.\n";

    if (!out.empty()) {
      const std::filesystem::path dir(out);
      std::ostringstream csv;
      csv << "epoch,AND,OR,XOR\n";
      for (std::size_t e = 0; e < runs[0].losses.size(); ++e)
        csv << e + 1 << "," << runs[0].losses[e] << "," << runs[1].losses[e] << ","
            << runs[2].losses[e] << "\n";
      nn::write_file_atomically((dir / "neuron_loss.csv").string(), csv.str(), "the loss curves");
      // The library's activations and their derivatives on z in [-5, 5], for the book's figure.
      std::ostringstream curves;
      curves << "z,sigmoid,dsigmoid,tanh,dtanh,relu,drelu\n" << std::setprecision(6);
      for (int i = 0; i <= 400; ++i) {
        const double z = -5.0 + 0.025 * i;
        curves << z;
        for (nn::Activation f : {nn::Activation::sigmoid, nn::Activation::tanh, nn::Activation::relu}) {
          const double a = nn::activate(f, z);
          curves << "," << a << "," << nn::derivative_from_output(f, a);
        }
        curves << "\n";
      }
      nn::write_file_atomically((dir / "activations.csv").string(), curves.str(), "the activation curves");
    }
    return 0;
  });
}
