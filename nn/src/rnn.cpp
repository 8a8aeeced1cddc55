#include "nn/rnn.hpp"

#include <cmath>
#include <cstring>
#include <xtensor/xview.hpp>

#include "nn/gemm.hpp"
#include "nn/init.hpp"

namespace nn {

// [orthogonal]
template <class T>
void orthogonal(Tensor<T>& W, Generator& rng) {
  // Rows of a standard normal (R, C) matrix, R <= C, made orthonormal one by one:
  // subtract from row r its projections on the rows before it, then scale it to length 1.
  const std::size_t R = W.shape(0), C = W.shape(1);
  if (R > C) throw shape_error("orthogonal", "(R, C) with R <= C", shape_of(W));
  std::vector<double> w(R * C);
  for (auto& v : w) v = rng.normal();
  for (std::size_t r = 0; r < R; ++r) {
    double* wr = &w[r * C];
    for (std::size_t q = 0; q < r; ++q) {
      const double* wq = &w[q * C];
      double dot = 0;
      for (std::size_t j = 0; j < C; ++j) dot += wr[j] * wq[j];
      for (std::size_t j = 0; j < C; ++j) wr[j] -= dot * wq[j];
    }
    double norm = 0;
    for (std::size_t j = 0; j < C; ++j) norm += wr[j] * wr[j];
    norm = std::sqrt(norm);
    for (std::size_t j = 0; j < C; ++j) wr[j] /= norm;
  }
  for (std::size_t i = 0; i < R * C; ++i) W.data()[i] = static_cast<T>(w[i]);
}
// [orthogonal]

// [rnn-build]
template <class T>
Shape SimpleRNN<T>::build(const Shape& in_shape, Generator& rng) {
  if (in_shape.size() != 2) throw shape_error(this->name() + " build", "(T, D)", in_shape);
  this->in_shape_ = in_shape;
  const std::size_t D = in_shape[1], H = units_;
  Wx = Tensor<T>::from_shape({D, H});
  glorot_uniform(Wx, D, H, rng);
  Wh = Tensor<T>::from_shape({H, H});
  orthogonal(Wh, rng);
  b = xt::zeros<T>({H});
  dWx = xt::zeros<T>({D, H});
  dWh = xt::zeros<T>({H, H});
  db = xt::zeros<T>({H});
  if (return_sequences_) return {in_shape[0], H};
  return {H};
}

template <class T>
void SimpleRNN<T>::set_initial_state(const Tensor<T>& h0) {
  if (h0.dimension() != 0 && (h0.dimension() != 2 || h0.shape(1) != units_))
    throw shape_error(this->name() + " initial state", "(N, " + std::to_string(units_) + ")",
                      shape_of(h0));
  h0_ = h0;
}

template <class T>
Tensor<T> SimpleRNN<T>::final_h() const {
  return xt::view(h_, xt::all(), h_.shape(1) - 1, xt::all());
}
// [rnn-build]

// [rnn-checks]
namespace {
// Any number of steps T is accepted; D is fixed by build.
template <class T>
void check_sequence(const Layer<T>& layer, const Tensor<T>& x, std::size_t D) {
  if (x.dimension() != 3 || x.shape(0) == 0 || x.shape(1) == 0 || x.shape(2) != D)
    throw shape_error(layer.name() + " input", "(N, T, " + std::to_string(D) + ")", shape_of(x));
}
template <class T>
void check_state(const Layer<T>& layer, const Tensor<T>& s, std::size_t N, std::size_t H) {
  if (s.dimension() != 0 && s.shape(0) != N)
    throw shape_error(layer.name() + " initial state",
                      "(" + std::to_string(N) + ", " + std::to_string(H) + ")", shape_of(s));
}
}  // namespace
// [rnn-checks]

// [rnn-forward]
// x: (N, T, D), Wx: (D, H), Wh: (H, H), b: (H,)  ->  y: (N, T, H), or (N, H) for the last step
template <class T>
const Tensor<T>& SimpleRNN<T>::forward(const Tensor<T>& x) {
  check_sequence(*this, x, Wx.shape(0));
  const std::size_t N = x.shape(0), Ts = x.shape(1), D = x.shape(2), H = units_;
  check_state(*this, h0_, N, H);
  resize_if_needed(x_, {N, Ts, D});
  std::memcpy(x_.data(), x.data(), x.size() * sizeof(T));  // cached for dWx
  resize_if_needed(h_, {N, Ts, H});
  resize_if_needed(hprev_, {N, Ts, H});
  // The input part for all N*T steps at once, one matrix product: z = x Wx + b, (N*T, H)
  for (std::size_t r = 0; r < N * Ts; ++r) std::memcpy(h_.data() + r * H, b.data(), H * sizeof(T));
  gemm(false, false, N * Ts, H, D, T(1), x.data(), Wx.data(), T(1), h_.data());
  // Then step by step: z_t += h_{t-1} Wh;  h_t = tanh(z_t). Row n of step t is h_(n, t, :),
  // so the N rows of one step lie T*H apart: the product works on that strided matrix in place.
  for (std::size_t t = 0; t < Ts; ++t) {
    for (std::size_t n = 0; n < N; ++n) {  // h_{t-1}, kept for dWh
      T* hp = &hprev_(n, t, 0);
      if (t > 0)
        std::memcpy(hp, &h_(n, t - 1, 0), H * sizeof(T));
      else if (h0_.dimension() != 0)
        std::memcpy(hp, &h0_(n, 0), H * sizeof(T));
      else
        std::fill(hp, hp + H, T(0));
    }
    T* zt = h_.data() + t * H;
    gemm(false, false, N, H, H, T(1), hprev_.data() + t * H, Ts * H, Wh.data(), H, T(1), zt,
         Ts * H);
    for (std::size_t n = 0; n < N; ++n)
      for (std::size_t j = 0; j < H; ++j) zt[n * Ts * H + j] = std::tanh(zt[n * Ts * H + j]);
  }
  if (return_sequences_) return h_;
  resize_if_needed(y_, {N, H});
  for (std::size_t n = 0; n < N; ++n) std::memcpy(&y_(n, 0), &h_(n, Ts - 1, 0), H * sizeof(T));
  return y_;
}
// [rnn-forward]

// [rnn-backward]
// dy: (N, T, H) or (N, H)  ->  dx: (N, T, D), dh0: (N, H); adds to dWx, dWh, db
template <class T>
const Tensor<T>& SimpleRNN<T>::backward(const Tensor<T>& dy) {
  this->check_grad(dy, return_sequences_ ? h_ : y_);
  const std::size_t N = x_.shape(0), Ts = x_.shape(1), D = x_.shape(2), H = units_;
  resize_if_needed(dz_, {N, Ts, H});
  resize_if_needed(dh_, {N, H});
  dh_.fill(T(0));  // nothing reaches h_{T-1} from a later step
  for (std::size_t t = Ts; t-- > 0;) {
    for (std::size_t n = 0; n < N; ++n)
      for (std::size_t j = 0; j < H; ++j) {
        // h_t feeds the output (dy) and the next step (dh_): dL/dh_t = dy_t + dh_
        T dh = dh_(n, j);
        if (return_sequences_)
          dh += dy(n, t, j);
        else if (t == Ts - 1)
          dh += dy(n, j);
        // h_t = tanh(z_t)  =>  dz_t = dh_t (1 - h_t^2)
        const T h = h_(n, t, j);
        dz_(n, t, j) = dh * (T(1) - h * h);
      }
    // z_t = ... + h_{t-1} Wh  =>  dL/dh_{t-1} = dz_t Wh^T, handed to step t - 1
    gemm(false, true, N, H, H, T(1), dz_.data() + t * H, Ts * H, Wh.data(), H, T(0), dh_.data(), H);
  }
  dh0 = dh_;  // what reached h_{-1}
  // The weights are shared by every step, so their gradients are sums over steps;
  // with all steps' dz in one (N*T, H) matrix each sum is one product.
  // z_t = x_t Wx + ...      =>  dWx = sum_t x_t^T dz_t
  gemm(true, false, D, H, N * Ts, T(1), x_.data(), dz_.data(), T(1), dWx.data());
  // z_t = ... + h_{t-1} Wh  =>  dWh = sum_t h_{t-1}^T dz_t
  gemm(true, false, H, H, N * Ts, T(1), hprev_.data(), dz_.data(), T(1), dWh.data());
  // z_t = ... + b           =>  db = sum_t sum_n dz_t
  for (std::size_t r = 0; r < N * Ts; ++r)
    for (std::size_t j = 0; j < H; ++j) db(j) += dz_.data()[r * H + j];
  if (!this->input_gradient_) return dx_;
  // z_t = x_t Wx + ...      =>  dx_t = dz_t Wx^T, for every step at once
  resize_if_needed(dx_, {N, Ts, D});
  gemm(false, true, N * Ts, D, H, T(1), dz_.data(), Wx.data(), T(0), dx_.data());
  return dx_;
}
// [rnn-backward]

template class SimpleRNN<float>;
template class SimpleRNN<double>;
template void orthogonal(Tensor<float>&, Generator&);
template void orthogonal(Tensor<double>&, Generator&);

}  // namespace nn
