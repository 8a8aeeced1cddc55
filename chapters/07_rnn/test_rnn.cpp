// Chapter 7 checks: a SimpleRNN and one LSTM step worked by hand, both layers
// through the gradient checker at T = 1, 3, 7 (initial states included), the
// Embedding, the per-step Dense and cross-entropy, clipping by global norm and
// sampling with a temperature.
#include <doctest/doctest.h>

#include <cmath>

#include "nn/dense.hpp"
#include "nn/embedding.hpp"
#include "nn/gradcheck.hpp"
#include "nn/lstm.hpp"
#include "nn/optimizer.hpp"
#include "nn/rnn.hpp"
#include "nn/sequence.hpp"
#include "test_support.hpp"  // failure messages show a tensor's shape and values

using nn::Tensor;
using nn::test::check_close;

namespace {
// A tensor of this shape holding these values in row-major order (a braced list whose
// innermost rows have one element, {{1.0}}, would be ambiguous for xtensor).
Tensor<double> shaped(const nn::Shape& shape, std::initializer_list<double> values) {
  Tensor<double> t = Tensor<double>::from_shape(shape);
  std::copy(values.begin(), values.end(), t.begin());
  return t;
}
}  // namespace

// [rnn-worked-example]
TEST_CASE("a SimpleRNN with one unit, two steps: backward goes through time") {
  nn::Generator rng(1);
  nn::SimpleRNN<double> rnn(1);  // H = 1, only the last state is returned
  rnn.build({2, 1}, rng);
  rnn.Wx = shaped({1, 1}, {1.0});
  rnn.Wh = shaped({1, 1}, {2.0});
  rnn.b = {0.0};
  const Tensor<double> x = shaped({1, 2, 1}, {0.5, -1.0});  // N = 1, T = 2, D = 1; h_{-1} = 0
  // h_0 = tanh(0.5 * 1 + 0 * 2) = tanh(0.5)                             = 0.4621171573
  // h_1 = tanh(-1 * 1 + h_0 * 2) = tanh(-0.0757656855)                   = -0.0756210415
  CHECK(rnn.forward(x)(0, 0) == doctest::Approx(-0.0756210415).epsilon(1e-9));
  // dy = dL/dh_1 = 1
  // dz_1 = 1 * (1 - h_1^2)                                               = 0.9942814581
  // dL/dh_0 = dz_1 * Wh = 2 * 0.9942814581                               = 1.9885629162
  // dz_0 = 1.9885629162 * (1 - h_0^2)                                    = 1.5639007973
  const Tensor<double> dx = rnn.backward(shaped({1, 1}, {1.0}));
  // dx_t = dz_t Wx: 1.5639007973 and 0.9942814581
  check_close("dx", dx, shaped({1, 2, 1}, {1.5639007973, 0.9942814581}), 1e-9);
  // dWx = x_0 dz_0 + x_1 dz_1 = 0.5 * 1.5639007973 - 0.9942814581        = -0.2123310594
  CHECK(rnn.dWx(0, 0) == doctest::Approx(-0.2123310594).epsilon(1e-9));
  // dWh = h_{-1} dz_0 + h_0 dz_1 = 0 + 0.4621171573 * 0.9942814581       = 0.4594745209
  CHECK(rnn.dWh(0, 0) == doctest::Approx(0.4594745209).epsilon(1e-9));
  // db = dz_0 + dz_1                                                     = 2.5581822554
  CHECK(rnn.db(0) == doctest::Approx(2.5581822554).epsilon(1e-9));
  // dL/dh_{-1} = dz_0 Wh = 2 * 1.5639007973                              = 3.1278015946
  CHECK(rnn.dh0(0, 0) == doctest::Approx(3.1278015946).epsilon(1e-9));
}
// [rnn-worked-example]

// [lstm-worked-example]
TEST_CASE("one LSTM step worked by hand: gates, cell, hidden state and every gradient") {
  nn::Generator rng(1);
  nn::LSTM<double> lstm(2);  // D = 2 inputs, H = 2 units
  lstm.build({1, 2}, rng);
  // Column blocks i | f | g | o, two units each.
  lstm.Wx = {{1, 0, /**/ 0, 0, /**/ 1, 0, /**/ 0, 1},  //
             {0, 0.5, /**/ 0, 0, /**/ 0, -0.5, /**/ 0, 0}};
  lstm.Wh = {{-1, 0, /**/ 0, 1, /**/ 0, 0, /**/ 0, 0},  //
             {0, 0, /**/ 1, 0, /**/ 0, 0, /**/ 1, 0}};
  lstm.b = {0, 0, /**/ 1, 1, /**/ 0, 0, /**/ 0, 0};  // forget bias 1, as built
  const Tensor<double> x = {{{1, 2}}};               // N = 1, T = 1
  const Tensor<double> h_prev = {{1, -1}}, c_prev = {{2, -1}};
  lstm.set_initial_state(h_prev, c_prev);
  // z = x Wx + h_prev Wh + b, unit by unit:
  //   z_i = (1*1 + (-1)*1,      2*0.5)        = (0, 1)
  //   z_f = ((-1)*1 + 1,        1*1 + 1)      = (0, 2)
  //   z_g = (1*1,               2*(-0.5))     = (1, -1)
  //   z_o = ((-1)*1,            1*1)          = (-1, 1)
  // sigma(0) = 0.5, sigma(1) = 0.7310585786, sigma(2) = 0.8807970780,
  // sigma(-1) = 0.2689414214, tanh(1) = 0.7615941560
  const double s1 = 0.7310585786, s2 = 0.8807970780, sm1 = 0.2689414214, t1 = 0.7615941560;
  const Tensor<double> h = lstm.forward(x);
  SUBCASE("forward") {
    //   i = (0.5, sigma(1)),  f = (0.5, sigma(2)),
    //   g = (tanh 1, -tanh 1),  o = (sigma(-1), sigma(1))
    check_close("gates i f g o", lstm.gates(),
                Tensor<double>{{{0.5, s1, 0.5, s2, t1, -t1, sm1, s1}}}, 1e-9);
    // c = f c_prev + i g:
    //   c_0 = 0.5 * 2 + 0.5 * 0.7615941560                         = 1.3807970780
    //   c_1 = 0.8807970780 * (-1) + 0.7310585786 * (-0.7615941560) = -1.4375670191
    check_close("c", lstm.cells(), Tensor<double>{{{1.3807970780, -1.4375670191}}}, 1e-9);
    // h = o tanh(c):
    //   h_0 = 0.2689414214 * tanh(1.3807970780)  = 0.2689414214 * 0.8811296283  = 0.2369722547
    //   h_1 = 0.7310585786 * tanh(-1.4375670191) = 0.7310585786 * -0.8932068912 = -0.6529865603
    check_close("h", h, Tensor<double>{{0.2369722547, -0.6529865603}}, 1e-9);
  }
  SUBCASE("backward") {
    lstm.backward(Tensor<double>{{1, 1}});  // dy = dL/dh = (1, 1)
    // h = o tanh(c):   do = dh tanh(c)                = (0.8811296283, -0.8932068912)
    //                  dc = dh o (1 - tanh^2 c)
    //                     = 0.2689414214 * (1 - 0.8811296283^2) = 0.0601381467
    //                     = 0.7310585786 * (1 - 0.8932068912^2) = 0.1478064831
    // c = f c_prev + i g:  di = dc g       = (0.0458008611, -0.1125685537)
    //                      df = dc c_prev  = (0.1202762934, -0.1478064831)
    //                      dg = dc i       = (0.0300690733,  0.1080551974)
    //                      dc_prev = dc f  = (0.0300690733,  0.1301875184)
    check_close("dc_prev", lstm.dc0, Tensor<double>{{0.0300690733, 0.1301875184}}, 1e-8);
    // Through the nonlinearities, sigma' = s(1 - s), tanh' = 1 - g^2:
    //   dz_i = di i (1 - i)  = 0.0458008611 * 0.25,  -0.1125685537 * 0.1966119332
    //   dz_f = df f (1 - f)  = 0.1202762934 * 0.25,  -0.1478064831 * 0.1049935854
    //   dz_g = dg (1 - g^2)  = 0.0300690733 * 0.4199743416, 0.1080551974 * 0.4199743416
    //   dz_o = do o (1 - o)  = 0.8811296283 * 0.1966119332, -0.8932068912 * 0.1966119332
    // With one step and one sequence, db is dz itself:
    const Tensor<double> dz = {0.0114502153, -0.0221323210, 0.0300690733, -0.0155187326,
                               0.0126282393, 0.0453804104,  0.1732405997, -0.1756151337};
    check_close("db = dz", lstm.db, dz, 1e-8);
    // dWx = x^T dz: row d is x_d * dz; dWh = h_prev^T dz: row d is h_prev_d * dz
    for (std::size_t k = 0; k < 8; ++k) {
      CHECK(lstm.dWx(0, k) == doctest::Approx(1 * dz(k)).epsilon(1e-8));
      CHECK(lstm.dWx(1, k) == doctest::Approx(2 * dz(k)).epsilon(1e-8));
      CHECK(lstm.dWh(0, k) == doctest::Approx(1 * dz(k)).epsilon(1e-8));
      CHECK(lstm.dWh(1, k) == doctest::Approx(-1 * dz(k)).epsilon(1e-8));
    }
    // dx = dz Wx^T: dx_0 = dz_i0 + dz_g0 + dz_o1   = 0.0114502153 + 0.0126282393 - 0.1756151337
    //               dx_1 = 0.5 dz_i1 - 0.5 dz_g1   = 0.5 * (-0.0221323210 - 0.0453804104)
    check_close("dx", lstm.backward(Tensor<double>{{1, 1}}),
                Tensor<double>{{{-0.1515366791, -0.0337563657}}}, 1e-8);
    // dh_prev = dz Wh^T: -dz_i0 + dz_f1        = -0.0114502153 - 0.0155187326
    //                     dz_f0 + dz_o0        =  0.0300690733 + 0.1732405997
    check_close("dh_prev", lstm.dh0, Tensor<double>{{-0.0269689479, 0.2033096730}}, 1e-8);
  }
}
// [lstm-worked-example]

namespace {
// L = sum(y * r) as a function of an initial state, for nn::gradcheck.
template <class L>
double weighted_output(L& layer, const Tensor<double>& x, const Tensor<double>& r) {
  return xt::sum(layer.forward(x) * r)();
}
}  // namespace

// [recurrent-gradcheck-test]
TEST_CASE("SimpleRNN and LSTM gradients agree with central differences through time") {
  for (const std::size_t Ts : {1, 3, 7}) {
    for (const bool sequences : {false, true}) {
      CAPTURE(Ts);
      CAPTURE(sequences);
      nn::Generator rng(100 + Ts);
      const std::size_t N = 2, D = 3, H = 4;
      const Tensor<double> x = nn::test::random_tensor({N, Ts, D}, rng);
      Tensor<double> h0 = nn::test::random_tensor({N, H}, rng, 0.5);
      Tensor<double> c0 = nn::test::random_tensor({N, H}, rng, 0.5);
      const Tensor<double> r =
          nn::test::random_tensor(sequences ? nn::Shape{N, Ts, H} : nn::Shape{N, H}, rng);

      nn::SimpleRNN<double> rnn(H, sequences);
      rnn.build({Ts, D}, rng);
      rnn.set_initial_state(h0);
      const auto r_rnn = nn::gradcheck_layer(rnn, x);  // dx, dWx, dWh, db
      INFO("SimpleRNN: ", r_rnn.report());
      CHECK(r_rnn.max_rel_error < 1e-7);
      rnn.forward(x);
      rnn.backward(r);
      const Tensor<double> dh0 = rnn.dh0;
      const auto r_h0 = nn::gradcheck(
          [&] {
            rnn.set_initial_state(h0);
            return weighted_output(rnn, x, r);
          },
          h0, dh0, "dh0");
      INFO("SimpleRNN initial state: ", r_h0.report());
      CHECK(r_h0.max_rel_error < 1e-7);

      nn::LSTM<double> lstm(H, sequences);
      lstm.build({Ts, D}, rng);
      lstm.set_initial_state(h0, c0);
      const auto r_lstm = nn::gradcheck_layer(lstm, x);
      INFO("LSTM: ", r_lstm.report());
      // Some weight gradients are tiny (5e-5 after seven steps of products of gates),
      // so round-off in L shows up at a few 1e-7: allow 1e-6.
      CHECK(r_lstm.max_rel_error < 1e-6);
      lstm.forward(x);
      lstm.backward(r);
      const Tensor<double> dh0_lstm = lstm.dh0, dc0_lstm = lstm.dc0;
      auto loss = [&] {
        lstm.set_initial_state(h0, c0);
        return weighted_output(lstm, x, r);
      };
      auto r_states = nn::gradcheck(loss, h0, dh0_lstm, "dh0");
      r_states.merge(nn::gradcheck(loss, c0, dc0_lstm, "dc0"));
      INFO("LSTM initial states: ", r_states.report());
      CHECK(r_states.max_rel_error < 1e-7);
    }
  }
}
// [recurrent-gradcheck-test]

// [recurrent-initialisation]
TEST_CASE("recurrent layers start as Keras does: forget bias 1, orthogonal recurrent weights") {
  nn::Generator rng(3);
  nn::LSTM<double> lstm(5);
  lstm.build({4, 3}, rng);
  for (std::size_t j = 0; j < 20; ++j) CHECK(lstm.b(j) == (j >= 5 && j < 10 ? 1.0 : 0.0));
  nn::SimpleRNN<double> rnn(5);
  rnn.build({4, 3}, rng);
  // Wh Wh^T = I: rows of length 1, orthogonal to each other
  for (std::size_t p = 0; p < 5; ++p)
    for (std::size_t q = 0; q < 5; ++q) {
      double dot = 0;
      for (std::size_t j = 0; j < 5; ++j) dot += rnn.Wh(p, j) * rnn.Wh(q, j);
      CHECK(dot == doctest::Approx(p == q ? 1.0 : 0.0).scale(1.0));
    }
}
// [recurrent-initialisation]

TEST_CASE("float and double LSTMs agree") {
  nn::Generator rng_f(5), rng_d(5);
  nn::LSTM<float> lf(6, true);
  nn::LSTM<double> ld(6, true);
  lf.build({5, 3}, rng_f);
  ld.build({5, 3}, rng_d);
  const Tensor<double> x = nn::test::random_tensor({2, 5, 3}, 11);
  const Tensor<float> xf = xt::cast<float>(x);
  const Tensor<double> yf = xt::cast<double>(lf.forward(xf));
  check_close("y", yf, ld.forward(x), 1e-5);
}

TEST_CASE("recurrent layers name the shape they expected") {
  nn::Generator rng(1);
  nn::LSTM<double> lstm(4);
  lstm.set_name("lstm_1");
  lstm.build({7, 3}, rng);
  // Any number of steps is accepted, but the feature size is fixed at build.
  CHECK(lstm.forward(xt::zeros<double>({2, 9, 3})).shape(1) == 4);
  auto message = [&](auto f) {
    try {
      f();
    } catch (const nn::shape_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message([&] {
          lstm.forward(xt::zeros<double>({2, 7, 5}));
        }) == "lstm_1 input: expected (N, T, 3), got (2, 7, 5)");
  CHECK(message([&] {
          lstm.forward(xt::zeros<double>({2, 3}));
        }) == "lstm_1 input: expected (N, T, 3), got (2, 3)");
  CHECK(message([&] {
          lstm.set_initial_state(xt::zeros<double>({2, 5}), {});
        }) == "lstm_1 initial state: expected (N, 4), got (2, 5)");
  lstm.set_initial_state(xt::zeros<double>({3, 4}), xt::zeros<double>({3, 4}));
  CHECK(message([&] {
          lstm.forward(xt::zeros<double>({2, 7, 3}));
        }) == "lstm_1 initial state: expected (2, 4), got (3, 4)");
  nn::SimpleRNN<double> rnn(4);
  CHECK(message([&] { rnn.build({3}, rng); }) == "simple_rnn build: expected (T, D), got (3,)");
  rnn.build({7, 3}, rng);
  rnn.forward(xt::zeros<double>({2, 7, 3}));
  CHECK(message([&] {
          rnn.backward(xt::zeros<double>({2, 7, 4}));
        }) == "simple_rnn backward dy: expected (2, 4), got (2, 7, 4)");
}

// [embedding-example]
TEST_CASE("Embedding looks rows up, and backward adds dy into the rows it used") {
  nn::Generator rng(1);
  nn::Embedding<double> emb(3, 2);  // V = 3 symbols, E = 2
  emb.build({4}, rng);
  emb.W = {{1, 2}, {3, 4}, {5, 6}};
  const Tensor<double> x = {{2, 0, 2, 1}};  // N = 1, T = 4
  CHECK(emb.forward(x) == Tensor<double>{{{5, 6}, {1, 2}, {5, 6}, {3, 4}}});
  const Tensor<double> dy = {{{1, 1}, {10, 10}, {100, 100}, {1000, 1000}}};
  CHECK(emb.backward(dy) == Tensor<double>{{0, 0, 0, 0}});  // indices have no gradient
  // Symbol 2 sits at steps 0 and 2: dW[2] = dy_0 + dy_2 = (101, 101)
  CHECK(emb.dW == Tensor<double>{{10, 10}, {1000, 1000}, {101, 101}});
  CHECK_THROWS_AS(emb.forward(Tensor<double>{{0, 3, 1, 1}}), std::invalid_argument);
  CHECK_THROWS_AS(emb.forward(Tensor<double>{{0, 1.5, 1, 1}}), std::invalid_argument);
  // The gradient of W, numerically (x is not differentiable, so not gradcheck_layer):
  emb.zero_grad();
  emb.forward(x);
  emb.backward(dy);
  const Tensor<double> dW = emb.dW;
  const auto r = nn::gradcheck([&] { return xt::sum(emb.forward(x) * dy)(); }, emb.W, dW, "dW");
  INFO(r.report());
  CHECK(r.max_rel_error < 1e-7);
}
// [embedding-example]

// [sequence-loss-example]
TEST_CASE("a Dense at every step and the cross-entropy over every step") {
  nn::Generator rng(4);
  nn::TimeDistributed<double> td(nn::Dense<double>(3));
  CHECK(td.build({5, 4}, rng) == nn::Shape{5, 3});
  CHECK(td.kind() == "time_distributed(dense)");
  const Tensor<double> x = nn::test::random_tensor({2, 5, 4}, rng);
  const auto r = nn::gradcheck_layer(td, x);
  INFO(r.report());
  CHECK(r.max_rel_error < 1e-7);

  nn::SequenceCrossEntropy<double> ce;
  // Two steps of one sequence with equal logits over V = 4: p = 1/4 for every class,
  // so the loss is log 4 at each step and L = log 4 = 1.3862943611.
  const Tensor<double> z = xt::zeros<double>({1, 2, 4});
  const Tensor<double> t = {{3, 0}};
  CHECK(ce.forward(z, t) == doctest::Approx(std::log(4.0)));
  // dL/dz = (p - onehot(t)) / (N T) = (1/4 - onehot) / 2
  check_close("dz", ce.backward(),
              Tensor<double>{{{0.125, 0.125, 0.125, -0.375}, {-0.375, 0.125, 0.125, 0.125}}});
  Tensor<double> logits = nn::test::random_tensor({2, 3, 4}, rng);
  const Tensor<double> targets = {{0, 3, 2}, {1, 1, 0}};
  ce.forward(logits, targets);
  const Tensor<double> dz = ce.backward();
  const auto rc =
      nn::gradcheck([&] { return double(ce.forward(logits, targets)); }, logits, dz, "dz");
  INFO(rc.report());
  CHECK(rc.max_rel_error < 1e-7);
  CHECK_THROWS_AS(ce.forward(logits, Tensor<double>{{0, 1}, {1, 1}}), nn::shape_error);
}
// [sequence-loss-example]

// [clipnorm-example]
TEST_CASE("clipnorm scales all gradients together when their global norm is too large") {
  Tensor<double> w1 = {0.0}, g1 = {3.0}, w2 = {0.0, 0.0}, g2 = {0.0, 4.0};
  const std::vector<nn::Param<double>> params = {{"a", &w1, &g1}, {"b", &w2, &g2}};
  nn::SGD<double> sgd(1.0);
  sgd.clipnorm = 1.0;
  sgd.step(params);
  // ||g|| = sqrt(3^2 + 0^2 + 4^2) = 5 > 1: every gradient times 1/5 -> (0.6), (0, 0.8)
  CHECK(sgd.last_grad_norm == doctest::Approx(5.0));
  CHECK(w1(0) == doctest::Approx(-0.6));
  CHECK(w2(1) == doctest::Approx(-0.8));
  // Below the threshold nothing changes: ||(0.3), (0, 0.4)|| = 0.5 <= 1
  g1 = {0.3};
  g2 = {0.0, 0.4};
  sgd.step(params);
  CHECK(w1(0) == doctest::Approx(-0.9));
  CHECK(w2(1) == doctest::Approx(-1.2));
}
// [clipnorm-example]

// [sample-example]
TEST_CASE("sampling with a temperature sharpens or flattens the softmax") {
  nn::Generator rng(8);
  const Tensor<double> z = {0.0, std::log(3.0)};  // softmax: (1/4, 3/4)
  CHECK(nn::sample(z, 0.0, rng) == 1);            // temperature 0: the most likely class
  auto frequency_of_1 = [&](double tau) {
    int ones = 0;
    for (int k = 0; k < 20000; ++k) ones += nn::sample(z, tau, rng) == 1;
    return ones / 20000.0;
  };
  // tau = 1: p_1 = 3/4.  tau = 0.5: p ∝ (1, 3^2) -> 9/10.  tau = 2: p ∝ (1, sqrt 3) -> 0.634
  CHECK(frequency_of_1(1.0) == doctest::Approx(0.75).epsilon(0.02));
  CHECK(frequency_of_1(0.5) == doctest::Approx(0.9).epsilon(0.02));
  CHECK(frequency_of_1(2.0) ==
        doctest::Approx(std::sqrt(3.0) / (1 + std::sqrt(3.0))).epsilon(0.02));
  CHECK_THROWS_AS(nn::sample(z, -1.0, rng), std::invalid_argument);
}
// [sample-example]
