#pragma once
/**
 * @file gradcheck.hpp
 * @brief Numerical gradient checking by central differences, in double precision.
 */
#include <functional>
#include <string>

#include "nn/layer.hpp"

namespace nn {

/**
 * @brief The outcome of a gradient check: the worst element and its relative error.
 *
 * The relative error of one element is
 * \f$ |g_a - g_n| / \max(|g_a|, |g_n|, 10^{-8}) \f$ for the analytic
 * gradient \f$ g_a \f$ and the numerical one \f$ g_n \f$. In double precision a
 * correct gradient of a smooth function scores about \f$ 10^{-7} \f$ or better;
 * up to \f$ 10^{-4} \f$ is acceptable only when an input sits near a kink (ReLU, max).
 * @ingroup ch01
 */
struct GradCheckResult {
  double max_rel_error = 0;  ///< the worst relative error over all checked elements
  std::string worst;         ///< which element: `"W[3]"`, `"x[0]"`, ...
  double analytic = 0;       ///< the analytic gradient at the worst element
  double numerical = 0;      ///< the numerical gradient at the worst element
  std::size_t checked = 0;   ///< how many elements were checked
  /// @brief `"x[2]: analytic 0.25, numerical 0.25, relative error 1.2e-10 (6 elements)"`
  std::string report() const;
  /// @brief Folds another result in, keeping the worse of the two.
  void merge(const GradCheckResult& other);
};

/**
 * @brief Compares an analytic gradient with central differences.
 *
 * For every element \f$ \theta_i \f$ of `wrt`:
 * \f$ g_n = (L(\theta_i + h) - L(\theta_i - h)) / 2h \f$, with `wrt` restored afterwards.
 * The error of this estimate is \f$ O(h^2) \f$; with \f$ h = 10^{-5} \f$ in double
 * precision, truncation and round-off errors are both near \f$ 10^{-10} \f$.
 * @param loss     evaluates the scalar loss at the current value of `wrt`
 * @param wrt      the tensor to perturb (any shape)
 * @param analytic \f$ \partial L / \partial \f$ `wrt`, same shape, computed beforehand
 * @param name     used in the report, e.g. `"W"`
 * @param h        the step
 * @ingroup ch01
 */
GradCheckResult gradcheck(const std::function<double()>& loss, Tensor<double>& wrt,
                          const Tensor<double>& analytic, const std::string& name,
                          double h = 1e-5);

/**
 * @brief Checks a layer's backward: its `dx` and every parameter gradient.
 *
 * Uses the scalar \f$ L = \sum_i y_i r_i \f$ for a fixed random tensor `r`
 * (entries of magnitude 0.5 to 1 with random signs),
 * so that \f$ \partial L / \partial y = r \f$ exercises every output. The
 * layer must be built; its parameter gradients are zeroed first.
 * @param layer a built layer in double precision
 * @param x     an input batch `(N, in_shape...)`
 * @param seed  seeds `r`
 * @ingroup ch01
 */
GradCheckResult gradcheck_layer(Layer<double>& layer, const Tensor<double>& x,
                                std::uint64_t seed = 7);

}  // namespace nn
