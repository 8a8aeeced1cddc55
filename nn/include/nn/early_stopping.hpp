#pragma once
/**
 * @file early_stopping.hpp
 * @brief Stop training when a validation metric has stopped improving (Keras's `EarlyStopping`).
 */
#include <cstddef>
#include <limits>
#include <string>

namespace nn {

/**
 * @brief Early stopping: the options Keras names, and the bookkeeping `fit` does each epoch.
 *
 * After each epoch `fit` calls `update` with the monitored value. A value improves on the
 * best so far when it is lower by more than `min_delta` (higher, for a monitor whose name
 * contains `accuracy`). Each epoch without improvement adds one to `wait`; an improvement
 * resets it to 0 and records `best` and `best_epoch`. When `wait` reaches `patience`
 * training stops. With `restore_best_weights`, `fit` ends with the weights of `best_epoch`.
 * @ingroup ch08
 */
struct EarlyStopping {
  std::string monitor = "val_loss";   ///< a name `fit` records: `val_loss`, `val_accuracy`, `loss`, ...
  double min_delta = 0;               ///< smallest change that counts as an improvement
  std::size_t patience = 0;           ///< epochs without improvement tolerated before stopping
  bool restore_best_weights = false;  ///< end with the weights of the best epoch

  // The bookkeeping, reset by fit at the start of training.
  double best = std::numeric_limits<double>::quiet_NaN();  ///< best value so far (NaN: none yet)
  std::size_t best_epoch = 0;     ///< 0-based epoch of `best`
  std::size_t wait = 0;           ///< epochs since the last improvement
  std::size_t stopped_epoch = 0;  ///< 0-based epoch at which training stopped (0: it did not)

  /// @brief Whether larger is better for `monitor` (its name contains `accuracy`).
  bool maximizes() const { return monitor.find("accuracy") != std::string::npos; }
  /// @brief Forgets everything learnt about past epochs.
  void reset();
  /// @brief Records the monitored `value` of 0-based `epoch`; returns true when training should stop.
  bool update(std::size_t epoch, double value);
};

}  // namespace nn
