#include "nn/gradcheck.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace nn {

std::string GradCheckResult::report() const {
  std::ostringstream s;
  s << worst << ": analytic " << analytic << ", numerical " << numerical << ", relative error "
    << max_rel_error << " (" << checked << " elements checked)";
  return s.str();
}

void GradCheckResult::merge(const GradCheckResult& other) {
  const std::size_t total = checked + other.checked;
  if (other.max_rel_error >= max_rel_error) *this = other;
  checked = total;
}

// [gradcheck]
GradCheckResult gradcheck(const std::function<double()>& loss, Tensor<double>& wrt,
                          const Tensor<double>& analytic, const std::string& name, double h) {
  if (analytic.shape() != wrt.shape())
    throw shape_error("gradcheck " + name, to_string(shape_of(wrt)), shape_of(analytic));
  GradCheckResult result;
  result.worst = name;
  for (std::size_t i = 0; i < wrt.size(); ++i) {
    const double saved = wrt.data()[i];
    wrt.data()[i] = saved + h;
    const double plus = loss();
    wrt.data()[i] = saved - h;
    const double minus = loss();
    wrt.data()[i] = saved;
    const double numerical = (plus - minus) / (2 * h);  // central difference
    const double a = analytic.data()[i];
    const double rel = std::abs(a - numerical) /
                       std::max({std::abs(a), std::abs(numerical), 1e-8});
    if (rel >= result.max_rel_error) {
      result.max_rel_error = rel;
      result.worst = name + "[" + std::to_string(i) + "]";
      result.analytic = a;
      result.numerical = numerical;
    }
  }
  result.checked = wrt.size();
  return result;
}
// [gradcheck]

// [gradcheck-layer]
GradCheckResult gradcheck_layer(Layer<double>& layer, const Tensor<double>& x,
                                std::uint64_t seed) {
  Generator rng(seed);
  Tensor<double> input = x;
  const Tensor<double> y0 = layer.forward(input);
  Tensor<double> r = Tensor<double>::from_shape(y0.shape());
  // Weights of magnitude 0.5..1 with random signs: no output is ignored, and no
  // gradient is so small that round-off in L dominates its numerical estimate.
  for (auto& v : r) v = (rng.uniform() < 0.5 ? -1 : 1) * rng.uniform(0.5, 1.0);
  // L = sum_i y_i r_i, so dL/dy = r.
  auto loss = [&] { return xt::sum(layer.forward(input) * r)(); };

  layer.zero_grad();
  layer.forward(input);
  const Tensor<double> dx = layer.backward(r);
  GradCheckResult result = gradcheck(loss, input, dx, "dx");
  for (auto& p : layer.params()) result.merge(gradcheck(loss, *p.value, *p.grad, "d" + p.name));
  return result;
}
// [gradcheck-layer]

}  // namespace nn
