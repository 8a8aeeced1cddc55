#include "nn/lstm.hpp"

#include <cmath>
#include <cstring>
#include <xtensor/xview.hpp>

#include "nn/gemm.hpp"
#include "nn/init.hpp"
#include "nn/parallel.hpp"
#include "nn/rnn.hpp"

namespace nn {

// [lstm-helpers]
namespace {
template <class T>
T sigmoid(T z) {
  return T(1) / (T(1) + std::exp(-z));
}
// h_{t-1} (or c_{t-1}) of sequences n0..n1-1 for step t: the given initial state at t = 0, else
// step t-1.
template <class T>
void previous_state(const Tensor<T>& all, const Tensor<T>& initial, std::size_t t, std::size_t n0,
                    std::size_t n1, Tensor<T>& prev) {
  const std::size_t H = prev.shape(2);
  for (std::size_t n = n0; n < n1; ++n) {
    T* p = &prev(n, t, 0);
    if (t > 0)
      std::memcpy(p, &all(n, t - 1, 0), H * sizeof(T));
    else if (initial.dimension() != 0)
      std::memcpy(p, &initial(n, 0), H * sizeof(T));
    else
      std::fill(p, p + H, T(0));
  }
}
// Splits the batch over the threads only when each sequence brings enough multiply-adds
// (`work`) for the split to pay for waking the threads; small models run on one thread.
template <class Body>
void run_slices(std::size_t N, std::size_t work, const Body& body) {
  if (N * work >= (std::size_t{1} << 25))
    parallel_slices(N, body);
  else
    body(0, N, 0);
}
}  // namespace
// [lstm-helpers]

// [lstm-build]
template <class T>
Shape LSTM<T>::build(const Shape& in_shape, Generator& rng) {
  if (in_shape.size() != 2) throw shape_error(this->name() + " build", "(T, D)", in_shape);
  this->in_shape_ = in_shape;
  const std::size_t D = in_shape[1], H = units_;
  Wx = Tensor<T>::from_shape({D, 4 * H});
  glorot_uniform(Wx, D, 4 * H, rng);
  Wh = Tensor<T>::from_shape({H, 4 * H});
  orthogonal(Wh, rng);
  b = xt::zeros<T>({4 * H});
  for (std::size_t j = H; j < 2 * H; ++j) b(j) = T(1);  // forget gate: remember by default
  dWx = xt::zeros<T>({D, 4 * H});
  dWh = xt::zeros<T>({H, 4 * H});
  db = xt::zeros<T>({4 * H});
  if (return_sequences_) return {in_shape[0], H};
  return {H};
}
// [lstm-build]

// [lstm-state]
template <class T>
void LSTM<T>::set_initial_state(const Tensor<T>& h0, const Tensor<T>& c0) {
  for (const Tensor<T>* s : {&h0, &c0})
    if (s->dimension() != 0 && (s->dimension() != 2 || s->shape(1) != units_))
      throw shape_error(this->name() + " initial state", "(N, " + std::to_string(units_) + ")",
                        shape_of(*s));
  h0_ = h0;
  c0_ = c0;
}

template <class T>
Tensor<T> LSTM<T>::final_h() const {
  return xt::view(h_, xt::all(), h_.shape(1) - 1, xt::all());
}

template <class T>
Tensor<T> LSTM<T>::final_c() const {
  return xt::view(c_, xt::all(), c_.shape(1) - 1, xt::all());
}
// [lstm-state]

// [lstm-forward]
// x: (N, T, D), Wx: (D, 4H), Wh: (H, 4H), b: (4H,)  ->  y: (N, T, H), or (N, H) for the last step
template <class T>
const Tensor<T>& LSTM<T>::forward(const Tensor<T>& x) {
  const std::size_t D = Wx.shape(0), H = units_, G = 4 * H;
  if (x.dimension() != 3 || x.shape(0) == 0 || x.shape(1) == 0 || x.shape(2) != D)
    throw shape_error(this->name() + " input", "(N, T, " + std::to_string(D) + ")", shape_of(x));
  const std::size_t N = x.shape(0), Ts = x.shape(1);
  for (const Tensor<T>* s : {&h0_, &c0_})
    if (s->dimension() != 0 && s->shape(0) != N)
      throw shape_error(this->name() + " initial state",
                        "(" + std::to_string(N) + ", " + std::to_string(H) + ")", shape_of(*s));
  resize_if_needed(x_, {N, Ts, D});
  std::memcpy(x_.data(), x.data(), x.size() * sizeof(T));  // cached for dWx
  resize_if_needed(gates_, {N, Ts, G});
  for (Tensor<T>* s : {&c_, &tc_, &h_, &hprev_, &cprev_}) resize_if_needed(*s, {N, Ts, H});
  // The input part of all four gates for all N*T steps: one product, z = x Wx + b  (N*T, 4H)
  for (std::size_t r = 0; r < N * Ts; ++r)
    std::memcpy(gates_.data() + r * G, b.data(), G * sizeof(T));
  gemm(false, false, N * Ts, G, D, T(1), x.data(), Wx.data(), T(1), gates_.data());
  // The sequences of a batch do not interact: each thread runs the whole recurrence for
  // its own slice of them, rows [n0, n1).
  auto recurrence = [&](std::size_t n0, std::size_t n1, std::size_t) {
    for (std::size_t t = 0; t < Ts; ++t) {
      previous_state(h_, h0_, t, n0, n1, hprev_);
      previous_state(c_, c0_, t, n0, n1, cprev_);
      // z_t += h_{t-1} Wh: one product per step, on the rows of step t (T*4H apart)
      T* zt = gates_.data() + (n0 * Ts + t) * G;
      gemm(false, false, n1 - n0, G, H, T(1), hprev_.data() + (n0 * Ts + t) * H, Ts * H, Wh.data(),
           G, T(1), zt, Ts * G);
      for (std::size_t n = n0; n < n1; ++n) {
        T* z = &gates_(n, t, 0);  // this sequence's four blocks, activated in place
        const T* cp = &cprev_(n, t, 0);
        T *c = &c_(n, t, 0), *tc = &tc_(n, t, 0), *h = &h_(n, t, 0);
        for (std::size_t j = 0; j < H; ++j) {
          const T i = z[j] = sigmoid(z[j]);                    // input gate
          const T f = z[H + j] = sigmoid(z[H + j]);            // forget gate
          const T g = z[2 * H + j] = std::tanh(z[2 * H + j]);  // candidate
          const T o = z[3 * H + j] = sigmoid(z[3 * H + j]);    // output gate
          c[j] = f * cp[j] + i * g;                            // c_t = f c_{t-1} + i g
          tc[j] = std::tanh(c[j]);
          h[j] = o * tc[j];  // h_t = o tanh(c_t)
        }
      }
    }
  };
  run_slices(N, Ts * G * H, recurrence);
  if (return_sequences_) return h_;
  resize_if_needed(y_, {N, H});
  for (std::size_t n = 0; n < N; ++n) std::memcpy(&y_(n, 0), &h_(n, Ts - 1, 0), H * sizeof(T));
  return y_;
}
// [lstm-forward]

// [lstm-backward]
// dy: (N, T, H) or (N, H)  ->  dx: (N, T, D), dh0, dc0: (N, H); adds to dWx, dWh, db
template <class T>
const Tensor<T>& LSTM<T>::backward(const Tensor<T>& dy) {
  this->check_grad(dy, return_sequences_ ? h_ : y_);
  const std::size_t N = x_.shape(0), Ts = x_.shape(1), D = x_.shape(2), H = units_, G = 4 * H;
  resize_if_needed(dz_, {N, Ts, G});
  resize_if_needed(dh_, {N, H});
  resize_if_needed(dc_, {N, H});
  dh_.fill(T(0));  // nothing reaches h_{T-1} or c_{T-1} from a later step
  dc_.fill(T(0));
  // Each thread takes its own slice of sequences back through time, as in forward.
  auto recurrence = [&](std::size_t n0, std::size_t n1, std::size_t) {
    for (std::size_t t = Ts; t-- > 0;) {
      for (std::size_t n = n0; n < n1; ++n) {
        const T* a = &gates_(n, t, 0);
        T* dz = &dz_(n, t, 0);
        for (std::size_t j = 0; j < H; ++j) {
          const T i = a[j], f = a[H + j], g = a[2 * H + j], o = a[3 * H + j];
          const T tc = tc_(n, t, j);
          // h_t feeds the output (dy) and the next step (dh_)
          T dh = dh_(n, j);
          if (return_sequences_)
            dh += dy(n, t, j);
          else if (t == Ts - 1)
            dh += dy(n, j);
          // h_t = o tanh(c_t)  =>  do = dh tanh(c_t);  dc_t += dh o (1 - tanh^2(c_t))
          const T d_o = dh * tc;
          const T dc = dc_(n, j) + dh * o * (T(1) - tc * tc);
          // c_t = f c_{t-1} + i g  =>  di = dc g,  df = dc c_{t-1},  dg = dc i,  dc_{t-1} = dc f
          const T di = dc * g, df = dc * cprev_(n, t, j), dg = dc * i;
          dc_(n, j) = dc * f;
          // i = sigma(z^i), f = sigma(z^f), o = sigma(z^o): sigma' = s (1 - s);  g = tanh(z^g): 1 -
          // g^2
          dz[j] = di * i * (T(1) - i);
          dz[H + j] = df * f * (T(1) - f);
          dz[2 * H + j] = dg * (T(1) - g * g);
          dz[3 * H + j] = d_o * o * (T(1) - o);
        }
      }
      // z_t = ... + h_{t-1} Wh  =>  dL/dh_{t-1} = dz_t Wh^T, handed to step t - 1
      gemm(false, true, n1 - n0, H, G, T(1), dz_.data() + (n0 * Ts + t) * G, Ts * G, Wh.data(), G,
           T(0), dh_.data() + n0 * H, H);
    }
  };
  run_slices(N, Ts * G * H, recurrence);
  dh0 = dh_;  // what reached h_{-1} and c_{-1}
  dc0 = dc_;
  // Shared weights: gradients summed over steps, one product each over all N*T rows
  // z_t = x_t Wx + ...      =>  dWx = sum_t x_t^T dz_t
  gemm(true, false, D, G, N * Ts, T(1), x_.data(), dz_.data(), T(1), dWx.data());
  // z_t = ... + h_{t-1} Wh  =>  dWh = sum_t h_{t-1}^T dz_t
  gemm(true, false, H, G, N * Ts, T(1), hprev_.data(), dz_.data(), T(1), dWh.data());
  // z_t = ... + b           =>  db = sum over steps and sequences of dz_t
  for (std::size_t r = 0; r < N * Ts; ++r)
    for (std::size_t j = 0; j < G; ++j) db(j) += dz_.data()[r * G + j];
  if (!this->input_gradient_) return dx_;
  // z_t = x_t Wx + ...      =>  dx_t = dz_t Wx^T, every step at once
  resize_if_needed(dx_, {N, Ts, D});
  gemm(false, true, N * Ts, D, G, T(1), dz_.data(), Wx.data(), T(0), dx_.data());
  return dx_;
}
// [lstm-backward]

template class LSTM<float>;
template class LSTM<double>;

}  // namespace nn
