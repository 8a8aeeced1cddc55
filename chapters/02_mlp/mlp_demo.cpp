// Chapter 2 demo: a hidden layer solves XOR; a multilayer perceptron separates two spirals.
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "nn/checkpoint.hpp"
#include "nn/cli.hpp"
#include "nn/data/dataset.hpp"
#include "nn/dense.hpp"
#include "nn/files.hpp"
#include "nn/model.hpp"

using nn::Activation;
using nn::Tensor;

int main(int argc, char** argv) {
  CLI::App app{"Chapter 2: an MLP learns XOR and two interleaved spirals"};
  std::size_t epochs = 300, batch_size = 32;
  float lr = 0.1f;
  std::uint64_t seed = 42;
  std::string out, checkpoint;
  bool resume = false;
  app.add_option("--epochs", epochs, "passes over the spirals")
      ->check(nn::cli::count(1, 100000))
      ->capture_default_str();
  app.add_option("--batch-size", batch_size, "examples per step")
      ->check(nn::cli::count(1, 100000))
      ->capture_default_str();
  app.add_option("--lr", lr, "learning rate of SGD")->check(nn::cli::positive(100))->capture_default_str();
  app.add_option("--seed", seed, "seed for data, weights and shuffling")
      ->check(nn::cli::seed())
      ->capture_default_str();
  app.add_option("--out", out, "directory for spirals_points.csv, spirals_grid.csv, history CSV")
      ->check(nn::cli::output_directory());
  auto* checkpoint_flag =
      app.add_option("--checkpoint", checkpoint,
                     "after every epoch on the spirals, save the training state here")
          ->check(nn::cli::output_file());
  app.add_flag("--resume", resume, "continue the spirals from --checkpoint (give the same flags)")
      ->needs(checkpoint_flag);
  return nn::cli::run(app, argc, argv, [&] {

    // [xor-mlp]
    const nn::Dataset xor_data = nn::make_xor();
    nn::Sequential xor_model({2}, seed);
    xor_model.add(nn::Dense(4, Activation::tanh));
    xor_model.add(nn::Dense(1, Activation::sigmoid));
    xor_model.compile(nn::SGD(1.0f), nn::BinaryCrossEntropy(), {"accuracy"});
    xor_model.fit(xor_data.x, xor_data.y, {.epochs = 1000, .batch_size = 4, .verbose = 0});
    // [xor-mlp]
    const Tensor<float> p = xor_model.predict(xor_data.x);
    std::cout << std::fixed << std::setprecision(3) << "XOR with one hidden layer of 4 tanh units:\n";
    for (std::size_t n = 0; n < 4; ++n)
      std::cout << "  x = (" << xor_data.x(n, 0) << ", " << xor_data.x(n, 1) << ")  a = " << p(n, 0)
                << "  target " << xor_data.y(n, 0) << "\n";
    std::cout << "  accuracy " << xor_model.evaluate(xor_data.x, xor_data.y).accuracy << "\n\n";

    // [spirals-mlp]
    nn::Generator data_rng(seed);
    const nn::Dataset spirals = nn::make_spirals(300, 2, 0.1, data_rng);
    nn::Sequential model({2}, seed);
    model.add(nn::Dense(64, Activation::relu));
    model.add(nn::Dense(64, Activation::relu));
    model.add(nn::Dense(2));
    model.compile(nn::SGD(lr), nn::SoftmaxCrossEntropy(), {"accuracy"});
    std::cout << model.summary();
    // [spirals-mlp]
    std::size_t initial_epoch = 0;  // --resume: weights, optimizer, generator and epoch
    if (resume) initial_epoch = nn::load_checkpoint(model, checkpoint).epoch;
    // [spirals-mlp]
    const nn::History history =
        model.fit(spirals.x, spirals.y, {.epochs = epochs, .batch_size = batch_size, .verbose = 0,
                                         .initial_epoch = initial_epoch, .checkpoint = checkpoint});
    // [spirals-mlp]
    std::cout << "two spirals, " << spirals.size() << " points, " << epochs << " epochs: loss "
              << history.values.at("loss").back() << ", accuracy "
              << history.values.at("accuracy").back() << "\n";

    if (!out.empty()) {
      const std::filesystem::path dir(out);
      history.write_csv((dir / "spirals_history.csv").string());
      std::ostringstream points;
      points << "x1,x2,label\n";
      for (std::size_t n = 0; n < spirals.size(); ++n)
        points << spirals.x(n, 0) << "," << spirals.x(n, 1) << "," << spirals.y(n) << "\n";
      nn::write_file_atomically((dir / "spirals_points.csv").string(), points.str(), "the points");
      // The decision boundary: the predicted class on a 200 x 200 grid over the data.
      const std::size_t G = 200;
      Tensor<float> grid = Tensor<float>::from_shape({G * G, 2});
      const float lo = -1.2f, hi = 1.2f;
      for (std::size_t i = 0; i < G; ++i)
        for (std::size_t j = 0; j < G; ++j) {
          grid(i * G + j, 0) = lo + (hi - lo) * static_cast<float>(j) / (G - 1);
          grid(i * G + j, 1) = lo + (hi - lo) * static_cast<float>(i) / (G - 1);
        }
      const Tensor<float> logits = model.predict(grid);
      std::ostringstream csv;
      csv << "x1,x2,class\n";
      for (std::size_t k = 0; k < G * G; ++k)
        csv << grid(k, 0) << "," << grid(k, 1) << "," << (logits(k, 1) > logits(k, 0) ? 1 : 0) << "\n";
      nn::write_file_atomically((dir / "spirals_grid.csv").string(), csv.str(), "the decision grid");
    }
    return 0;
  });
}
