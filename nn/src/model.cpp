// [listing]
#include "nn/model.hpp"

#include "nn/checkpoint.hpp"
#include "nn/conv2d.hpp"
#include "nn/data/dataset.hpp"
#include "nn/files.hpp"
#include "nn/pooling.hpp"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <numeric>
#include <sstream>

namespace nn {

// ---------------------------------------------------------------- History

void History::record(const std::string& name, double value) {
  if (!values.count(name)) names.push_back(name);
  values[name].push_back(value);
}


void History::write_csv(const std::string& path) const {
  std::ostringstream s;
  s << std::setprecision(8) << "epoch";
  for (const auto& n : names) s << "," << n;
  s << ",seconds\n";
  for (std::size_t e = 0; e < seconds.size(); ++e) {
    s << e + 1;
    for (const auto& n : names) s << "," << values.at(n)[e];
    s << "," << seconds[e] << "\n";
  }
  write_file_atomically(path, s.str(), "the history");
}

void History::write_json(const std::string& path) const {
  std::ostringstream s;
  s << std::setprecision(8) << "{";
  auto list = [&](const std::string& name, const std::vector<double>& v) {
    s << "\"" << name << "\": [";
    for (std::size_t i = 0; i < v.size(); ++i) s << (i ? ", " : "") << v[i];
    s << "]";
  };
  for (const auto& n : names) {
    list(n, values.at(n));
    s << ", ";
  }
  list("seconds", seconds);
  s << "}\n";
  write_file_atomically(path, s.str(), "the history");
}

void write_run_json(const std::string& path, const History& history, const Evaluation& test) {
  std::ostringstream s;
  s << std::setprecision(6) << "{\"epoch_seconds\": [";
  for (std::size_t e = 0; e < history.seconds.size(); ++e) s << (e ? ", " : "") << history.seconds[e];
  s << "], \"test_loss\": " << test.loss << ", \"test_accuracy\": " << test.accuracy << "}\n";
  write_file_atomically(path, s.str(), "the run summary");
}

// ---------------------------------------------------------------- Profile

// [profile-table]
std::string Profile::table() const {
  const double per = batches ? 1000.0 / double(batches) : 0;  // total seconds -> ms/batch
  const double step = step_seconds * per;
  std::ostringstream o;
  o << std::fixed << std::setprecision(3) << "Profile: " << batches << " batches, ms per batch\n"
    << std::left << std::setw(16) << "layer" << std::right << std::setw(10) << "forward"
    << std::setw(10) << "backward" << std::setw(8) << "share" << std::setw(10) << "CPU\n";
  double accounted = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const double f = forward_seconds[i] * per, b = backward_seconds[i] * per;
    accounted += f + b;
    o << std::left << std::setw(16) << names[i] << std::right << std::setw(10) << f
      << std::setw(10) << b << std::setprecision(1) << std::setw(7)
      << (step > 0 ? 100 * (f + b) / step : 0.0) << "%" << std::setprecision(3) << std::setw(10)
      << cpu_seconds[i] * per << "\n";
  }
  o << std::left << std::setw(16) << "step" << std::right << std::setw(20) << step
    << std::setw(8) << "100.0%" << std::setw(10) << step_cpu_seconds * per << "\n"
    << "(" << step - accounted << " ms of each step's wall time fall in no row)\n";
  return o.str();
}
// [profile-table]

namespace {
double cpu_now() {  // CPU time of all the process's threads
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

// [profile-timed]
// Runs f(); when profiling, adds its wall time to wall[row] and its CPU time to cpu[row].
template <class F>
auto timed(bool profiling, std::vector<double>& wall, std::vector<double>& cpu, std::size_t row,
           const F& f) {
  if (!profiling) return f();
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = cpu_now();
  auto result = f();
  cpu[row] += cpu_now() - cpu_start;
  wall[row] += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}
// [profile-timed]
}  // namespace

// ---------------------------------------------------------------- Sequential

template <class T>
Sequential<T>::Sequential(Shape input_shape, std::uint64_t seed) : rng_(seed), seed_(seed) {
  shapes_.push_back(std::move(input_shape));
}

// [sequential-add]
template <class T>
void Sequential<T>::add_layer(std::unique_ptr<Layer<T>> layer) {
  // Keras names: the first dense layer is "dense", the second "dense_1", ...
  const int k = kind_counts_[layer->kind()]++;
  layer->set_name(k == 0 ? layer->kind() : layer->kind() + "_" + std::to_string(k));
  shapes_.push_back(layer->build(shapes_.back(), rng_));
  // Only layers after the first one with parameters need to pass a gradient back.
  layer->set_input_gradient(!params().empty());
  // A 2x2, stride-2 max pool right after a convolution may run fused with it (chapter 10).
  auto* conv = layers_.empty() ? nullptr : dynamic_cast<Conv2D<T>*>(layers_.back().get());
  const auto* pool = dynamic_cast<const MaxPool2D<T>*>(layer.get());
  if (conv && pool && pool->pool_size() == 2 && pool->stride() == 2) pairs_.back() = conv;
  layers_.push_back(std::move(layer));
  pairs_.push_back(nullptr);
  params_ = params();
}
// [sequential-add]

template <class T>
void Sequential<T>::compile_with(std::unique_ptr<Optimizer<T>> optimizer,
                                 std::unique_ptr<Loss<T>> loss, std::vector<std::string> metrics) {
  for (const auto& m : metrics)
    if (m != "accuracy") throw std::invalid_argument("unknown metric '" + m + "' (known: accuracy)");
  optimizer_ = std::move(optimizer);
  loss_ = std::move(loss);
  metrics_ = std::move(metrics);
}

template <class T>
std::vector<Param<T>> Sequential<T>::params() {
  std::vector<Param<T>> all;
  for (auto& layer : layers_)
    for (auto& p : layer->params()) all.push_back(p);
  return all;
}

template <class T>
std::size_t Sequential<T>::param_count() {
  std::size_t n = 0;
  for (auto& p : params()) n += p.value->size();
  return n;
}

template <class T>
void Sequential<T>::set_training(bool on) {
  for (auto& layer : layers_) layer->set_training(on);
}

// [sequential-step]
template <class T>
const Tensor<T>& Sequential<T>::forward(const Tensor<T>& x) {
  const Tensor<T>* a = &x;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    Conv2D<T>* pair = fused_pair(i);  // layers i and i + 1 as one pass (chapter 10)
    a = timed(profiling_, profile_.forward_seconds, profile_.cpu_seconds, i, [&] {
      return pair ? &pair->forward_pooled(*a) : &layers_[i]->forward(*a);
    });
    if (pair) ++i;
  }
  return *a;
}

template <class T>
const Tensor<T>& Sequential<T>::backward(const Tensor<T>& dy) {
  const Tensor<T>* d = &dy;
  for (std::size_t i = layers_.size(); i-- > 0;) {
    Conv2D<T>* pair = i > 0 ? fused_pair(i - 1) : nullptr;  // layer i is a fused pair's pool
    if (pair) --i;
    d = timed(profiling_, profile_.backward_seconds, profile_.cpu_seconds, i, [&] {
      return pair ? &pair->backward_pooled(*d) : &layers_[i]->backward(*d);
    });
    if (!layers_[i]->input_gradient()) break;  // no layer before this one has parameters
  }
  return *d;
}

template <class T>
Conv2D<T>* Sequential<T>::fused_pair(std::size_t i) const {
  Conv2D<T>* conv = fusion_ ? pairs_[i] : nullptr;
  return conv && conv->fuses_pool(2, 2) ? conv : nullptr;  // set_direct(false) may have intervened
}

template <class T>
T Sequential<T>::train_step(const Tensor<T>& x, const Tensor<T>& y) {
  if (!optimizer_) throw std::logic_error("train_step before compile: call model.compile(...)");
  const Tensor<T>& out = forward(x);
  last_output_ = &out;
  const std::size_t loss_row = layers_.size(), optimizer_row = loss_row + 1;  // in the profile
  const T loss = timed(profiling_, profile_.forward_seconds, profile_.cpu_seconds, loss_row,
                       [&] { return loss_->forward(out, y); });
  // The penalties R(W) of regularized layers join the loss; their gradients join dW in backward.
  last_penalty_ = 0;
  for (auto& layer : layers_) last_penalty_ += layer->penalty();
  backward(loss_->backward());  // the loss's forward already computed its gradient
  timed(profiling_, profile_.backward_seconds, profile_.cpu_seconds, optimizer_row, [&] {
    optimizer_->step(params_);
    // gradients accumulate: clear them for the next step (each layer's zero_grad(), in effect)
    for (auto& p : params_) p.grad->fill(T(0));
    return 0;
  });
  return loss;
}
// [sequential-step]

template <class T>
bool Sequential<T>::wants_accuracy() const {
  return std::find(metrics_.begin(), metrics_.end(), "accuracy") != metrics_.end();
}

// A row is correct when its largest output is the target class; with one output
// column (binary tasks) when the output is on the target's side of 0.5.
template <class T>
std::size_t Sequential<T>::count_correct(const Tensor<T>& out, const Tensor<T>& y) const {
  const std::size_t N = out.shape(0), C = out.size() / N;
  std::size_t correct = 0;
  for (std::size_t n = 0; n < N; ++n) {
    const T* row = out.data() + n * C;
    if (C == 1) {
      correct += (row[0] > T(0.5)) == (y.data()[n] > T(0.5));
    } else {
      const auto predicted = static_cast<std::size_t>(std::max_element(row, row + C) - row);
      correct += predicted == target_class(y, n);
    }
  }
  return correct;
}

namespace {

std::string format_seconds(double s) {
  std::ostringstream o;
  if (s >= 60) o << static_cast<long>(s) / 60 << "m" << static_cast<long>(s) % 60 << "s";
  else o << static_cast<long>(std::lround(s)) << "s";
  return o.str();
}

// "117/938 [===>..........]": Keras's progress bar.
std::string progress_bar(std::size_t done, std::size_t total) {
  const std::size_t width = 30, filled = total ? done * width / total : width;
  std::string bar(filled, '=');
  if (filled < width) bar += '>' + std::string(width - filled - 1, '.');
  const std::string count = std::to_string(total);
  std::ostringstream o;
  o << std::setw(static_cast<int>(count.size())) << done << "/" << count << " [" << bar << "]";
  return o.str();
}

// Training or evaluating on no examples would divide by zero (the mean loss, ms per step).
template <class T>
void require_examples(const std::string& where, const Tensor<T>& x, std::size_t batch_size) {
  if (x.dimension() == 0 || x.shape(0) == 0)
    throw value_error(where + ": no examples (x has shape " + to_string(shape_of(x)) + ")");
  if (batch_size == 0) throw value_error(where + ": batch_size must be at least 1, got 0");
}

// A loss that stays finite but grows a hundredfold is diverging slowly: said once, with the
// learning rate, since that is nearly always the cause.
constexpr double loss_growth_warning = 100;
void warn_if_loss_grew(double start, double now, std::size_t epoch, double learning_rate,
                       bool& warned, std::ostream& out) {
  if (warned || !(start > 0) || !(now > loss_growth_warning * start)) return;
  warned = true;
  out << "warning: the training loss grew from " << start << " (before training) to " << now
      << " (epoch " << epoch << "), more than " << loss_growth_warning
      << "-fold: the learning rate " << learning_rate << " is probably too large\n";
}

}  // namespace

// [fit]
template <class T>
History Sequential<T>::fit(const Tensor<T>& x, const Tensor<T>& y, const FitOptions<T>& options,
                           std::ostream* log) {
  if (!optimizer_) throw std::logic_error("fit before compile: call model.compile(...)");
  if (x.shape(0) != y.shape(0))
    throw shape_error("fit targets", "(" + std::to_string(x.shape(0)) + ", ...)", shape_of(y));
  require_examples("fit", x, options.batch_size);
  // [fit-validation-split]
  if (options.validation_split != 0) {
    if (options.validation_data.x)
      throw std::invalid_argument("fit: give validation_data or validation_split, not both");
    const std::size_t N = x.shape(0);
    const double split = options.validation_split;
    const auto held = static_cast<std::size_t>(std::lround(split * double(N)));
    if (!(split > 0 && split < 1) || held == 0 || held == N)
      throw std::invalid_argument("fit: validation_split " + std::to_string(split) + " of " +
                                  std::to_string(N) +
                                  " examples leaves none for training or none for validation");
    // A random `held` examples for validation, the rest for training, from a generator of
    // their own seeded by the model's seed: every fit of this model, a resumed one included,
    // holds out the same examples, and drawing them leaves the model's generator untouched.
    Generator split_rng(seed_ ^ 0x76616c69646174ULL);  // "validat": a stream apart from rng_
    const std::vector<std::size_t> order = split_rng.permutation(N);
    Tensor<T> x_val, y_val, x_train, y_train;
    gather_batch(x, order, 0, held, x_val);
    gather_batch(y, order, 0, held, y_val);
    gather_batch(x, order, held, N - held, x_train);
    gather_batch(y, order, held, N - held, y_train);
    FitOptions<T> rest = options;
    rest.validation_split = 0;
    rest.validation_data = {&x_val, &y_val};
    return fit(x_train, y_train, rest, log);
  }
  // [fit-validation-split]
  History history;
  std::ostream& out = log ? *log : std::cout;
  if (options.initial_epoch > options.epochs)
    throw value_error("fit: initial_epoch " + std::to_string(options.initial_epoch) +
                      " is past epochs " + std::to_string(options.epochs));
  const double start_loss =
      options.initial_epoch < options.epochs ? first_batch_loss(x, y, options.batch_size) : 0;
  bool warned = false;
  std::optional<EarlyStopping> stopper = options.early_stopping;
  if (stopper) stopper->reset();
  if (options.profile) {  // one row per layer, then the rest of a step
    profile_ = Profile{};
    for (auto& layer : layers_) profile_.names.push_back(layer->name());
    for (const char* part : {"loss", "optimizer", "batch"}) profile_.names.push_back(part);
    profile_.forward_seconds.assign(profile_.names.size(), 0);
    profile_.backward_seconds.assign(profile_.names.size(), 0);
    profile_.cpu_seconds.assign(profile_.names.size(), 0);
  }
  profiling_ = options.profile;  // after first_batch_loss: only training steps are timed
  std::vector<Tensor<T>> best_weights;
  for (std::size_t epoch = options.initial_epoch; epoch < options.epochs; ++epoch) {
    if (options.verbose) out << "Epoch " << epoch + 1 << "/" << options.epochs << "\n";
    run_epoch(x, y, options, epoch, history, out);
    warn_if_loss_grew(start_loss, history.values.at("loss").back(), epoch + 1,
                      static_cast<double>(optimizer_->learning_rate), warned, log ? *log : std::cerr);
    // ModelCheckpoint: weights, optimizer state, generator and position, after every epoch.
    if (!options.checkpoint.empty()) save_checkpoint(*this, options.checkpoint, {epoch + 1, 0});
    if (!stopper) continue;
    // [fit-early-stopping]
    if (!history.values.count(stopper->monitor))
      throw std::invalid_argument("early stopping monitors '" + stopper->monitor +
                                  "', which fit does not record (validation needs validation_data "
                                  "or validation_split)");
    const bool stop = stopper->update(epoch, history.values.at(stopper->monitor).back());
    if (stopper->restore_best_weights && stopper->best_epoch == epoch) best_weights = snapshot();
    if (stop) {
      if (options.verbose) out << "Epoch " << epoch + 1 << ": early stopping\n";
      break;
    }
    // [fit-early-stopping]
  }
  if (stopper && stopper->restore_best_weights && !best_weights.empty()) {
    restore(best_weights);
    if (options.verbose)
      out << "Restoring model weights from the end of the best epoch: " << stopper->best_epoch + 1
          << ".\n";
  }
  profiling_ = false;
  if (options.profile) out << profile_.table();
  return history;
}

template <class T>
std::vector<Tensor<T>> Sequential<T>::snapshot() {
  std::vector<Tensor<T>> saved;
  for (auto& layer : layers_) {
    for (auto& p : layer->params()) saved.push_back(*p.value);
    for (auto& s : layer->state()) saved.push_back(*s.value);
  }
  return saved;
}

template <class T>
void Sequential<T>::restore(const std::vector<Tensor<T>>& saved) {
  std::size_t i = 0;
  for (auto& layer : layers_) {
    for (auto& p : layer->params()) *p.value = saved[i++];
    for (auto& s : layer->state()) *s.value = saved[i++];
  }
}
// [fit]

// [run-epoch-loop]
template <class T>
void Sequential<T>::run_epoch(const Tensor<T>& x, const Tensor<T>& y, const FitOptions<T>& options,
                              std::size_t epoch, History& history, std::ostream& out) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  const std::size_t N = x.shape(0), B = options.batch_size, steps = (N + B - 1) / B;
  const bool live = options.verbose && &out == &std::cout && isatty(STDOUT_FILENO);
  std::vector<std::size_t> order(N);
  if (options.shuffle) order = rng_.permutation(N);
  else std::iota(order.begin(), order.end(), std::size_t{0});
  // [run-epoch-loop]

  set_training(true);
  double loss_sum = 0;
  std::size_t seen = 0, correct = 0;
  // [epoch-penalty]
  double penalty_sum = 0;  // the layers' penalties R(W), summed like the loss
  bool penalized = false;
  for (auto& layer : layers_) penalized = penalized || layer->penalty() != 0;
  // [epoch-penalty]
  auto last_print = start;
  auto metrics_text = [&](double loss, double accuracy) {
    std::ostringstream o;
    o << std::fixed << std::setprecision(4) << " - loss: " << loss;
    // [epoch-penalty]
    if (penalized) o << " - penalty: " << penalty_sum / std::max<std::size_t>(seen, 1);
    // [epoch-penalty]
    if (wants_accuracy()) o << " - accuracy: " << accuracy;
    return o.str();
  };
  // [run-epoch-loop]
  for (std::size_t step = 0; step < steps; ++step) {
    const std::size_t count = std::min(B, N - step * B);
    const auto step_start = clock::now();
    const double step_cpu_start = profiling_ ? cpu_now() : 0;
    timed(profiling_, profile_.forward_seconds, profile_.cpu_seconds, layers_.size() + 2, [&] {
      gather_batch(x, order, step * B, count, x_batch_);
      gather_batch(y, order, step * B, count, y_batch_);
      return 0;
    });
    const T loss = train_step(x_batch_, y_batch_);
    if (profiling_) {
      profile_.step_seconds += std::chrono::duration<double>(clock::now() - step_start).count();
      profile_.step_cpu_seconds += cpu_now() - step_cpu_start;
      ++profile_.batches;
    }
    if (!std::isfinite(loss))
      throw training_error("the loss became " + std::to_string(loss) + " at epoch " +
                           std::to_string(epoch + 1) + ", batch " + std::to_string(step + 1) +
                           ": training diverged; lower the learning rate (now " +
                           std::to_string(optimizer_->learning_rate) + ")");
    if (wants_accuracy()) correct += count_correct(*last_output_, y_batch_);
    loss_sum += static_cast<double>(loss) * count;
    // [epoch-penalty]
    penalty_sum += last_penalty_ * count;
    // [epoch-penalty]
    seen += count;
    const auto now = clock::now();
    if (live && (now - last_print > std::chrono::milliseconds(250) || step + 1 == steps)) {
      const double elapsed = std::chrono::duration<double>(now - start).count();
      const double eta = elapsed / (step + 1) * (steps - step - 1);
      out << "\r" << progress_bar(step + 1, steps) << " - ETA: " << format_seconds(eta)
          << metrics_text(loss_sum / seen, double(correct) / seen) << "\033[K" << std::flush;
      last_print = now;
    }
  }
  // [run-epoch-loop]
  const double seconds = std::chrono::duration<double>(clock::now() - start).count();
  history.seconds.push_back(seconds);
  history.record("loss", loss_sum / N);  // the data loss alone, comparable with val_loss
  // [epoch-penalty]
  if (penalized) history.record("penalty", penalty_sum / N);
  // [epoch-penalty]
  if (wants_accuracy()) history.record("accuracy", double(correct) / N);
  std::string val_text;
  if (options.validation_data.x) {
    const Evaluation v = evaluate(*options.validation_data.x, *options.validation_data.y);
    history.record("val_loss", v.loss);
    std::ostringstream o;
    o << std::fixed << std::setprecision(4) << " - val_loss: " << v.loss;
    if (wants_accuracy()) {
      history.record("val_accuracy", v.accuracy);
      o << " - val_accuracy: " << v.accuracy;
    }
    val_text = o.str();
  }
  if (options.verbose) {
    std::ostringstream per_step;
    per_step << std::lround(1000 * seconds / steps) << "ms/step";
    out << (live ? "\r" : "") << progress_bar(steps, steps) << " - " << format_seconds(seconds)
        << " " << per_step.str() << metrics_text(loss_sum / N, double(correct) / N) << val_text
        << (live ? "\033[K" : "") << "\n";
  }
}

// The loss on the first batch, in inference mode, before any step.
template <class T>
double Sequential<T>::first_batch_loss(const Tensor<T>& x, const Tensor<T>& y, std::size_t batch_size) {
  std::vector<std::size_t> first(std::min(batch_size, static_cast<std::size_t>(x.shape(0))));
  std::iota(first.begin(), first.end(), std::size_t{0});
  gather_batch(x, first, 0, first.size(), x_batch_);
  gather_batch(y, first, 0, first.size(), y_batch_);
  set_training(false);
  const double loss = static_cast<double>(loss_->forward(forward(x_batch_), y_batch_));
  set_training(true);
  return loss;
}

template <class T>
Evaluation Sequential<T>::evaluate(const Tensor<T>& x, const Tensor<T>& y, std::size_t batch_size) {
  if (!loss_) throw std::logic_error("evaluate before compile: call model.compile(...)");
  if (x.shape(0) != y.shape(0))
    throw shape_error("evaluate targets", "(" + std::to_string(x.shape(0)) + ", ...)", shape_of(y));
  require_examples("evaluate", x, batch_size);
  set_training(false);
  const std::size_t N = x.shape(0);
  std::vector<std::size_t> order(N);
  std::iota(order.begin(), order.end(), std::size_t{0});
  double loss_sum = 0;
  std::size_t correct = 0;
  for (std::size_t begin = 0; begin < N; begin += batch_size) {
    const std::size_t count = std::min(batch_size, N - begin);
    gather_batch(x, order, begin, count, x_batch_);
    gather_batch(y, order, begin, count, y_batch_);
    const Tensor<T>& out = forward(x_batch_);
    loss_sum += static_cast<double>(loss_->forward(out, y_batch_)) * count;
    correct += count_correct(out, y_batch_);
  }
  set_training(true);
  return {loss_sum / N, double(correct) / N};
}

template <class T>
Tensor<T> Sequential<T>::predict(const Tensor<T>& x, std::size_t batch_size) {
  require_examples("predict", x, batch_size);
  set_training(false);
  const std::size_t N = x.shape(0);
  Tensor<T> result = Tensor<T>::from_shape(batch_of(N, output_shape()));
  const std::size_t row = result.size() / N;
  std::vector<std::size_t> order(N);
  std::iota(order.begin(), order.end(), std::size_t{0});
  for (std::size_t begin = 0; begin < N; begin += batch_size) {
    const std::size_t count = std::min(batch_size, N - begin);
    gather_batch(x, order, begin, count, x_batch_);
    const Tensor<T>& out = forward(x_batch_);
    std::copy(out.data(), out.data() + count * row, result.data() + begin * row);
  }
  set_training(true);
  return result;
}

template <class T>
std::string Sequential<T>::summary() const {
  auto thousands = [](std::size_t n) {  // 101770 -> "101,770"
    const std::string digits = std::to_string(n);
    std::string s;
    for (std::size_t i = 0; i < digits.size(); ++i) {
      if (i > 0 && (digits.size() - i) % 3 == 0) s.push_back(',');
      s.push_back(digits[i]);
    }
    return s;
  };
  auto shape_text = [](const Shape& s) {
    std::ostringstream t;
    t << "(None";
    for (auto d : s) t << ", " << d;
    t << ")";
    return t.str();
  };
  std::ostringstream o;
  const std::string rule(70, '_'), double_rule(70, '=');
  o << "Model: \"sequential\"\n" << rule << "\n";
  o << std::left << std::setw(37) << " Layer (type)" << std::setw(22) << "Output Shape" << "Param #\n";
  o << double_rule << "\n";
  std::size_t total = 0, frozen = 0;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    std::size_t count = 0;
    for (auto& p : layers_[i]->params()) count += p.value->size();
    total += count;
    // [summary-state]
    for (auto& s : layers_[i]->state()) {  // batch norm's running averages, counted as Keras does
      frozen += s.value->size();
      count += s.value->size();
    }
    // [summary-state]
    std::ostringstream label;
    label << layers_[i]->name() << " (" << layers_[i]->kind() << ")";
    o << " " << std::setw(36) << label.str() << std::setw(22) << shape_text(shapes_[i + 1])
      << thousands(count) << "\n";
    o << (i + 1 < layers_.size() ? "\n" : "");
  }
  o << double_rule << "\nTotal params: " << thousands(total + frozen) << "\nTrainable params: "
    << thousands(total) << "\nNon-trainable params: " << thousands(frozen) << "\n" << rule << "\n";
  return o.str();
}

template class Sequential<float>;
template class Sequential<double>;

}  // namespace nn
// [listing]
