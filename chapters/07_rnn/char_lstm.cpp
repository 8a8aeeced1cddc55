// Chapter 7, demo 3: a character-level language model. An LSTM reads the license texts
// every Debian system has (/usr/share/common-licenses) and learns to predict the next
// character; as it trains it writes text of its own, at several temperatures.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "nn/cli.hpp"
#include "nn/dense.hpp"
#include "nn/files.hpp"
#include "nn/gemm.hpp"
#include "nn/lstm.hpp"
#include "nn/model.hpp"
#include "nn/sequence.hpp"

using nn::Tensor;

namespace {

// [char-corpus]
// The regular files of a directory (symbolic links skipped, so no text twice), in
// sorted order, concatenated byte by byte; the alphabet is the bytes that occur.
struct Corpus {
  std::string text;
  std::vector<unsigned char> alphabet;  // symbol -> byte
  std::vector<int> symbol_of;           // byte -> symbol (-1: absent)
};
Corpus read_corpus(const std::string& dir) {
  if (!std::filesystem::is_directory(dir)) throw nn::data_error(dir, "not a directory");
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.is_regular_file() && !entry.is_symlink()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  Corpus c;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    c.text += std::string(std::istreambuf_iterator<char>(in), {});
  }
  if (c.text.size() < 1000) throw nn::data_error(dir, "fewer than 1000 characters of text");
  c.symbol_of.assign(256, -1);
  for (unsigned char b : c.text) c.symbol_of[b] = 0;
  for (int b = 0; b < 256; ++b)
    if (c.symbol_of[b] == 0) {
      c.symbol_of[b] = static_cast<int>(c.alphabet.size());
      c.alphabet.push_back(static_cast<unsigned char>(b));
    }
  return c;
}
// [char-corpus]

// [char-batch]
// One batch: B windows of T + 1 characters starting at `starts`; the inputs are the first
// T characters one-hot (B, T, V), the targets the T characters that follow each (B, T).
void make_batch(const Corpus& c, const std::string& text, const std::vector<std::size_t>& starts,
                std::size_t T, Tensor<float>& x, Tensor<float>& y) {
  const std::size_t B = starts.size(), V = c.alphabet.size();
  nn::resize_if_needed(x, {B, T, V});
  nn::resize_if_needed(y, {B, T});
  x.fill(0.0f);
  for (std::size_t n = 0; n < B; ++n)
    for (std::size_t t = 0; t < T; ++t) {
      const auto here = static_cast<unsigned char>(text[starts[n] + t]);
      const auto next = static_cast<unsigned char>(text[starts[n] + t + 1]);
      x(n, t, static_cast<std::size_t>(c.symbol_of[here])) = 1.0f;
      y(n, t) = static_cast<float>(c.symbol_of[next]);
    }
}
// [char-batch]

// [char-sample]
// Writes `length` characters after `prime`: the LSTM runs one character at a time,
// each step starting from the states the previous one ended in.
std::string generate(nn::Sequential<float>& model, nn::LSTM<float>& lstm, const Corpus& c,
                     const std::string& prime, std::size_t length, double temperature,
                     nn::Generator& rng) {
  const std::size_t V = c.alphabet.size();
  Tensor<float> x = xt::zeros<float>({std::size_t{1}, std::size_t{1}, V});
  Tensor<float> h, cell;  // no state: zeros
  std::string out = prime;
  std::size_t symbol = 0;
  for (std::size_t k = 0; k < prime.size() + length; ++k) {
    if (k < prime.size())
      symbol = static_cast<std::size_t>(c.symbol_of[static_cast<unsigned char>(prime[k])]);
    x.fill(0.0f);
    x(0, 0, symbol) = 1.0f;
    lstm.set_initial_state(h, cell);
    const Tensor<float>& logits = model.forward(x);  // (1, 1, V)
    h = lstm.final_h();
    cell = lstm.final_c();
    if (k + 1 >= prime.size()) {
      symbol = nn::sample(logits, temperature, rng);
      if (k + 1 < prime.size() + length) out += static_cast<char>(c.alphabet[symbol]);
    }
  }
  lstm.set_initial_state({}, {});  // training starts every window from zero states again
  return out;
}
// [char-sample]

// Mean loss per character over the held-out text, in non-overlapping windows of T.
double heldout_loss(nn::Sequential<float>& model, nn::Loss<float>& loss, const Corpus& c,
                    const std::string& text, std::size_t T) {
  std::vector<std::size_t> starts;
  for (std::size_t s = 0; s + T + 1 <= text.size(); s += T) starts.push_back(s);
  Tensor<float> x, y;
  double sum = 0;
  const std::size_t B = 64;
  for (std::size_t begin = 0; begin < starts.size(); begin += B) {
    const std::vector<std::size_t> part(starts.begin() + long(begin),
                                        starts.begin() + long(std::min(begin + B, starts.size())));
    make_batch(c, text, part, T, x, y);
    sum += double(loss.forward(model.forward(x), y)) * double(part.size());
  }
  return sum / double(starts.size());
}

std::string printable(const std::string& s) {  // one line: newlines shown as "⏎"
  std::string r;
  for (char ch : s) r += ch == '\n' ? std::string("⏎") : std::string(1, ch);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  nn::ensure_fast_blas(argv);
  CLI::App app{"Chapter 7: a character-level LSTM language model on the Debian license texts"};
  std::string data = "/usr/share/common-licenses", out, bench_json;
  std::size_t steps = 1000, units = 128, seq = 64, batch = 32, sample_every = 250,
              sample_length = 160;
  double lr = 2e-3, clipnorm = 5, heldout = 0.1;
  std::uint64_t seed = 1;
  app.add_option("--data", data, "directory of text files")
      ->check(nn::cli::input_directory())->capture_default_str();
  app.add_option("--steps", steps, "training steps (batches)")
      ->check(nn::cli::count(1, 10000000))->capture_default_str();
  app.add_option("--units", units, "LSTM units H")
      ->check(nn::cli::count(1, 4096))->capture_default_str();
  app.add_option("--seq", seq, "characters per training window T")
      ->check(nn::cli::count(1, 100000))->capture_default_str();
  app.add_option("--batch", batch, "windows per batch B")
      ->check(nn::cli::count(1, 100000))->capture_default_str();
  app.add_option("--lr", lr, "Adam's learning rate")
      ->check(nn::cli::positive(100))->capture_default_str();
  app.add_option("--clipnorm", clipnorm, "clip the gradient's global norm to this (0: off)")
      ->check(nn::cli::number(0, 1e6))->capture_default_str();
  app.add_option("--heldout", heldout, "fraction of the text (its end) held out")
      ->check(nn::cli::positive(0.5))->capture_default_str();
  app.add_option("--sample-every", sample_every, "evaluate and write samples every this many steps")
      ->check(nn::cli::count(1, 10000000))->capture_default_str();
  app.add_option("--sample-length", sample_length, "characters per sample")
      ->check(nn::cli::count(1, 100000))->capture_default_str();
  app.add_option("--seed", seed, "seed of the weights, the batches and the samples")
      ->check(nn::cli::seed())->capture_default_str();
  app.add_option("--out", out, "directory for char_lstm_loss.csv and char_lstm_samples.txt")
      ->check(nn::cli::output_directory());
  app.add_option("--bench-json", bench_json,
                 "write seconds per 100 steps and the losses here as JSON")
      ->check(nn::cli::output_file());
  return nn::cli::run(app, argc, argv, [&] {
    const Corpus corpus = read_corpus(data);
    const std::size_t V = corpus.alphabet.size();
    const std::size_t split =
        corpus.text.size() - std::size_t(double(corpus.text.size()) * heldout);
    const std::string train_text = corpus.text.substr(0, split),
                      heldout_text = corpus.text.substr(split);
    if (train_text.size() < seq + 2 || heldout_text.size() < seq + 2)
      throw nn::cli::usage_error("--seq: got '" + std::to_string(seq) +
                                 "'; allowed: at most " +
                                 std::to_string(std::max<std::size_t>(
                                     std::min(train_text.size(), heldout_text.size()), 3) - 2) +
                                 " for this text and this --heldout");
    std::cout << corpus.text.size() << " characters, " << V << " distinct; training on the first "
              << train_text.size() << ", holding out the last " << heldout_text.size() << ".\n"
              << "LSTM(" << units << ") -> Dense(" << V
              << ") at every step; one-hot input, T = " << seq << ", B = " << batch << ", Adam lr "
              << lr << ", clipnorm " << clipnorm << ", " << steps << " steps.\n\n";

    // [char-model]
    nn::Sequential model({seq, V}, seed);
    auto& lstm = model.add(nn::LSTM(units, /*return_sequences=*/true));  // (T, H)
    model.add(nn::TimeDistributed(nn::Dense(V)));  // (T, V): logits of the next character
    nn::Adam adam(static_cast<float>(lr));
    adam.clipnorm = static_cast<float>(clipnorm);
    model.compile(adam, nn::SequenceCrossEntropy());
    // [char-model]
    nn::SequenceCrossEntropy<float> eval_loss;

    nn::Generator batches(seed + 1), sampler(seed + 2);
    Tensor<float> x, y;
    std::vector<std::size_t> starts(batch);
    std::vector<double> recent;  // losses of the last 100 steps
    std::ostringstream loss_csv, samples;
    loss_csv << "step,train_loss,heldout_loss\n";
    double train_seconds = 0, last_heldout = 0;
    const double log_uniform = std::log(double(V));
    std::cout << std::fixed << std::setprecision(3) << "step     0  held-out loss "
              << heldout_loss(model, eval_loss, corpus, heldout_text, seq) << " (uniform guess: ln "
              << V << " = " << log_uniform << ")\n";
    for (std::size_t step = 1; step <= steps; ++step) {
      // [char-train-step]
      for (auto& s : starts) s = batches.below(train_text.size() - seq - 1);
      make_batch(corpus, train_text, starts, seq, x, y);
      const auto t0 = std::chrono::steady_clock::now();
      const double loss = model.train_step(x, y);
      train_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      // [char-train-step]
      if (!std::isfinite(loss))
        throw nn::training_error("the loss became " + std::to_string(loss) + " at step " +
                                 std::to_string(step));
      recent.push_back(loss);
      if (recent.size() > 100) recent.erase(recent.begin());
      if (step % sample_every == 0 || step == steps) {
        double mean = 0;
        for (double l : recent) mean += l / double(recent.size());
        last_heldout = heldout_loss(model, eval_loss, corpus, heldout_text, seq);
        loss_csv << step << "," << mean << "," << last_heldout << "\n";
        std::cout << "step " << std::setw(5) << step << "  train loss " << mean
                  << " (mean of the last " << recent.size() << " steps)  held-out loss "
                  << last_heldout << "  " << std::setprecision(1)
                  << 100 * train_seconds / double(step) << " s/100 steps\n"
                  << std::setprecision(3);
        samples << "step " << step << "\n";
        for (double temperature : {0.5, 1.0}) {
          const std::string text =
              generate(model, lstm, corpus, "The ", sample_length, temperature, sampler);
          std::cout << "  T=" << std::setprecision(1) << temperature << std::setprecision(3) << "  "
                    << printable(text) << "\n";
          samples << "  temperature " << temperature << ": " << printable(text) << "\n";
        }
      }
    }
    double final_train = 0;
    for (double l : recent) final_train += l / double(recent.size());
    std::cout << "\n"
              << std::setprecision(2) << 100 * train_seconds / double(steps)
              << " s per 100 training steps (" << nn::blas_description() << ")\n";
    if (!out.empty()) {
      const std::filesystem::path dir(out);
      nn::write_file_atomically((dir / "char_lstm_loss.csv").string(), loss_csv.str(),
                                "the losses");
      nn::write_file_atomically((dir / "char_lstm_samples.txt").string(), samples.str(),
                                "the samples");
    }
    if (!bench_json.empty()) {
      std::ostringstream json;
      json << std::setprecision(6) << "{\"implementation\": \"nn (C++)\", \"steps\": " << steps
           << ", \"seconds_per_100_steps\": " << 100 * train_seconds / double(steps)
           << ", \"train_loss\": " << final_train << ", \"heldout_loss\": " << last_heldout
           << "}\n";
      nn::write_file_atomically(bench_json, json.str(), "the benchmark result");
    }
    return 0;
  });
}
