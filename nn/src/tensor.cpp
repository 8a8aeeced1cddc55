// [listing]
#include "nn/tensor.hpp"

#include <numeric>

namespace nn {

std::string to_string(const Shape& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + (shape.size() == 1 ? ",)" : ")");
}

std::size_t element_count(const Shape& shape) {
  return std::accumulate(shape.begin(), shape.end(), std::size_t{1}, std::multiplies<>{});
}

shape_error::shape_error(const std::string& where, const std::string& expected, const Shape& got)
    : std::invalid_argument(where + ": expected " + expected + ", got " + to_string(got)) {}

data_error::data_error(const std::string& path, const std::string& what)
    : std::runtime_error(path + ": " + what) {}

}  // namespace nn
// [listing]
