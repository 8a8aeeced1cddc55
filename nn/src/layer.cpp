// [listing]
#include "nn/layer.hpp"

namespace nn {

template <class T>
std::string Layer<T>::batch_shape_text() const {
  std::string s = "(N";
  for (auto d : in_shape_) s += ", " + std::to_string(d);
  return s + ")";
}

template <class T>
void Layer<T>::check_input(const Tensor<T>& x) const {
  const auto& got = x.shape();
  const bool ok = got.size() == in_shape_.size() + 1 && got[0] >= 1 &&
                  std::equal(in_shape_.begin(), in_shape_.end(), got.begin() + 1);
  if (!ok) throw shape_error(name() + " input", batch_shape_text(), shape_of(x));
}

template <class T>
void Layer<T>::check_grad(const Tensor<T>& dy, const Tensor<T>& expected) const {
  if (dy.shape() != expected.shape())
    throw shape_error(name() + " backward dy", to_string(shape_of(expected)), shape_of(dy));
}

template class Layer<float>;
template class Layer<double>;

}  // namespace nn
// [listing]
