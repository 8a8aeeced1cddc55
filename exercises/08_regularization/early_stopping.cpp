// Exercise 8.3: early stopping's bookkeeping.
// Read: chapter 8, section "Early stopping".
// Run its test: ./nnbook exercise ex8.3
#include <cstddef>
#include <vector>

#include "nn/tensor.hpp"

namespace ex {

// What a run with early stopping did.
struct Stopped {
  std::size_t epochs_run = 0;  // epochs trained before stopping (all of them if it never stopped)
  std::size_t best_epoch = 0;  // 0-based epoch of the best (lowest) validation loss that counted
};

// A worked sibling: the epoch with the lowest validation loss, ignoring min_delta and patience.
std::size_t argmin_epoch(const std::vector<double>& val_loss) {
  std::size_t best = 0;
  for (std::size_t e = 1; e < val_loss.size(); ++e)
    if (val_loss[e] < val_loss[best]) best = e;
  return best;
}

// [ex8.3-task]
/**
 * Replays early stopping on a list of validation losses, one per epoch, as nn::EarlyStopping
 * does: epoch e improves on the best so far if val_loss[e] + min_delta < best (the first epoch
 * always improves). An improvement records best and best_epoch and sets wait to 0; otherwise
 * wait grows by 1, and when wait reaches patience training stops after that epoch.
 * Check: {1.0, 0.8, 0.81, 0.797} with patience 2, min_delta 0.005 stops after 4 epochs,
 * best epoch 1.
 */
Stopped replay_early_stopping(const std::vector<double>& val_loss, std::size_t patience,
                              double min_delta) {
  (void)val_loss, (void)patience, (void)min_delta;
  throw nn::not_implemented(
      "Exercise 8.3: early stopping's bookkeeping — see chapter 8, section 'Early stopping'; "
      "edit exercises/08_regularization/early_stopping.cpp");
}
// [ex8.3-task]

}  // namespace ex
