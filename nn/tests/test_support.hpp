#pragma once
// Helpers shared by the test programs (nn/tests, chapters/*/test_*.cpp,
// exercises/*/test_*.cpp): how a tensor looks in a failure message, tensors of
// random or equal numbers, an element-by-element comparison that names the first
// mismatches, the message of a data_error, and a scratch directory. For tests only.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iomanip>
#include <sstream>
#include <string>
#include <vector>

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

// What an output held before an exercise's function was called, in tests that check the
// output is set (=) and not added to (+=). A failure that is off by exactly this much says so.
inline constexpr double leftover = 99;

// doctest::Approx's rule: |a - b| < epsilon (1 + max(|a|, |b|)).
inline bool close_enough(double got, double expected, double epsilon) {
  if (std::isnan(got) || std::isnan(expected)) return false;
  return std::abs(got - expected) < epsilon * (1 + std::max(std::abs(got), std::abs(expected)));
}

// A number with just enough digits to tell it from `other` ("0.855" and "0.8549999").
inline std::string shown(double value, double other) {
  std::string s, t;
  for (int digits = 6; digits <= 17; ++digits) {
    std::ostringstream a, b;
    a << std::setprecision(digits) << value;
    b << std::setprecision(digits) << other;
    s = a.str(), t = b.str();
    if (s != t) break;
  }
  return s;
}

// What one wrong number looks like, when it looks like a common mistake ("" otherwise).
inline std::string diagnose_value(double got, double expected) {
  if (std::isnan(got)) return "not a number: a 0/0, a log of a negative number, or an uninitialised value?";
  if (std::isinf(got)) return "infinite: an overflow (e^1000?) or a division by zero?";
  if ((got != 0 && std::abs(got) < 1e-300) || std::abs(got) > 1e300)
    return "looks uninitialised: start from zeros (xt::zeros) or set every element";
  if (got == 0 && expected != 0) return "is 0: never written, or a sum that was never added to?";
  if (expected != 0 && got == -expected) return "has the wrong sign";
  if (std::abs(got - expected - leftover) < 1e-9 * (1 + std::abs(got)))
    return "is off by exactly " + shown(leftover, 0) +
           ", what the output held before the call: set it (=), do not add to it (+=)";
  if (expected != 0 && got != 0) {
    const double r = got / expected;
    for (double k = 2; k <= 64; ++k) {
      if (std::abs(r - k) < 1e-9 * k)
        return "is " + shown(k, 0) + " times the expected value: off by a factor of " +
               shown(k, 0) + ": a missing 1/N, or a sum for a mean?";
      if (std::abs(r - 1 / k) < 1e-9 / k)
        return "is 1/" + shown(k, 0) + " of the expected value: off by a factor of " +
               shown(k, 0) + ": an extra 1/N, or a mean for a sum?";
    }
  }
  return "";
}

// Checks the number `got` that the learner's code produced against `expected`, within a
// relative `epsilon` (doctest::Approx's rule). A failure is reported at the caller's line
// (the default arguments capture it), names `what`, both values, and a likely mistake.
inline void check_value(const std::string& what, double got, double expected,
                        double epsilon = 1e-10, const char* file = __builtin_FILE(),
                        int line = __builtin_LINE()) {
  if (close_enough(got, expected, epsilon)) {
    CHECK(true);  // counted among the passed assertions
    return;
  }
  const std::string why = diagnose_value(got, expected);
  std::ostringstream s;
  s << what << " = " << shown(got, expected) << " (yours), expected " << shown(expected, got)
    << (why.empty() ? "" : ": ") << why;
  ADD_FAIL_CHECK_AT(file, line, s.str());
}

// Checks `got` against `expected` element by element, each within a relative `epsilon`
// (doctest::Approx's rule). A failure is reported at the caller's line, with the position of
// the first four wrong elements, both values, and the pattern of the mistake where it is a
// common one: a transposed result, every wrong element off by the same factor, the same
// offset or a flipped sign, uninitialised memory.
inline void check_close(const std::string& what, const Tensor<double>& got,
                        const Tensor<double>& expected, double epsilon = 1e-10,
                        const char* file = __builtin_FILE(), int line = __builtin_LINE()) {
  const Shape gs = shape_of(got), es = shape_of(expected);
  if (gs != es) {
    const bool transposed = gs.size() == 2 && es.size() == 2 && gs[0] == es[1] && gs[1] == es[0];
    std::ostringstream s;
    s << what << " has shape " << to_string(gs) << " (yours), expected " << to_string(es)
      << (transposed ? ": transposed, rows and columns swapped?" : "");
    ADD_FAIL_CHECK_AT(file, line, s.str());
    return;
  }
  std::vector<std::size_t> wrong;
  for (std::size_t i = 0; i < got.size(); ++i)
    if (!close_enough(got.data()[i], expected.data()[i], epsilon)) wrong.push_back(i);
  if (wrong.empty()) {
    CHECK(true);  // counted among the passed assertions
    return;
  }
  // patterns over every wrong element, the likely mistake
  std::string pattern;
  bool transposed = gs.size() == 2 && gs[0] == gs[1] && gs[0] > 1;
  for (std::size_t r = 0; transposed && r < gs[0]; ++r)
    for (std::size_t c = 0; transposed && c < gs[1]; ++c)
      transposed = close_enough(got(r, c), expected(c, r), epsilon);
  if (transposed) pattern = what + " is the transpose of the expected result: rows and columns swapped?";
  if (pattern.empty() && wrong.size() >= 2) {
    const double g0 = got.data()[wrong[0]], e0 = expected.data()[wrong[0]];
    bool same_ratio = e0 != 0 && g0 != 0, same_offset = true;
    for (std::size_t i : wrong) {
      const double g = got.data()[i], e = expected.data()[i];
      same_ratio = same_ratio && e != 0 && close_enough(g / e, g0 / e0, 1e-9);
      same_offset = same_offset && close_enough(g - e, g0 - e0, 1e-9);
    }
    if (same_ratio && std::abs(g0 / e0 + 1) < 1e-9) {
      pattern = "every wrong element has the wrong sign";
    } else if (same_ratio) {
      const std::string why = diagnose_value(g0, e0);  // "is 4 times the expected value: ..."
      pattern = "every wrong element " +
                (why.empty() ? "is " + shown(g0 / e0, 0) + " times the expected one: a missing or "
                                                           "extra factor (1/N? a mean for a sum?)"
                             : why);
    } else if (same_offset) {
      const std::string why = diagnose_value(g0, e0);
      pattern = "every wrong element " +
                (why.empty() ? "is off by the same " + shown(g0 - e0, 0) +
                                   ": a term added to all of them (a leftover, +=, a bias twice?)"
                             : why);
    }
  }
  if (pattern.empty()) {
    std::vector<double> g(got.begin(), got.end()), e(expected.begin(), expected.end());
    std::sort(g.begin(), g.end());
    std::sort(e.begin(), e.end());
    bool same_numbers = true;
    for (std::size_t i = 0; i < g.size() && same_numbers; ++i)
      same_numbers = close_enough(g[i], e[i], epsilon);
    if (same_numbers)
      pattern = what + " holds the expected numbers at other positions: an index mixed up "
                       "(a tie rule, a transposition, an offset, a wrong stride)?";
  }
  std::ostringstream s;
  s << what << ": " << wrong.size() << " of " << got.size() << " elements differ";
  for (std::size_t k = 0; k < wrong.size() && k < 4; ++k) {
    const std::size_t i = wrong[k];
    const double g = got.data()[i], e = expected.data()[i];
    const std::string why = pattern.empty() ? diagnose_value(g, e) : "";
    s << "\n  " << what << position(gs, i) << " = " << shown(g, e) << " (yours), expected "
      << shown(e, g) << (why.empty() ? "" : ": ") << why;
  }
  if (wrong.size() > 4) s << "\n  ...";
  if (!pattern.empty()) s << "\n  " << pattern;
  ADD_FAIL_CHECK_AT(file, line, s.str());
}

// The gradient of the scalar f at x by central differences, element by element:
// g_i = (f(x + h e_i) - f(x - h e_i)) / 2h. What the exercises' backward passes are checked against.
template <class F>
Tensor<double> central_differences(F f, const Tensor<double>& x, double h = 1e-6) {
  Tensor<double> moved = x, g = Tensor<double>::from_shape(shape_of(x));
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double saved = moved.data()[i];
    moved.data()[i] = saved + h;
    const double plus = f(moved);
    moved.data()[i] = saved - h;
    const double minus = f(moved);
    moved.data()[i] = saved;
    g.data()[i] = (plus - minus) / (2 * h);
  }
  return g;
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
