// Chapter 4 demo: one problem, trained many ways. Batch, stochastic and mini-batch
// gradient descent; SGD, momentum, RMSprop and Adam; learning rates too small and
// too large; and why cross-entropy beats squared error for a sigmoid output.
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>

#include "nn/activations.hpp"
#include "nn/cli.hpp"
#include "nn/files.hpp"
#include "nn/data/dataset.hpp"
#include "nn/dense.hpp"
#include "nn/model.hpp"

using nn::Activation;
using nn::Tensor;

namespace {

struct Curve {
  std::string name;
  std::vector<double> loss;  // per epoch; NaN once training diverged
};

// [train-one-way]
// The same network, data and initial weights every time; only the optimizer and the
// batch size change. A run that diverges records NaN for its remaining epochs.
template <class O>
Curve train(const std::string& name, const nn::Dataset& data, O optimizer, std::size_t batch_size,
            std::size_t epochs, std::uint64_t seed) {
  nn::Sequential model({2}, seed);
  model.add(nn::Dense(32, Activation::tanh));
  model.add(nn::Dense(32, Activation::tanh));
  model.add(nn::Dense(3));
  model.compile(std::move(optimizer), nn::SoftmaxCrossEntropy());
  Curve curve{name, {}};
  try {
    for (std::size_t e = 0; e < epochs; ++e) {
      auto h = model.fit(data.x, data.y, {.epochs = 1, .batch_size = batch_size, .verbose = 0});
      curve.loss.push_back(h.values.at("loss").back());
    }
  } catch (const nn::training_error&) {
    curve.loss.resize(epochs, std::numeric_limits<double>::quiet_NaN());
  }
  return curve;
}
// [train-one-way]

void report(const std::string& title, const std::vector<Curve>& curves) {
  std::cout << title << "\n";
  for (const auto& c : curves) {
    std::cout << "  " << std::left << std::setw(24) << c.name << std::right << " loss after epoch 1: "
              << std::setw(8) << c.loss.front() << ",  last: " << std::setw(8) << c.loss.back()
              << "\n";
  }
  std::cout << "\n";
}

void write_curves(const std::filesystem::path& path, const std::vector<Curve>& curves) {
  std::ostringstream csv;
  csv << "epoch";
  for (const auto& c : curves) csv << "," << c.name;
  csv << "\n";
  for (std::size_t e = 0; e < curves.front().loss.size(); ++e) {
    csv << e + 1;
    for (const auto& c : curves) csv << "," << c.loss[e];
    csv << "\n";
  }
  nn::write_file_atomically(path.string(), csv.str(), "the loss curves");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Chapter 4: gradient descent, its variants and its optimizers on one problem"};
  std::size_t epochs = 60;
  std::uint64_t seed = 42;
  std::string out;
  app.add_option("--epochs", epochs, "epochs per run")
      ->check(nn::cli::count(1, 100000))
      ->capture_default_str();
  app.add_option("--seed", seed, "seed for the data and the initial weights")
      ->check(nn::cli::seed())
      ->capture_default_str();
  app.add_option("--out", out, "directory for the CSV curves")->check(nn::cli::output_directory());
  return nn::cli::run(app, argc, argv, [&] {

    nn::Generator rng(seed);
    const nn::Dataset data = nn::make_spirals(100, 3, 0.1, rng);
    std::cout << std::fixed << std::setprecision(4)
              << "Three spirals, " << data.size() << " points; network 2-32-32-3 (tanh); " << epochs
              << " epochs per run.\n\n";

    // [three-descents]
    const std::vector<Curve> descents = {
        train("batch (B = 300)", data, nn::SGD(0.1f), data.size(), epochs, seed),
        train("mini-batch (B = 16)", data, nn::SGD(0.1f), 16, epochs, seed),
        train("stochastic (B = 1)", data, nn::SGD(0.1f), 1, epochs, seed)};
    // [three-descents]
    report("Gradient descent, SGD lr 0.1, by batch size:", descents);

    // [four-optimizers]
    const std::vector<Curve> optimizers = {
        train("SGD lr 0.01", data, nn::SGD(0.01f), 16, epochs, seed),
        train("momentum 0.9 lr 0.01", data, nn::SGD(0.01f, 0.9f), 16, epochs, seed),
        train("RMSprop lr 0.001", data, nn::RMSprop(), 16, epochs, seed),
        train("Adam lr 0.001", data, nn::Adam(), 16, epochs, seed)};
    // [four-optimizers]
    report("Optimizers, mini-batches of 16:", optimizers);

    const std::vector<Curve> rates = {
        train("lr 0.001 (too small)", data, nn::SGD(0.001f), 16, epochs, seed),
        train("lr 0.1", data, nn::SGD(0.1f), 16, epochs, seed),
        train("lr 20 (too large)", data, nn::SGD(20.0f), 16, epochs, seed)};
    report("Learning rates, SGD, mini-batches of 16:", rates);

    // [loss-gradients]
    // The gradient reaching z when a sigmoid output a = sigmoid(z) should be 1, for
    // squared error and for cross-entropy, computed by the library's own backward passes.
    nn::ActivationLayer<double> sigmoid(Activation::sigmoid);
    nn::Generator unused(0);
    sigmoid.build({1}, unused);
    nn::MeanSquaredError<double> mse;
    nn::BinaryCrossEntropy<double> bce;
    const Tensor<double> target = nn::column({1.0});
    std::vector<std::array<double, 3>> gradients;
    for (int i = 0; i <= 120; ++i) {
      const double z = -6.0 + 0.1 * i;
      const Tensor<double>& a = sigmoid.forward(nn::column({z}));
      mse.forward(a, target);
      const double d_mse = sigmoid.backward(mse.backward())(0, 0);
      bce.forward(a, target);
      const double d_bce = sigmoid.backward(bce.backward())(0, 0);
      gradients.push_back({z, d_mse, d_bce});
    }
    // [loss-gradients]
    std::cout << "Gradient at z for target 1, sigmoid output:\n"
              << "  z = -6 (confidently wrong): squared error " << gradients.front()[1]
              << ", cross-entropy " << gradients.front()[2] << "\n"
              << "  z =  0 (undecided):         squared error " << gradients[60][1]
              << ", cross-entropy " << gradients[60][2] << "\n";

    if (!out.empty()) {
      const std::filesystem::path dir(out);
      write_curves(dir / "gd_variants.csv", descents);
      write_curves(dir / "optimizers.csv", optimizers);
      write_curves(dir / "learning_rates.csv", rates);
      std::ostringstream csv;
      csv << "z,squared_error,cross_entropy\n";
      for (const auto& g : gradients) csv << g[0] << "," << g[1] << "," << g[2] << "\n";
      nn::write_file_atomically((dir / "loss_gradients.csv").string(), csv.str(), "the gradients");
    }
    return 0;
  });
}
