#pragma once
/**
 * @file random.hpp
 * @brief The one source of randomness: a seedable generator.
 */
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace nn {

/**
 * @brief A seedable random generator used for initialisation, shuffling and dropout.
 *
 * Built on `std::mt19937_64`, whose output sequence the C++ standard fixes;
 * the conversions to floating point are written here rather than taken from
 * `<random>`'s distributions, whose algorithms vary between standard libraries.
 * Same seed, same numbers, on every platform: same seed, same run, bit for bit.
 * @ingroup ch03
 */
class Generator {
 public:
  /// @param seed any 64-bit value; the default matches the demos' `--seed` default.
  explicit Generator(std::uint64_t seed = 42) : engine_(seed) {}

  /// @brief A double uniform in [0, 1), built from the top 53 bits of one draw.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  /// @brief A double uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// @brief A standard normal sample (Box–Muller transform).
  double normal();
  /// @brief An integer uniform in [0, n), without modulo bias.
  std::size_t below(std::size_t n);
  /// @brief A random permutation of 0..n-1 (Fisher–Yates).
  std::vector<std::size_t> permutation(std::size_t n);

  /// @brief The engine's whole state as text (the standard's portable form), for checkpoints.
  std::string state() const;
  /// @brief Restores a state written by `state()`; the same numbers follow as after it.
  void set_state(const std::string& text);

 private:
  std::mt19937_64 engine_;
};

}  // namespace nn
