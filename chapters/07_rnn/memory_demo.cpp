// Chapter 7, demo 2: why the LSTM exists. The adding problem (Hochreiter & Schmidhuber
// 1997): two marked values among T, the answer their sum, so the network must keep the
// first one across up to T steps of other values. At several lengths, with the same data
// and the same number of steps, the SimpleRNN fails as the sequences grow and the LSTM
// does not. Then the reason, measured: the norm of the gradient that reaches step t from
// a loss at the last step, against the distance.
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

// [adding-data]
// N sequences of T steps, each step (value, marker) with the value uniform in [0, 1);
// one marker at a random step of the first half, one in the second half. The target
// (N, 1) is the sum of the two marked values; the first mark can be T - 1 steps back.
struct Task {
  Tensor<float> x, y;
};
Task adding(std::size_t N, std::size_t T, nn::Generator& rng) {
  Task task{xt::zeros<float>({N, T, std::size_t{2}}), xt::zeros<float>({N, std::size_t{1}})};
  for (std::size_t n = 0; n < N; ++n) {
    for (std::size_t t = 0; t < T; ++t) task.x(n, t, 0) = static_cast<float>(rng.uniform());
    const std::size_t first = rng.below(T / 2), second = T / 2 + rng.below(T - T / 2);
    task.x(n, first, 1) = task.x(n, second, 1) = 1;
    task.y(n, 0) = task.x(n, first, 0) + task.x(n, second, 0);
  }
  return task;
}
// [adding-data]

// [adding-score]
// Mean squared error, and the fraction answered within 0.04 of the sum: the criterion
// of Hochreiter & Schmidhuber. Always answering 1, the mean of the sum, scores an MSE
// of 1/6 (the variance of a sum of two uniforms) and about 8 % within 0.04.
struct Score {
  double mse = 0, accuracy = 0;
};
Score score(const Tensor<float>& prediction, const Tensor<float>& y) {
  Score s;
  const std::size_t N = y.shape(0);
  for (std::size_t n = 0; n < N; ++n) {
    const double e = double(prediction(n, 0)) - double(y(n, 0));
    s.mse += e * e / double(N);
    s.accuracy += (std::abs(e) < 0.04) / double(N);
  }
  return s;
}
// [adding-score]

// [gradient-reach]
// The mean over a batch of ||dL/dx_t|| for a loss at the last step only: how much of the
// gradient gets back t steps. Sequential stops backward at its first layer (nobody
// needs the input's gradient for training); here the recurrent layer is asked for it.
std::vector<double> gradient_reach(nn::Sequential<float>& model, const Task& task) {
  nn::MeanSquaredError<float> loss;
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
  Score test;
  // Measured only if asked (for the last length): the test MSE before training and
  // after each epoch, and the gradient reach before and after training.
  std::vector<double> curve, reach_before, reach_after;
};

// [memory-model]
// Both models see the same sequences in the same number of steps; only the learning rate
// is each model's own. The last quarter of the epochs runs at a tenth of it, to settle.
// With `measure`, also the test error after each epoch and the gradient reach.
template <class Recurrent>
Result train(const Task& train, const Task& test, std::size_t units, std::size_t epochs,
             float lr, std::uint64_t seed, bool measure) {
  nn::Sequential model({train.x.shape(1), train.x.shape(2)}, seed);
  model.add(Recurrent(units));
  model.add(nn::Dense(1));  // the sum, read from the last state
  nn::Adam adam(lr);
  adam.clipnorm = 1.0f;  // a step never longer than 1, whatever a long sequence does
  model.compile(adam, nn::MeanSquaredError());
  Result r;
  if (measure) {
    r.reach_before = gradient_reach(model, test);
    r.curve.push_back(score(model.predict(test.x), test.y).mse);
  }
  for (std::size_t epoch = 0; epoch < epochs; ++epoch) {
    if (epoch == epochs - epochs / 4) model.optimizer()->learning_rate = lr / 10;
    model.fit(train.x, train.y, {.epochs = 1, .batch_size = 32, .verbose = 0});
    if (measure) r.curve.push_back(score(model.predict(test.x), test.y).mse);
  }
  if (measure) r.reach_after = gradient_reach(model, test);
  r.test = score(model.predict(test.x), test.y);
  return r;
}
// [memory-model]

}  // namespace

int main(int argc, char** argv) {
  nn::ensure_fast_blas(argv);
  CLI::App app{"Chapter 7: the adding problem at several lengths, SimpleRNN vs LSTM"};
  std::vector<std::size_t> lengths = {10, 20, 50, 100};
  std::size_t units = 32, train_n = 3200, epochs = 8;
  std::uint64_t seed = 3;
  float rnn_lr = 5e-3f, lstm_lr = 5e-2f;
  std::string out;
  app.add_option("--lengths", lengths, "sequence lengths T, comma separated")
      ->delimiter(',')->check(nn::cli::count(2, 10000))->capture_default_str();
  app.add_option("--units", units, "hidden units of both models")
      ->check(nn::cli::count(1, 4096))->capture_default_str();
  app.add_option("--train", train_n, "training sequences per length")
      ->check(nn::cli::count(1, 1000000))->capture_default_str();
  app.add_option("--epochs", epochs, "epochs per model and length")
      ->check(nn::cli::count(1, 10000))->capture_default_str();
  app.add_option("--rnn-lr", rnn_lr, "the SimpleRNN's Adam learning rate")
      ->check(nn::cli::positive(100))->capture_default_str();
  app.add_option("--lstm-lr", lstm_lr, "the LSTM's Adam learning rate")
      ->check(nn::cli::positive(100))->capture_default_str();
  app.add_option("--seed", seed, "seed of the data and the weights")
      ->check(nn::cli::seed())->capture_default_str();
  app.add_option("--out", out,
                 "directory for memory_accuracy.csv, memory_curves.csv and gradient_reach.csv")
      ->check(nn::cli::output_directory());
  return nn::cli::run(app, argc, argv, [&] {
    const std::size_t per_epoch = (train_n + 31) / 32;
    std::cout << "The adding problem: the sum of the two marked values among T steps.\n"
              << "Both models: " << units << " units, " << train_n << " training sequences, "
              << epochs << " epochs of " << per_epoch << " steps of 32\n(the last "
              << epochs / 4 << " at a tenth of the rate), Adam with clipnorm 1; SimpleRNN at rate "
              << rnn_lr << ",\nLSTM at rate " << lstm_lr
              << ". Test: 1000 new sequences; correct if within 0.04 of the sum.\n"
              << "Baseline: always answer 1, the mean of the sum.\n\n"
              << "           baseline          SimpleRNN              LSTM\n"
              << "    T    MSE  correct     MSE  correct     MSE  correct\n";
    std::ostringstream acc_csv, curve_csv, reach_csv;
    acc_csv << "T,baseline_mse,baseline_accuracy,simple_rnn_mse,simple_rnn_accuracy,lstm_mse,"
               "lstm_accuracy\n";
    curve_csv << "T,step,simple_rnn_mse,lstm_mse\n";
    Result rnn, lstm;
    Task first_train, first_test;
    for (std::size_t i = 0; i < lengths.size(); ++i) {
      const std::size_t T = lengths[i];
      const bool last = i + 1 == lengths.size();  // the curves and the gradient reach
      nn::Generator rng(seed + T);
      const Task train_set = adding(train_n, T, rng), test = adding(1000, T, rng);
      if (i == 0) first_train = train_set, first_test = test;
      const Score baseline = score(Tensor<float>(xt::ones_like(test.y)), test.y);
      rnn = train<nn::SimpleRNN<float>>(train_set, test, units, epochs, rnn_lr, seed, last);
      lstm = train<nn::LSTM<float>>(train_set, test, units, epochs, lstm_lr, seed, last);
      std::cout << std::setw(5) << T << std::fixed;
      for (const Score& s : {baseline, rnn.test, lstm.test})
        std::cout << std::setprecision(4) << std::setw(8) << s.mse << std::setprecision(3)
                  << std::setw(8) << s.accuracy;
      std::cout << "\n" << std::flush;
      acc_csv << T << "," << baseline.mse << "," << baseline.accuracy << "," << rnn.test.mse << ","
              << rnn.test.accuracy << "," << lstm.test.mse << "," << lstm.test.accuracy << "\n";
      for (std::size_t e = 0; e < rnn.curve.size(); ++e)
        curve_csv << T << "," << e * per_epoch << "," << rnn.curve[e] << "," << lstm.curve[e]
                  << "\n";
    }
    // A smaller rate is no handicap of the SimpleRNN: at the LSTM's rate it does worse.
    const Result fast = train<nn::SimpleRNN<float>>(first_train, first_test, units, epochs,
                                                    lstm_lr, seed, false);
    std::cout << "\nSimpleRNN at the LSTM's rate " << std::defaultfloat << lstm_lr
              << ", T = " << lengths.front() << ": MSE " << std::fixed << std::setprecision(4)
              << fast.test.mse << ", correct " << std::setprecision(3) << fast.test.accuracy
              << "\n";
    // The gradient reaching each step, for the last length (the longest, by default).
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
                             std::size_t{50}, T - 1}) {
      if (dist >= T || (dist == T - 1 && dist == 50)) continue;
      const std::size_t t = T - 1 - dist;
      std::cout << std::setw(10) << dist << std::setw(16) << rnn.reach_before[t] << std::setw(10)
                << rnn.reach_after[t] << std::setw(20) << lstm.reach_before[t] << std::setw(10)
                << lstm.reach_after[t] << "\n";
    }
    if (!out.empty()) {
      const std::filesystem::path dir(out);
      nn::write_file_atomically((dir / "memory_accuracy.csv").string(), acc_csv.str(),
                                "the accuracies");
      nn::write_file_atomically((dir / "memory_curves.csv").string(), curve_csv.str(),
                                "the learning curves");
      nn::write_file_atomically((dir / "gradient_reach.csv").string(), reach_csv.str(),
                                "the gradient norms");
    }
    return 0;
  });
}
