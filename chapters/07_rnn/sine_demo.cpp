// Chapter 7, demo 1: predict the next value of a noisy sine wave from the last T values,
// with a SimpleRNN and with an LSTM (32 units each), against the baseline "repeat the
// last value".
#include <CLI/CLI.hpp>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "nn/cli.hpp"
#include "nn/dense.hpp"
#include "nn/files.hpp"
#include "nn/gemm.hpp"
#include "nn/lstm.hpp"
#include "nn/model.hpp"
#include "nn/rnn.hpp"

using nn::Tensor;

namespace {

// [sine-data]
// N windows of a sine wave with a random phase: the inputs are T noisy samples
// sin(omega k + phase) + noise, the target is the clean next value sin(omega T + phase).
struct Windows {
  Tensor<float> x;  // (N, T, 1)
  Tensor<float> y;  // (N, 1)
};
Windows make_windows(std::size_t N, std::size_t T, double omega, double noise, nn::Generator& rng) {
  Windows w{Tensor<float>::from_shape({N, T, 1}), Tensor<float>::from_shape({N, 1})};
  for (std::size_t n = 0; n < N; ++n) {
    const double phase = rng.uniform(0, 2 * M_PI);
    for (std::size_t t = 0; t < T; ++t)
      w.x(n, t, 0) = static_cast<float>(std::sin(omega * double(t) + phase) + noise * rng.normal());
    w.y(n, 0) = static_cast<float>(std::sin(omega * double(T) + phase));
  }
  return w;
}
// [sine-data]

double mse(const Tensor<float>& a, const Tensor<float>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += std::pow(double(a.data()[i]) - b.data()[i], 2);
  return s / double(a.size());
}

// [sine-model]
template <class Recurrent>
Tensor<float> train_and_predict(const std::string& name, const Windows& train, const Windows& test,
                                std::size_t epochs, std::uint64_t seed) {
  const std::size_t T = train.x.shape(1);
  nn::Sequential model({T, 1}, seed);
  model.add(Recurrent(32));  // the last hidden state (32,)
  model.add(nn::Dense(1));   // the predicted next value
  model.compile(nn::Adam(3e-3f), nn::MeanSquaredError());
  const auto history =
      model.fit(train.x, train.y, {.epochs = epochs, .batch_size = 32, .verbose = 0});
  const Tensor<float> prediction = model.predict(test.x);
  double seconds = 0;
  for (double s : history.seconds) seconds += s;
  std::cout << std::left << std::setw(10) << name << std::right << " train MSE " << std::scientific
            << std::setprecision(2) << history.values.at("loss").back() << ", test MSE "
            << mse(prediction, test.y) << std::fixed << std::setprecision(1) << "  (" << seconds
            << " s)\n";
  return prediction;
}
// [sine-model]

}  // namespace

int main(int argc, char** argv) {
  nn::ensure_fast_blas(argv);
  CLI::App app{
      "Chapter 7: next value of a noisy sine wave, SimpleRNN vs LSTM vs repeating the last value"};
  std::size_t steps = 20, train_n = 2000, test_n = 500, epochs = 20;
  double noise = 0.1;
  std::uint64_t seed = 7;
  std::string out;
  app.add_option("--steps", steps, "T, the number of past values the models see")
      ->check(nn::cli::count(1, 10000))->capture_default_str();
  app.add_option("--train", train_n, "training windows")
      ->check(nn::cli::count(1, 1000000))->capture_default_str();
  app.add_option("--test", test_n, "test windows")
      ->check(nn::cli::count(1, 1000000))->capture_default_str();
  app.add_option("--epochs", epochs, "training epochs per model")
      ->check(nn::cli::count(1, 10000))->capture_default_str();
  app.add_option("--noise", noise, "standard deviation of the noise on the inputs")
      ->check(nn::cli::number(0, 10))->capture_default_str();
  app.add_option("--seed", seed, "seed of the data and the weights")
      ->check(nn::cli::seed())->capture_default_str();
  app.add_option("--out", out, "directory for sine_predictions.csv")
      ->check(nn::cli::output_directory());
  return nn::cli::run(app, argc, argv, [&] {
    const double omega = 0.2;  // radians per step: about 31 steps per period
    nn::Generator rng(seed);
    const Windows train = make_windows(train_n, steps, omega, noise, rng);
    const Windows test = make_windows(test_n, steps, omega, noise, rng);
    std::cout << "Noisy sine (omega " << omega << " rad/step, noise " << noise << "), T = " << steps
              << " past values -> the next clean value; " << train_n << " training and " << test_n
              << " test windows, " << epochs << " epochs, Adam lr 3e-3, 32 units.\n";
    // [sine-baseline]
    Tensor<float> last = Tensor<float>::from_shape({test_n, 1});
    for (std::size_t n = 0; n < test_n; ++n) last(n, 0) = test.x(n, steps - 1, 0);
    // [sine-baseline]
    std::cout << std::left << std::setw(10) << "last value" << std::right
              << "                  test MSE " << std::scientific << std::setprecision(2)
              << mse(last, test.y) << "\n";
    const Tensor<float> rnn =
        train_and_predict<nn::SimpleRNN<float>>("SimpleRNN", train, test, epochs, seed);
    const Tensor<float> lstm =
        train_and_predict<nn::LSTM<float>>("LSTM", train, test, epochs, seed);
    if (!out.empty()) {
      // The first few test windows one after the other: inputs, truth and the three predictions.
      std::ostringstream csv;
      csv << "window,t,input,truth,last_value,simple_rnn,lstm\n";
      for (std::size_t n = 0; n < std::min<std::size_t>(test_n, 4); ++n) {
        for (std::size_t t = 0; t < steps; ++t)
          csv << n << "," << t << "," << test.x(n, t, 0) << ",,,,\n";
        csv << n << "," << steps << ",," << test.y(n, 0) << "," << last(n, 0) << "," << rnn(n, 0)
            << "," << lstm(n, 0) << "\n";
      }
      nn::write_file_atomically((std::filesystem::path(out) / "sine_predictions.csv").string(),
                                csv.str(), "the predictions");
    }
    return 0;
  });
}
