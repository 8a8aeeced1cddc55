#pragma once
/**
 * @file regularizer.hpp
 * @brief L1 and L2 penalties on a layer's weights, added to the loss.
 */
#include "nn/tensor.hpp"

namespace nn {

/**
 * @brief A weight penalty \f$ R(W) = \lambda_1 \sum |W_{ij}| + \lambda_2 \sum W_{ij}^2 \f$ (Keras's `L1L2`).
 *
 * A layer with a regularizer adds \f$ R(W) \f$ to the loss (`Layer::penalty`) and
 * \f$ \partial R/\partial W = \lambda_1\, \mathrm{sign}(W) + 2 \lambda_2 W \f$ to `dW` in its
 * backward. As in Keras the L2 term has no factor \f$ \tfrac12 \f$, so its gradient is
 * \f$ 2\lambda_2 W \f$. Biases are not penalised. Both zero (the default): no penalty.
 * @ingroup ch08
 */
struct Regularizer {
  double l1 = 0;  ///< \f$ \lambda_1 \f$
  double l2 = 0;  ///< \f$ \lambda_2 \f$
  /// @brief Whether the penalty is not identically zero.
  bool active() const { return l1 != 0 || l2 != 0; }
};

/// @brief Keras's `regularizers.L2(l2)`: \f$ \lambda_2 \sum W^2 \f$. @ingroup ch08
inline Regularizer L2(double l2) { return {0, l2}; }
/// @brief Keras's `regularizers.L1(l1)`: \f$ \lambda_1 \sum |W| \f$. @ingroup ch08
inline Regularizer L1(double l1) { return {l1, 0}; }
/// @brief Keras's `regularizers.L1L2(l1, l2)`. @ingroup ch08
inline Regularizer L1L2(double l1, double l2) { return {l1, l2}; }

/// @brief \f$ R(W) = \lambda_1 \sum |W| + \lambda_2 \sum W^2 \f$, summed in double.
/// @ingroup ch08
template <class T>
double penalty(const Regularizer& r, const Tensor<T>& W);

/// @brief Adds \f$ \partial R/\partial W = \lambda_1 \mathrm{sign}(W) + 2\lambda_2 W \f$ to `dW` (same shape as `W`).
/// @ingroup ch08
template <class T>
void add_penalty_gradient(const Regularizer& r, const Tensor<T>& W, Tensor<T>& dW);

}  // namespace nn
