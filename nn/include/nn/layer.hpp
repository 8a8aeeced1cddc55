#pragma once
/**
 * @file layer.hpp
 * @brief The layer contract that every layer of the library honours.
 */
#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "nn/random.hpp"
#include "nn/tensor.hpp"

namespace nn {

// [param]
/**
 * @brief One trainable tensor of a layer and the gradient of the loss with respect to it.
 * @ingroup ch02
 */
template <class T = float>
struct Param {
  std::string name;  ///< e.g. `"W"`, `"b"`
  Tensor<T>* value;  ///< the parameter itself, owned by the layer
  Tensor<T>* grad;   ///< \f$\partial L / \partial\f$ value, same shape, owned by the layer
};
// [param]

// [layer-contract]
/**
 * @brief The layer contract.
 *
 * Every layer maps a batch `x` of shape `(N, in_shape...)` to a batch `y` of
 * shape `(N, out_shape...)`, and honours six rules:
 *
 * 1. **build** is called once, with the per-example input shape (no batch
 *    dimension), before any forward. It checks that shape, creates and
 *    initialises the parameters (drawing from the generator it is given) and
 *    returns the per-example output shape.
 * 2. **forward(x)** computes `y`, keeps in the layer whatever backward will need
 *    (usually `x` or `y`), and returns a reference to `y`, which the layer owns
 *    and overwrites on the next forward. A batch of the wrong shape raises
 *    `nn::shape_error` naming the layer, the expected and the actual shape.
 * 3. **backward(dy)** takes \f$\partial L/\partial y\f$ for the *most recent*
 *    forward and returns a reference to \f$\partial L/\partial x\f$ (same shape as `x`).
 * 4. Parameter gradients **accumulate**: backward *adds* to each `Param::grad`.
 *    Nothing clears them but `zero_grad()`, which the optimizer step follows.
 * 5. **params()** lists every trainable tensor with its gradient, in a fixed order.
 * 6. After `set_input_gradient(false)` backward still fills the parameter
 *    gradients but may skip `dx` and return an empty tensor. `Sequential`
 *    does this for the first layers of a model, whose `dx` nobody reads:
 *    for a first dense layer it saves one of its two backward matrix products.
 *
 * Output buffers are reused from batch to batch, so training allocates
 * nothing once the first batch has passed.
 * @ingroup ch02
 */
template <class T = float>
class Layer {
 public:
  virtual ~Layer() = default;

  /// @brief Kind of layer, as shown by `summary()`: `"dense"`, `"conv2d"`, ...
  virtual std::string kind() const = 0;
  /// @brief Rule 1: checks the per-example input shape, creates parameters, returns the output shape.
  virtual Shape build(const Shape& in_shape, Generator& rng) = 0;
  /// @brief Rule 2: `y = f(x)`; caches what backward needs.
  // [layer-forward]
  virtual const Tensor<T>& forward(const Tensor<T>& x) = 0;
  // [layer-forward]
  /// @brief Rule 3 and 4: returns `dx`, adds parameter gradients.
  virtual const Tensor<T>& backward(const Tensor<T>& dy) = 0;
  /// @brief Rule 5: trainable tensors and their gradients (none by default).
  virtual std::vector<Param<T>> params() { return {}; }
  /// @brief Tensors the layer learns without gradients (batch norm's running averages), saved
  /// in checkpoints beside `params()`; their `grad` is null. None by default.
  virtual std::vector<Param<T>> state() { return {}; }
  /// @brief The layer's penalty term added to the loss (an L1/L2 kernel regularizer); 0 by default.
  virtual double penalty() const { return 0; }

  /// @brief Sets every parameter gradient to zero.
  void zero_grad() {
    for (auto& p : params()) p.grad->fill(T(0));
  }
  /// @brief Training mode (the default) or inference mode; dropout, batch norm and augmentation tell them apart.
  void set_training(bool on) { training_ = on; }
  /// @brief Whether the layer is in training mode.
  bool training() const { return training_; }

  /// @brief Rule 6: whether backward must compute `dx` (true by default).
  void set_input_gradient(bool on) { input_gradient_ = on; }
  /// @brief Whether backward computes `dx`.
  bool input_gradient() const { return input_gradient_; }

  /// @brief The layer's name in messages and summaries, e.g. `"dense_1"`; defaults to `kind()`.
  std::string name() const { return name_.empty() ? kind() : name_; }
  /// @brief Renames the layer (`Sequential` numbers its layers: `dense_1`, `dense_2`, ...).
  void set_name(std::string name) { name_ = std::move(name); }

  /// @brief The per-example input shape given to build (empty before build).
  const Shape& in_shape() const { return in_shape_; }

 protected:
  /// @brief Raises `nn::shape_error` unless `x` is `(N, in_shape...)` for some N >= 1.
  void check_input(const Tensor<T>& x) const;
  /// @brief Raises `nn::shape_error` unless `dy` has exactly the shape `expected`.
  void check_grad(const Tensor<T>& dy, const Tensor<T>& expected) const;
  /// @brief `"(N, 1, 28, 28)"`: the expected batch shape for messages.
  std::string batch_shape_text() const;

  Shape in_shape_;
  bool training_ = true;
  bool input_gradient_ = true;

 private:
  std::string name_;
};
// [layer-contract]

// [resize-if-needed]
/// @brief Resizes `t` to `shape` only if it differs, so a reused buffer keeps its memory.
///
/// Comparing allocates nothing, whether `shape` is a `Shape`, another tensor's
/// `shape()` or a braced list `{N, D}` (the default `S`): a training step that
/// reuses its buffers allocates nothing at all.
template <class T, class S = std::initializer_list<std::size_t>>
void resize_if_needed(Tensor<T>& t, const S& shape) {
  if (!std::equal(t.shape().begin(), t.shape().end(), shape.begin(), shape.end()))
    t.resize(Shape(shape.begin(), shape.end()));
}
/// @brief `resize_if_needed` for a batch `(N, rest...)`, without building its shape first.
template <class T>
void resize_batch_if_needed(Tensor<T>& t, std::size_t N, const Shape& rest) {
  const bool same = t.dimension() == rest.size() + 1 && t.shape(0) == N &&
                    std::equal(rest.begin(), rest.end(), t.shape().begin() + 1);
  if (!same) {
    Shape s{N};
    s.insert(s.end(), rest.begin(), rest.end());
    t.resize(s);
  }
}
// [resize-if-needed]

/// @brief `(N, rest...)`: a batch shape from the batch size and a per-example shape.
inline Shape batch_of(std::size_t N, const Shape& rest) {
  Shape s{N};
  s.insert(s.end(), rest.begin(), rest.end());
  return s;
}

}  // namespace nn
