#pragma once
/**
 * @file model.hpp
 * @brief `Sequential`: a stack of layers with a Keras-like surface.
 */
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nn/early_stopping.hpp"
#include "nn/layer.hpp"
#include "nn/loss.hpp"
#include "nn/optimizer.hpp"

namespace nn {

template <class T>
class Conv2D;

/**
 * @brief Per-epoch values recorded by `Sequential::fit`: `loss`, `accuracy`, `val_loss`, ...
 * @ingroup ch04
 */
struct History {
  std::vector<std::string> names;                     ///< column order, e.g. `loss, accuracy`
  std::map<std::string, std::vector<double>> values;  ///< one value per epoch for each name
  std::vector<double> seconds;                        ///< wall time of each epoch

  /// @brief Appends one epoch's value of `name`.
  void record(const std::string& name, double value);
  /// @brief Writes `epoch,loss,accuracy,...,seconds` rows; atomically (temporary file, then rename).
  void write_csv(const std::string& path) const;
  /// @brief Writes `{"loss": [...], ..., "seconds": [...]}`; atomically.
  void write_json(const std::string& path) const;
};

/// @brief What `evaluate` returns: the mean loss and, if compiled with it, the accuracy.
/// @ingroup ch04
struct Evaluation {
  double loss = 0;      ///< mean loss over the examples
  double accuracy = 0;  ///< fraction classified correctly
};

/**
 * @brief Writes one training run for the benchmark: `{"epoch_seconds": [...], "test_loss": ..., "test_accuracy": ...}`.
 *
 * `chapters/09_mnist_cnn/benchmark.py` reads this from the C++ demos. Written atomically.
 * @ingroup ch09
 */
void write_run_json(const std::string& path, const History& history, const Evaluation& test);

/// @brief Validation data for `fit`: `x (N, ...)` and targets, or nothing.
/// @ingroup ch04
template <class T = float>
struct ValidationData {
  const Tensor<T>* x = nullptr;  ///< inputs, or null for no validation
  const Tensor<T>* y = nullptr;  ///< targets
};

/**
 * @brief Where a training step's time goes: each layer's forward and backward.
 *
 * `fit` fills it when `FitOptions::profile` is on: the wall time of every
 * layer's forward and backward, summed over the batches, and the CPU time
 * all threads spent meanwhile (on a busy machine the steadier number; threads
 * spinning at a barrier count too). Then come the rows
 * `loss` (forward and gradient), `optimizer` (step and zeroed gradients) and
 * `batch` (gathering the shuffled batch). `step` is the wall time of whole
 * steps, so what no row accounts for is visible.
 * @ingroup ch10
 */
struct Profile {
  std::vector<std::string> names;  ///< the layers' names, then `loss`, `optimizer`, `batch`
  std::vector<double> forward_seconds;   ///< wall time per row, summed over batches
  std::vector<double> backward_seconds;  ///< wall time per row, summed over batches
  std::vector<double> cpu_seconds;  ///< CPU time of all threads per row (forward + backward)
  double step_seconds = 0;          ///< wall time of whole steps, batch gathering included
  double step_cpu_seconds = 0;      ///< CPU time of whole steps, all threads
  std::size_t batches = 0;          ///< steps timed

  /// @brief A table: per row, ms per batch forward, backward, their CPU time, and the share of `step`.
  std::string table() const;
};

/// @brief Options of `Sequential::fit`, named like Keras's arguments.
///
/// If an epoch's mean loss, though finite, exceeds 100 times the loss before
/// training, `fit` prints one warning line naming the learning rate (to `log`,
/// else to standard error) and goes on; a loss that is not finite stops it
/// with `nn::training_error`.
/// @ingroup ch04
template <class T = float>
struct FitOptions {
  std::size_t epochs = 1;               ///< passes over the training data (0: none)
  std::size_t batch_size = 32;          ///< examples per gradient step (the last batch may be smaller)
  ValidationData<T> validation_data{};  ///< evaluated after each epoch
  /// Fraction of the training examples held out for validation (chapter 8): drawn at random
  /// from the model's seed, before any shuffling; not with `validation_data`. Every call of
  /// `fit` on the same model and data holds out the same examples (a resumed run included).
  double validation_split = 0;
  std::optional<EarlyStopping> early_stopping{};  ///< stop when a metric stops improving (chapter 8)
  bool shuffle = true;                  ///< a new random order each epoch
  int verbose = 1;                      ///< 0 silent, 1 a progress line per epoch
  std::size_t initial_epoch = 0;        ///< epochs already done (Keras's name): resume after them
  std::string checkpoint{};             ///< if set, saved after every epoch (Keras's ModelCheckpoint)
  bool profile = false;                 ///< time each layer; print `Profile::table()` after training
};

/**
 * @brief A stack of layers trained end to end, with a Keras-like surface.
 *
 * @code
 * nn::Sequential model({784});
 * model.add(nn::Dense(128, nn::Activation::relu));
 * model.add(nn::Dense(10));
 * model.compile(nn::SGD(0.1f), nn::SoftmaxCrossEntropy(), {"accuracy"});
 * auto history = model.fit(x_train, y_train, {.epochs = 5, .batch_size = 64});
 * @endcode
 *
 * `add` builds each layer at once from the previous layer's output shape, so a
 * layer that cannot take that shape fails right there, naming itself. One
 * training step is forward through every layer, the loss and its gradient,
 * backward through the layers in reverse, one optimizer step, then zeroed
 * gradients. All randomness (initial weights, shuffling) comes from one
 * generator seeded in the constructor: same seed, same run.
 * @ingroup ch04
 */
template <class T = float>
class Sequential {
 public:
  /// @param input_shape shape of one example, without the batch dimension, e.g. `{1, 28, 28}`
  /// @param seed        seeds every random choice the model makes
  explicit Sequential(Shape input_shape, std::uint64_t seed = 42);

  /// @brief Appends a layer and builds it for the current output shape; returns the stored layer.
  template <class L>
  L& add(L layer) {
    auto owned = std::make_unique<L>(std::move(layer));
    L& ref = *owned;
    add_layer(std::move(owned));
    return ref;
  }
  /// @brief Appends an already allocated layer and builds it.
  void add_layer(std::unique_ptr<Layer<T>> layer);

  /// @brief Chooses the optimizer, the loss and the metrics (`"accuracy"` or none).
  template <class O, class L>
  void compile(O optimizer, L loss, std::vector<std::string> metrics = {}) {
    compile_with(std::make_unique<O>(std::move(optimizer)), std::make_unique<L>(std::move(loss)),
                 std::move(metrics));
  }
  /// @brief `compile` with already allocated parts.
  void compile_with(std::unique_ptr<Optimizer<T>> optimizer, std::unique_ptr<Loss<T>> loss,
                    std::vector<std::string> metrics);

  /// @brief Trains on `x (N, ...)` and targets `y` (`(N,)` class indices or `(N, D)`); returns the history.
  History fit(const Tensor<T>& x, const Tensor<T>& y, const FitOptions<T>& options = {},
              std::ostream* log = nullptr);
  /// @brief Mean loss and accuracy over `x`, `y`, in batches of `batch_size`.
  Evaluation evaluate(const Tensor<T>& x, const Tensor<T>& y, std::size_t batch_size = 256);
  /// @brief The model's outputs `(N, out_shape...)` for inputs `x` (logits, for a softmax-cross-entropy model).
  Tensor<T> predict(const Tensor<T>& x, std::size_t batch_size = 256);

  /// @brief One gradient step on one batch; returns the batch's data loss (without penalties).
  T train_step(const Tensor<T>& x, const Tensor<T>& y);
  /// @brief Forward through every layer.
  const Tensor<T>& forward(const Tensor<T>& x);
  /// @brief Backward through the layers in reverse, from \f$ \partial L/\partial y \f$.
  ///
  /// Stops at the first layer with parameters (rule 6 of the layer contract) and
  /// returns what that layer returned: the model's `dx` only if some layer before
  /// it had parameters, else an empty tensor.
  const Tensor<T>& backward(const Tensor<T>& dy);

  /// @brief A Keras-style table: each layer's name, kind, output shape and parameter count.
  std::string summary() const;
  /// @brief Every trainable tensor of every layer, in order.
  std::vector<Param<T>> params();
  /// @brief Total number of trainable numbers.
  std::size_t param_count();
  /// @brief The layers, in order.
  const std::vector<std::unique_ptr<Layer<T>>>& layers() const { return layers_; }
  /// @brief The per-example output shape of the last layer (the input shape if there is none).
  const Shape& output_shape() const { return shapes_.back(); }
  /// @brief Training mode for every layer (dropout acts only in training).
  void set_training(bool on);
  /// @brief The model's generator (initial weights, shuffling).
  Generator& generator() { return rng_; }
  /// @brief The optimizer given to `compile` (null before).
  Optimizer<T>* optimizer() { return optimizer_.get(); }
  /// @brief The per-layer times of the last `fit` with `FitOptions::profile` on.
  const Profile& profile() const { return profile_; }
  /**
   * @brief Runs each `conv2d` that takes the direct path and the 2x2, stride-2
   * `max_pooling2d` right after it as one fused pass (`Conv2D::forward_pooled`), or not.
   *
   * On by default. The fused pair gives the same numbers, bit for bit; only the
   * convolution's full-size output is no longer kept (the pair's row in a profile
   * is the convolution's). `set_fusion(false)` runs every layer on its own.
   */
  void set_fusion(bool on) { fusion_ = on; }
  /// @brief Whether conv + max pool pairs run fused (see `set_fusion`).
  bool fusion() const { return fusion_; }

 private:
  void run_epoch(const Tensor<T>& x, const Tensor<T>& y, const FitOptions<T>& options,
                 std::size_t epoch, History& history, std::ostream& log);
  double first_batch_loss(const Tensor<T>& x, const Tensor<T>& y, std::size_t batch_size);
  bool wants_accuracy() const;
  std::vector<Tensor<T>> snapshot();  // every param and state tensor, for restore_best_weights
  void restore(const std::vector<Tensor<T>>& saved);
  std::size_t count_correct(const Tensor<T>& out, const Tensor<T>& y) const;

  std::vector<std::unique_ptr<Layer<T>>> layers_;
  std::vector<Shape> shapes_;  // shapes_[0] is the input; shapes_[i+1] the output of layer i
  std::map<std::string, int> kind_counts_;
  Generator rng_;
  std::uint64_t seed_;  // the constructor's seed: validation_split's split follows from it
  std::unique_ptr<Optimizer<T>> optimizer_;
  std::unique_ptr<Loss<T>> loss_;
  std::vector<std::string> metrics_;
  Tensor<T> x_batch_, y_batch_;  // reused batch buffers
  const Tensor<T>* last_output_ = nullptr;  // the model's output in the last train_step
  double last_penalty_ = 0;                 // sum of the layers' penalties in the last train_step
  std::vector<Param<T>> params_;  // params(), listed once by add_layer: a step allocates nothing
  Profile profile_;        // filled while profiling_ is on
  bool profiling_ = false;
  // pairs_[i]: layer i as a Conv2D if layer i + 1 is a max pool it can fuse with, else null
  std::vector<Conv2D<T>*> pairs_;
  bool fusion_ = true;
  Conv2D<T>* fused_pair(std::size_t i) const;  // pairs_[i] if the pair runs fused now, else null
};

/// @brief Deduction guide: `nn::Sequential model({784});` is a `Sequential<float>`.
Sequential(Shape, std::uint64_t = 42) -> Sequential<float>;

extern template class Sequential<float>;
extern template class Sequential<double>;

}  // namespace nn
