// [listing]
#include "nn/random.hpp"

#include <cmath>
#include <numbers>
#include <numeric>
#include <sstream>

#include "nn/tensor.hpp"

namespace nn {

double Generator::normal() {
  // Box–Muller: two independent uniforms give one standard normal sample.
  const double u1 = 1.0 - uniform();  // in (0, 1], so the log is finite
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

std::size_t Generator::below(std::size_t n) {
  // Rejection sampling: draws at or above the largest multiple of n are redrawn.
  const std::uint64_t limit = std::mt19937_64::max() - std::mt19937_64::max() % n;
  std::uint64_t r;
  do {
    r = engine_();
  } while (r >= limit);
  return static_cast<std::size_t>(r % n);
}

std::vector<std::size_t> Generator::permutation(std::size_t n) {
  std::vector<std::size_t> p(n);
  std::iota(p.begin(), p.end(), std::size_t{0});
  for (std::size_t i = n; i > 1; --i) std::swap(p[i - 1], p[below(i)]);
  return p;
}

std::string Generator::state() const {
  std::ostringstream o;
  o << engine_;
  return o.str();
}

void Generator::set_state(const std::string& text) {
  std::istringstream in(text);
  std::mt19937_64 engine;
  in >> engine;
  if (!in) throw value_error("Generator::set_state: not a generator state");
  engine_ = engine;
}

}  // namespace nn
// [listing]
