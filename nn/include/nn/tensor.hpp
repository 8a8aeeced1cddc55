#pragma once
/**
 * @file tensor.hpp
 * @brief Tensor aliases over xtensor, shapes, and the library's error types.
 *
 * Letter legend used in every shape comment of the library:
 * `N` batch, `D` features, `C` channels, `H`/`Wd` height/width, `K` kernel size,
 * `T` time steps, `F` filters (output channels). Images are NCHW throughout:
 * one batch of `N` images with `C` channels of `H` rows and `Wd` columns.
 */
#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

#include <xtensor/xarray.hpp>
#include <xtensor/xtensor.hpp>

namespace nn {

/**
 * @brief A dense row-major tensor of any rank.
 *
 * Layers pass tensors of different ranks to each other (a convolution emits
 * `(N, C, H, Wd)`, a dense layer takes `(N, D)`), so the type between layers
 * has a dynamic rank. `T` is `float` for training and `double` for gradient checks.
 * @ingroup ch01
 */
template <class T = float>
using Tensor = xt::xarray<T>;

/// @brief Shape of a tensor, outermost dimension first.
/// @ingroup ch01
using Shape = std::vector<std::size_t>;

/// @brief The shape of any xtensor expression as a `Shape`.
/// @ingroup ch01
template <class E>
Shape shape_of(const E& x) {
  return Shape(x.shape().begin(), x.shape().end());
}

/**
 * @brief A column `(N, 1)` from a list: `column({0.0, 1.0})` is `{{0.0}, {1.0}}`.
 *
 * A braced literal of one-element rows is ambiguous for xtensor (it could also
 * be a shape), so columns are written with this helper.
 * @ingroup ch01
 */
template <class T>
Tensor<T> column(std::initializer_list<T> values) {
  Tensor<T> c = Tensor<T>::from_shape({values.size(), 1});
  std::copy(values.begin(), values.end(), c.begin());
  return c;
}

/// @brief Formats a shape as `(64, 1, 28, 28)`.
/// @ingroup ch01
std::string to_string(const Shape& shape);

/// @brief Number of elements of a tensor with this shape (1 for `()`).
/// @ingroup ch01
std::size_t element_count(const Shape& shape);

/**
 * @brief A tensor had the wrong shape for an operation.
 *
 * The message names the operation (usually a layer), what it expected and
 * what it got, e.g. `dense_1: expected input (N, 576), got (64, 1600)`.
 * @ingroup ch01
 */
class shape_error : public std::invalid_argument {
 public:
  /// @param where    the operation or layer, e.g. `"dense_1"`
  /// @param expected the expected shape, written with letters for free sizes: `"(N, 576)"`
  /// @param got      the actual shape
  shape_error(const std::string& where, const std::string& expected, const Shape& got);
};

/**
 * @brief An argument an operation cannot take, other than a shape: no examples,
 * a label that is no class, a layer of zero units.
 *
 * The message names where and the value, e.g.
 * `categorical_crossentropy targets: row 3 holds -1, not a class index 0..9`.
 * @ingroup ch04
 */
class value_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/**
 * @brief Throws `nn::shape_error` naming `layer.what` unless `x` has exactly the shape `expected`.
 *
 * Layers check their parameters with it before a matrix product reads them: a
 * `W` assigned with another shape would otherwise be read past its end. The
 * message is only built on a mismatch, so a check allocates nothing (training
 * allocates nothing after its first batch).
 * @ingroup ch02
 */
template <class E>
void check_shape(const std::string& layer, const char* what, const E& x,
                 std::initializer_list<std::size_t> expected) {
  if (x.dimension() != expected.size() ||
      !std::equal(expected.begin(), expected.end(), x.shape().begin()))
    throw shape_error(layer + "." + what, to_string(Shape(expected)), shape_of(x));
}

/**
 * @brief Thrown by every exercise stub until the learner replaces it.
 *
 * The message names the exercise and where in the book to read, e.g.
 * `Exercise 1.1: sigmoid derivative — see chapter 1, section "Activations and their derivatives"`.
 * @ingroup ch01
 */
class not_implemented : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// @brief A data file is missing or malformed; the message names the file and the fault.
/// @ingroup ch03
class data_error : public std::runtime_error {
 public:
  data_error(const std::string& path, const std::string& what);
};

/// @brief Training cannot go on (for example the loss became NaN).
/// @ingroup ch03
class training_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace nn
