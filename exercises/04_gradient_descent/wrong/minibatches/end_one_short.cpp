// each batch ends at begin + B - 1: one index per batch lost
// Exercise 4.3: an epoch's order of examples, cut into mini-batches.
// Read: chapter 4, section "Batch, stochastic and mini-batch gradient descent".
// Run its test: ./nnbook exercise ex4.3
#include <algorithm>
#include <vector>

#include "nn/tensor.hpp"

namespace ex {

// A worked sibling: how many gradient steps one epoch takes, N examples in batches of B,
// the last batch holding what is left:  ceil(N / B) = (N + B - 1) / B  in integers.
// N = 10, B = 4: (10 + 3) / 4 = 3 steps.
std::size_t steps_per_epoch(std::size_t N, std::size_t B) { return (N + B - 1) / B; }

// [ex4.3-task]
/**
 * Cuts one epoch's order of the N examples (a shuffled permutation of 0 .. N-1, as
 * nn::Generator::permutation gives) into mini-batches of B indices, in order:
 *
 *   batch k = order[k B], order[k B + 1], ..., order[min((k + 1) B, N) - 1]
 *
 * Every batch holds B indices except the last, which holds the N - (steps - 1) B left over;
 * no batch is empty, and every index appears exactly once. B is at least 1.
 * B = N is batch gradient descent (one batch); B = 1 is stochastic gradient descent.
 * Check: order = (7, 2, 9, 0, 4, 1, 8, 3, 6, 5), B = 4 gives
 *   (7, 2, 9, 0), (4, 1, 8, 3), (6, 5).
 */
std::vector<std::vector<std::size_t>> minibatches(const std::vector<std::size_t>& order,
                                                  std::size_t B) {
  const std::size_t N = order.size();
  std::vector<std::vector<std::size_t>> batches;
  for (std::size_t begin = 0; begin < N; begin += B) {
    const std::size_t end = std::min(begin + B - 1, N);  // the last batch stops at N
    batches.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(begin),
                         order.begin() + static_cast<std::ptrdiff_t>(end));
  }
  return batches;
}
// [ex4.3-task]

}  // namespace ex
