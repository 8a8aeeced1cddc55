// Chapter 7, demo 2: why the LSTM exists. A task whose answer lies at the start of the
// sequence ("output the first symbol"), at several lengths: the SimpleRNN fails as the
// sequences grow and the LSTM does not. Then the reason, measured: the norm of the
// gradient that reaches step t from a loss at the last step, against the distance.
#include <CLI/CLI.hpp>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <vector>

#include "nn/cli.hpp"
#include "nn/dense.hpp"
#include "nn/files.hpp"
#include "nn/gemm.hpp"
#include "nn/lstm.hpp"
#include "nn/model.hpp"
#include "nn/rnn.hpp"

using nn::Tensor;

namespace {

// [first-symbol-data]
// N sequences of T symbols drawn uniformly from K, one-hot (N, T, K); the target is
// the first symbol (N,). Every later symbol is a distractor: chance is 1/K.
struct Task {
  Tensor<float> x, y;
};
Task first_symbol(std::size_t N, std::size_t T, std::size_t K, nn::Generator& rng) {
  Task task{xt::zeros<float>({N, T, K}), Tensor<float>::from_shape({N})};
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t t = 0; t < T; ++t) {
      const std::size_t k = rng.below(K);
      task.x(n, t, k) = 1;
      if (t == 0) task.y(n) = static_cast<float>(k);
    }
  return task;
}
// [first-symbol-data]

// [gradient-reach]
// The mean over a batch of ||dL/dx_t|| for a loss at the last step only: how much of the
// gradient gets back t steps. Sequential stops backward at its first layer (nobody
// needs the input's gradient for training); here the recurrent layer is asked for it.
std::vector<double> gradient_reach(nn::Sequential<float>& model, const Task& task) {
  nn::SoftmaxCrossEntropy<float> loss;
  model.layers()[0]->set_input_gradient(true);
  loss.forward(model.forward(task.x), task.y);
  const Tensor<float>* d = &loss.backward();
  for (auto it = model.layers().rbegin(); it != model.layers().rend(); ++it)
    d = &(*it)->backward(*d);
  for (auto& layer : model.layers()) layer->zero_grad();
  const std::size_t N = d->shape(0), T = d->shape(1), K = d->shape(2);
  std::vector<double> norm(T, 0.0);
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t t = 0; t < T; ++t) {
      double s = 0;
      for (std::size_t k = 0; k < K; ++k) s += std::pow(double((*d)(n, t, k)), 2);
      norm[t] += std::sqrt(s) / double(N);
    }
  return norm;
}
// [gradient-reach]

struct Result {
  double accuracy;
  std::vector<double> reach_before, reach_after;
};

// [memory-model]
template <class Recurrent>
Result train(std::size_t T, std::size_t K, std::size_t units, std::size_t train_n,
             std::size_t epochs, float lr, std::uint64_t seed) {
  nn::Generator rng(seed + T);
  const Task train = first_symbol(train_n, T, K, rng), test = first_symbol(1000, T, K, rng);
  nn::Sequential model({T, K}, seed);
  model.add(Recurrent(units));
  model.add(nn::Dense(K));  // logits of the first symbol
  nn::Adam adam(lr);
  adam.clipnorm =
      1.0f;  // a step never longer than 1, whatever a long sequence does to the gradient
  model.compile(adam, nn::SoftmaxCrossEntropy(), {"accuracy"});
  Result r;
  r.reach_before = gradient_reach(model, test);
  model.fit(train.x, train.y, {.epochs = epochs, .batch_size = 32, .verbose = 0});
  r.reach_after = gradient_reach(model, test);
  r.accuracy = model.evaluate(test.x, test.y).accuracy;
  return r;
}
// [memory-model]

}  // namespace

int main(int argc, char** argv) {
  nn::ensure_fast_blas(argv);
  CLI::App app{"Chapter 7: remembering the first symbol of a sequence, SimpleRNN vs LSTM"};
  std::vector<std::size_t> lengths = {5, 10, 20, 40, 80};
  std::size_t symbols = 4, units = 32, train_n = 1600, epochs = 8;
  std::uint64_t seed = 3;
  float lr = 3e-3f;
  std::string out;
  app.add_option("--lengths", lengths, "sequence lengths T, comma separated")
      ->delimiter(',')->check(nn::cli::count(1, 10000))->capture_default_str();
  app.add_option("--symbols", symbols, "K, the alphabet (chance is 1/K)")
      ->check(nn::cli::count(2, 1000))->capture_default_str();
  app.add_option("--units", units, "hidden units of both models")
      ->check(nn::cli::count(1, 4096))->capture_default_str();
  app.add_option("--train", train_n, "training sequences per length")
      ->check(nn::cli::count(1, 1000000))->capture_default_str();
  app.add_option("--epochs", epochs, "epochs per model and length")
      ->check(nn::cli::count(1, 10000))->capture_default_str();
  app.add_option("--lr", lr, "Adam's learning rate")
      ->check(nn::cli::positive(100))->capture_default_str();
  app.add_option("--seed", seed, "seed of the data and the weights")
      ->check(nn::cli::seed())->capture_default_str();
  app.add_option("--out", out, "directory for memory_accuracy.csv and gradient_reach.csv")
      ->check(nn::cli::output_directory());
  return nn::cli::run(app, argc, argv, [&] {
    std::cout << "Output the first of T symbols (K = " << symbols << ", chance "
              << std::setprecision(2) << 1.0 / double(symbols) << "); " << units << " units, "
              << train_n << " training sequences, " << epochs << " epochs, Adam lr " << lr
              << ", clipnorm 1.\n\n"
              << "    T   SimpleRNN accuracy   LSTM accuracy\n";
    std::ostringstream acc_csv, reach_csv;
    acc_csv << "T,simple_rnn,lstm\n";
    Result rnn, lstm;
    for (const std::size_t T : lengths) {
      rnn = train<nn::SimpleRNN<float>>(T, symbols, units, train_n, epochs, lr, seed);
      lstm = train<nn::LSTM<float>>(T, symbols, units, train_n, epochs, lr, seed);
      std::cout << std::setw(5) << T << std::fixed << std::setprecision(3) << std::setw(21)
                << rnn.accuracy << std::setw(16) << lstm.accuracy << "\n"
                << std::flush;
      acc_csv << T << "," << rnn.accuracy << "," << lstm.accuracy << "\n";
    }
    // The gradient reaching each step, for the longest length (the last one trained).
    const std::size_t T = rnn.reach_after.size();
    reach_csv << "distance,simple_rnn_initial,lstm_initial,simple_rnn_trained,lstm_trained\n";
    for (std::size_t t = T; t-- > 0;)
      reach_csv << T - 1 - t << "," << rnn.reach_before[t] << "," << lstm.reach_before[t] << ","
                << rnn.reach_after[t] << "," << lstm.reach_after[t] << "\n";
    std::cout << "\nGradient norm reaching step t from the loss at step T-1 = " << T - 1
              << " (mean over 1000 test sequences):\n"
              << "  distance   SimpleRNN (initial, trained)     LSTM (initial, trained)\n"
              << std::scientific << std::setprecision(1);
    for (std::size_t dist : {std::size_t{0}, std::size_t{5}, std::size_t{10}, std::size_t{20},
                             std::size_t{40}, T - 1}) {
      if (dist >= T) continue;
      const std::size_t t = T - 1 - dist;
      std::cout << std::setw(10) << dist << std::setw(16) << rnn.reach_before[t] << std::setw(10)
                << rnn.reach_after[t] << std::setw(20) << lstm.reach_before[t] << std::setw(10)
                << lstm.reach_after[t] << "\n";
    }
    if (!out.empty()) {
      const std::filesystem::path dir(out);
      nn::write_file_atomically((dir / "memory_accuracy.csv").string(), acc_csv.str(),
                                "the accuracies");
      nn::write_file_atomically((dir / "gradient_reach.csv").string(), reach_csv.str(),
                                "the gradient norms");
    }
    return 0;
  });
}
