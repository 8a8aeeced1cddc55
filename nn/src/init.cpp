#include "nn/init.hpp"

#include <cmath>

namespace nn {

// [glorot-he]
template <class T>
void glorot_uniform(Tensor<T>& W, std::size_t fan_in, std::size_t fan_out, Generator& rng) {
  const double limit = std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
  for (auto& w : W) w = static_cast<T>(rng.uniform(-limit, limit));
}

template <class T>
void he_normal(Tensor<T>& W, std::size_t fan_in, Generator& rng) {
  const double stddev = std::sqrt(2.0 / static_cast<double>(fan_in));
  for (auto& w : W) w = static_cast<T>(stddev * rng.normal());
}
// [glorot-he]

template void glorot_uniform(Tensor<float>&, std::size_t, std::size_t, Generator&);
template void glorot_uniform(Tensor<double>&, std::size_t, std::size_t, Generator&);
template void he_normal(Tensor<float>&, std::size_t, Generator&);
template void he_normal(Tensor<double>&, std::size_t, Generator&);

}  // namespace nn
