#pragma once
/**
 * @file init.hpp
 * @brief Weight initialisers: Glorot (Keras's default) and He.
 */
#include "nn/random.hpp"
#include "nn/tensor.hpp"

namespace nn {

/**
 * @brief Glorot (Xavier) uniform: \f$ W \sim U(-l, l),\; l = \sqrt{6 / (n_{in} + n_{out})} \f$.
 *
 * Keeps the variance of activations and of gradients roughly equal from layer
 * to layer for tanh/sigmoid-like units. Keras's default for Dense and Conv2D;
 * for a convolution \f$ n_{in} = C K^2 \f$ and \f$ n_{out} = F K^2 \f$.
 * @ingroup ch03
 */
template <class T>
void glorot_uniform(Tensor<T>& W, std::size_t fan_in, std::size_t fan_out, Generator& rng);

/**
 * @brief He normal: \f$ W \sim \mathcal{N}(0, 2 / n_{in}) \f$, suited to ReLU units,
 * which zero half their inputs and so halve the variance.
 * @ingroup ch03
 */
template <class T>
void he_normal(Tensor<T>& W, std::size_t fan_in, Generator& rng);

}  // namespace nn
