#include "nn/early_stopping.hpp"

#include <cmath>

namespace nn {

// [early-stopping]
void EarlyStopping::reset() {
  best = std::numeric_limits<double>::quiet_NaN();
  best_epoch = wait = stopped_epoch = 0;
}

bool EarlyStopping::update(std::size_t epoch, double value) {
  // better by more than min_delta: lower for a loss, higher for an accuracy
  const bool improved = std::isnan(best) ||
                        (maximizes() ? value - min_delta > best : value + min_delta < best);
  if (improved) {
    best = value;
    best_epoch = epoch;
    wait = 0;
    return false;
  }
  if (++wait < patience) return false;
  stopped_epoch = epoch;
  return true;
}
// [early-stopping]

}  // namespace nn
