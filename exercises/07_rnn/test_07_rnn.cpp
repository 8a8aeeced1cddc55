// Tests for chapter 7's exercises. Each exercise is one doctest suite:
//   ./nnbook exercise ex7.1     (or: build/exercises/exercise_tests -ts=ex7.1)
#include <doctest/doctest.h>

#include <vector>

#include "nn/gradcheck.hpp"
#include "nn/lstm.hpp"
#include "nn/optimizer.hpp"
#include "nn/rnn.hpp"
#include "test_support.hpp"

// The functions under test, defined in exercises/07_rnn/ (or solutions/07_rnn/).
namespace ex {
struct RnnStepGradients {
  nn::Tensor<double> dx, dh_prev, dWx, dWh, db;
};
nn::Tensor<double> rnn_step_forward(const nn::Tensor<double>& x, const nn::Tensor<double>& h_prev,
                                    const nn::Tensor<double>& Wx, const nn::Tensor<double>& Wh,
                                    const nn::Tensor<double>& b);
RnnStepGradients rnn_step_backward(const nn::Tensor<double>& x, const nn::Tensor<double>& h_prev,
                                   const nn::Tensor<double>& Wx, const nn::Tensor<double>& Wh,
                                   const nn::Tensor<double>& h, const nn::Tensor<double>& dh);
struct LstmGateGradients {
  nn::Tensor<double> dz, dc_prev;
};
void lstm_cell_forward(const nn::Tensor<double>& z, const nn::Tensor<double>& c_prev,
                       nn::Tensor<double>& a, nn::Tensor<double>& c, nn::Tensor<double>& h);
LstmGateGradients lstm_gate_gradients(const nn::Tensor<double>& a, const nn::Tensor<double>& c_prev,
                                      const nn::Tensor<double>& c, const nn::Tensor<double>& dh,
                                      const nn::Tensor<double>& dc_next);
void clip_each_by_norm(const std::vector<nn::Tensor<double>*>& grads, double max_norm);
double clip_by_global_norm(const std::vector<nn::Tensor<double>*>& grads, double max_norm);
}  // namespace ex

namespace {

using nn::Tensor;
using nn::test::check_close;
using nn::test::random_tensor;

Tensor<double> one(double v) {  // a (1, 1) tensor
  Tensor<double> t = Tensor<double>::from_shape({1, 1});
  t(0, 0) = v;
  return t;
}

double weighted_sum(const Tensor<double>& y, const Tensor<double>& r) { return xt::sum(y * r)(); }

}  // namespace

TEST_SUITE("ex7.1") {
  TEST_CASE("one RNN step backward, worked by hand") {
    // z = 0.5 * 1 + 0.25 * 2 + 0 = 1,  h = tanh 1 = 0.7615941560,  dz = 1 - h^2 = 0.4199743416
    const Tensor<double> x = one(0.5), h_prev = one(0.25), Wx = one(1), Wh = one(2);
    const Tensor<double> b = {0.0};
    const Tensor<double> h = ex::rnn_step_forward(x, h_prev, Wx, Wh, b);
    const ex::RnnStepGradients g = ex::rnn_step_backward(x, h_prev, Wx, Wh, h, one(1));
    CHECK(g.dx(0, 0) == doctest::Approx(0.4199743416));       // dz Wx = dz * 1
    CHECK(g.dh_prev(0, 0) == doctest::Approx(0.8399486832));  // dz Wh = dz * 2
    CHECK(g.dWx(0, 0) == doctest::Approx(0.2099871708));      // x dz = 0.5 dz
    CHECK(g.dWh(0, 0) == doctest::Approx(0.1049935854));      // h_prev dz = 0.25 dz
    CHECK(g.db(0) == doctest::Approx(0.4199743416));          // dz
  }

  TEST_CASE("one RNN step backward agrees with central differences") {
    nn::Generator rng(71);
    const std::size_t N = 3, D = 2, H = 4;
    Tensor<double> x = random_tensor({N, D}, rng), h_prev = random_tensor({N, H}, rng);
    Tensor<double> Wx = random_tensor({D, H}, rng), Wh = random_tensor({H, H}, rng);
    Tensor<double> b = random_tensor({H}, rng);
    const Tensor<double> dh = random_tensor({N, H}, rng);
    const Tensor<double> h = ex::rnn_step_forward(x, h_prev, Wx, Wh, b);
    const ex::RnnStepGradients g = ex::rnn_step_backward(x, h_prev, Wx, Wh, h, dh);
    // L = sum(h * dh), so dL/dh = dh
    auto loss = [&] { return weighted_sum(ex::rnn_step_forward(x, h_prev, Wx, Wh, b), dh); };
    auto r = nn::gradcheck(loss, x, g.dx, "dx");
    r.merge(nn::gradcheck(loss, h_prev, g.dh_prev, "dh_prev"));
    r.merge(nn::gradcheck(loss, Wx, g.dWx, "dWx"));
    r.merge(nn::gradcheck(loss, Wh, g.dWh, "dWh"));
    r.merge(nn::gradcheck(loss, b, g.db, "db"));
    INFO(r.report());
    CHECK(r.max_rel_error < 1e-7);
  }

  TEST_CASE("one RNN step backward agrees with the library's SimpleRNN at T = 1") {
    nn::Generator rng(72);
    const std::size_t N = 2, D = 3, H = 3;
    nn::SimpleRNN<double> rnn(H);
    rnn.build({1, D}, rng);
    const Tensor<double> x = random_tensor({N, D}, rng), h_prev = random_tensor({N, H}, rng);
    const Tensor<double> dh = random_tensor({N, H}, rng);
    rnn.set_initial_state(h_prev);
    const Tensor<double> x3 = xt::reshape_view(x, nn::Shape{N, 1, D});
    const Tensor<double> h = rnn.forward(x3);
    const Tensor<double> dx = xt::reshape_view(rnn.backward(dh), nn::Shape{N, D});
    const ex::RnnStepGradients g = ex::rnn_step_backward(x, h_prev, rnn.Wx, rnn.Wh, h, dh);
    check_close("dx", g.dx, dx, 1e-9);
    check_close("dh_prev", g.dh_prev, rnn.dh0, 1e-9);
    check_close("dWx", g.dWx, rnn.dWx, 1e-9);
    check_close("dWh", g.dWh, rnn.dWh, 1e-9);
    check_close("db", g.db, rnn.db, 1e-9);
  }
}

TEST_SUITE("ex7.2") {
  TEST_CASE("the LSTM gate gradients of the chapter's worked step") {
    const Tensor<double> z = {{0, 1, 0, 2, 1, -1, -1, 1}}, c_prev = {{2, -1}};
    Tensor<double> a, c, h;
    ex::lstm_cell_forward(z, c_prev, a, c, h);
    const ex::LstmGateGradients g =
        ex::lstm_gate_gradients(a, c_prev, c, Tensor<double>{{1, 1}}, xt::zeros<double>({1, 2}));
    check_close("dz", g.dz,
                Tensor<double>{{0.0114502153, -0.0221323210, 0.0300690733, -0.0155187326,
                                0.0126282393, 0.0453804104, 0.1732405997, -0.1756151337}},
                1e-8);
    check_close("dc_prev", g.dc_prev, Tensor<double>{{0.0300690733, 0.1301875184}}, 1e-8);
  }

  TEST_CASE("the LSTM gate gradients agree with central differences, through h and c") {
    nn::Generator rng(73);
    const std::size_t N = 2, H = 3;
    Tensor<double> z = random_tensor({N, 4 * H}, rng, 2.0),
                   c_prev = random_tensor({N, H}, rng, 2.0);
    const Tensor<double> dh = random_tensor({N, H}, rng), dc_next = random_tensor({N, H}, rng);
    Tensor<double> a, c, h;
    ex::lstm_cell_forward(z, c_prev, a, c, h);
    const ex::LstmGateGradients g = ex::lstm_gate_gradients(a, c_prev, c, dh, dc_next);
    // L = sum(h * dh) + sum(c * dc_next): h feeds the output, c the next step
    auto loss = [&] {
      Tensor<double> a2, c2, h2;
      ex::lstm_cell_forward(z, c_prev, a2, c2, h2);
      return weighted_sum(h2, dh) + weighted_sum(c2, dc_next);
    };
    auto r = nn::gradcheck(loss, z, g.dz, "dz");
    r.merge(nn::gradcheck(loss, c_prev, g.dc_prev, "dc_prev"));
    INFO(r.report());
    CHECK(r.max_rel_error < 1e-7);
  }

  TEST_CASE("the LSTM gate gradients agree with the library's LSTM at T = 1") {
    nn::Generator rng(74);
    const std::size_t N = 2, D = 2, H = 3;
    nn::LSTM<double> lstm(H);
    lstm.build({1, D}, rng);
    const Tensor<double> x = random_tensor({N, 1, D}, rng), h_prev = random_tensor({N, H}, rng);
    const Tensor<double> c_prev = random_tensor({N, H}, rng), dh = random_tensor({N, H}, rng);
    lstm.set_initial_state(h_prev, c_prev);
    lstm.forward(x);
    lstm.backward(dh);
    const Tensor<double> a = xt::reshape_view(lstm.gates(), nn::Shape{N, 4 * H});
    const Tensor<double> c = xt::reshape_view(lstm.cells(), nn::Shape{N, H});
    const ex::LstmGateGradients g =
        ex::lstm_gate_gradients(a, c_prev, c, dh, xt::zeros<double>({N, H}));
    Tensor<double> db = xt::sum(g.dz, {0});  // one step: db = sum_n dz
    check_close("db", db, lstm.db, 1e-9);
    check_close("dc_prev", g.dc_prev, lstm.dc0, 1e-9);
  }
}

TEST_SUITE("ex7.3") {
  TEST_CASE("clipping by global norm, worked by hand") {
    Tensor<double> g1 = {3.0}, g2 = {0.0, 4.0};
    // ||g|| = sqrt(3^2 + 0^2 + 4^2) = 5 > 1: both scaled by 1/5
    CHECK(ex::clip_by_global_norm({&g1, &g2}, 1.0) == doctest::Approx(5.0));
    CHECK(g1(0) == doctest::Approx(0.6));
    CHECK(g2(0) == doctest::Approx(0.0));
    CHECK(g2(1) == doctest::Approx(0.8));
    // Each on its own would give (1) and (0, 1): a different direction.
    Tensor<double> e1 = {3.0}, e2 = {0.0, 4.0};
    ex::clip_each_by_norm({&e1, &e2}, 1.0);
    CHECK(e1(0) == doctest::Approx(1.0));
  }

  TEST_CASE("gradients under the limit are left alone") {
    Tensor<double> g1 = {0.3}, g2 = {0.0, -0.4};
    CHECK(ex::clip_by_global_norm({&g1, &g2}, 1.0) == doctest::Approx(0.5));
    CHECK(g1(0) == doctest::Approx(0.3));
    CHECK(g2(1) == doctest::Approx(-0.4));
  }

  TEST_CASE("clipping by global norm agrees with the optimizers' clipnorm") {
    nn::Generator rng(75);
    Tensor<double> w1 = xt::zeros<double>({3, 4}), w2 = xt::zeros<double>({5});
    Tensor<double> g1 = random_tensor({3, 4}, rng, 2.0), g2 = random_tensor({5}, rng, 2.0);
    Tensor<double> c1 = g1, c2 = g2;
    const double norm = ex::clip_by_global_norm({&c1, &c2}, 0.5);
    nn::SGD<double> sgd(1.0);  // w <- 0 - 1 * clipped g
    sgd.clipnorm = 0.5;
    sgd.step({{"a", &w1, &g1}, {"b", &w2, &g2}});
    CHECK(norm == doctest::Approx(sgd.last_grad_norm));
    check_close("first tensor", c1, -w1, 1e-12);
    check_close("second tensor", c2, -w2, 1e-12);
  }
}
