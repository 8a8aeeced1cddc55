#pragma once
// Helpers shared by the test programs (nn/tests, chapters/*/test_*.cpp,
// exercises/*/test_*.cpp): how a tensor looks in a failure message, tensors of
// random or equal numbers, an element-by-element comparison that names the first
// mismatches, the message of a data_error, and a scratch directory. For tests only.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <sstream>
#include <string>

#include "nn/random.hpp"
#include "nn/tensor.hpp"

// Failure messages show a tensor as its shape and values: "(2, 2) [1, 2, 3, 4]".
namespace doctest {
template <>
struct StringMaker<nn::Tensor<double>> {
  static String convert(const nn::Tensor<double>& t) {
    std::ostringstream s;
    s << nn::to_string(nn::shape_of(t)) << " [";
    for (std::size_t i = 0; i < t.size(); ++i) s << (i ? ", " : "") << t.data()[i];
    s << "]";
    return s.str().c_str();
  }
};
}  // namespace doctest

namespace nn::test {

// A tensor of the given shape filled with uniform numbers in [-scale, scale), drawn from `rng`.
template <class T = double>
Tensor<T> random_tensor(const Shape& shape, Generator& rng, double scale = 1.0) {
  Tensor<T> t = Tensor<T>::from_shape(shape);
  for (auto& v : t) v = static_cast<T>(rng.uniform(-scale, scale));
  return t;
}

// The same, drawn from a generator of its own seeded with `seed`.
template <class T = double>
Tensor<T> random_tensor(const Shape& shape, std::uint64_t seed, double scale = 1.0) {
  Generator rng(seed);
  return random_tensor<T>(shape, rng, scale);
}

// A tensor of the given shape with every element equal to `value`.
inline Tensor<double> filled(const Shape& shape, double value) {
  Tensor<double> t = Tensor<double>::from_shape(shape);
  t.fill(value);
  return t;
}

// "[1, 2]": the position of flat element i in a tensor of this shape.
inline std::string position(const Shape& shape, std::size_t i) {
  std::string s;
  for (std::size_t k = shape.size(); k-- > 0;) {
    s = std::to_string(i % shape[k]) + (s.empty() ? "" : ", ") + s;
    i /= shape[k];
  }
  return "[" + s + "]";
}

// Checks `got` against `expected` element by element, each within a relative `epsilon`
// (as doctest::Approx); reports at most the first four mismatches, with their positions.
inline void check_close(const std::string& what, const Tensor<double>& got,
                        const Tensor<double>& expected, double epsilon = 1e-10) {
  INFO(what);
  REQUIRE(to_string(shape_of(got)) == to_string(shape_of(expected)));
  int mismatches = 0;
  for (std::size_t i = 0; i < got.size() && mismatches < 4; ++i) {
    const bool close = got.data()[i] == doctest::Approx(expected.data()[i]).epsilon(epsilon);
    if (close) continue;
    ++mismatches;
    INFO(what, position(shape_of(got), i));
    CHECK(got.data()[i] == doctest::Approx(expected.data()[i]).epsilon(epsilon));
  }
}

// The message of the nn::data_error that `f` throws ("" if it throws none).
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const data_error& e) {
    return e.what();
  }
  return "";
}

// A fresh empty directory under the system's temporary directory, removed at scope exit.
// Its name holds the process id and a count, so that test programs running side by side
// and two directories of one program never share it.
struct TempDir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("nn-test-" + std::to_string(getpid()) + "-" + std::to_string(count++));
  TempDir() {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string operator/(const std::string& name) const { return (path / name).string(); }

 private:
  inline static int count = 0;
};

}  // namespace nn::test
