// Chapter 8 checks: the L1/L2 penalties and their gradients, coupled against decoupled
// weight decay, dropout's 1/(1-p), batch normalization's backward worked by hand, the
// augmentation maps, early stopping's bookkeeping, the validation split, that dropout and
// batch normalization switch modes in evaluate/predict, and checkpoints of the new layers.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <sstream>

#include <xtensor/xview.hpp>

#include "nn/augmentation.hpp"
#include "nn/batch_normalization.hpp"
#include "nn/checkpoint.hpp"
#include "nn/conv2d.hpp"
#include "nn/dense.hpp"
#include "nn/dropout.hpp"
#include "nn/early_stopping.hpp"
#include "nn/gradcheck.hpp"
#include "nn/model.hpp"
#include "nn/optimizer.hpp"
#include "nn/regularizer.hpp"
#include "test_support.hpp"

using nn::Tensor;
using nn::test::check_close;

// [l2-worked-example]
TEST_CASE("L2 and L1 penalties of a 2x2 kernel, and their gradients") {
  const Tensor<double> W = {{1.0, -2.0}, {0.5, 0.0}};
  SUBCASE("L2: R = l2 sum w^2, dR/dW = 2 l2 W") {
    // sum w^2 = 1 + 4 + 0.25 + 0 = 5.25;  R = 0.1 * 5.25 = 0.525
    CHECK(nn::penalty(nn::L2(0.1), W) == doctest::Approx(0.525));
    Tensor<double> dW = {{10.0, 10.0}, {10.0, 10.0}};  // gradients accumulate: the penalty adds
    nn::add_penalty_gradient(nn::L2(0.1), W, dW);
    // 2 * 0.1 * W = [[0.2, -0.4], [0.1, 0]], added to 10
    check_close("dW", dW, Tensor<double>{{10.2, 9.6}, {10.1, 10.0}});
  }
  SUBCASE("L1: R = l1 sum |w|, dR/dW = l1 sign(W), 0 at w = 0") {
    // sum |w| = 1 + 2 + 0.5 + 0 = 3.5;  R = 0.01 * 3.5 = 0.035
    CHECK(nn::penalty(nn::L1(0.01), W) == doctest::Approx(0.035));
    Tensor<double> dW = xt::zeros<double>({2, 2});
    nn::add_penalty_gradient(nn::L1(0.01), W, dW);
    check_close("dW", dW, Tensor<double>{{0.01, -0.01}, {0.01, 0.0}});
  }
}
// [l2-worked-example]

TEST_CASE("a dense layer's kernel regularizer: penalty() is R(W) and backward adds dR/dW") {
  nn::Generator rng(3);
  nn::Dense<double> dense(3, nn::Activation::tanh, nn::L1L2(0.01, 0.05));
  dense.build({4}, rng);
  const Tensor<double> x = nn::test::random_tensor({5, 4}, 11);
  const Tensor<double> r = nn::test::random_tensor({5, 3}, 12);
  // L = sum(y * r) + R(W): the data term's gradient is r, the penalty's is added by backward
  auto loss = [&] { return xt::sum(dense.forward(x) * r)() + dense.penalty(); };
  CHECK(dense.penalty() == doctest::Approx(nn::penalty(nn::L1L2(0.01, 0.05), dense.W)));
  dense.zero_grad();
  dense.forward(x);
  dense.backward(r);
  const Tensor<double> dW = dense.dW;
  const auto result = nn::gradcheck(loss, dense.W, dW, "W");
  INFO(result.report());
  CHECK(result.max_rel_error < 1e-7);  // no weight is within h of 0, where |w| has its kink
}

TEST_CASE("a convolution's kernel regularizer passes the gradient checker too") {
  nn::Generator rng(13);
  nn::Conv2D<double> conv(2, 3, nn::Activation::tanh);
  conv.kernel_regularizer = nn::L1L2(0.02, 0.1);
  conv.build({2, 5, 5}, rng);
  const Tensor<double> x = nn::test::random_tensor({2, 2, 5, 5}, 14);
  const Tensor<double> r = nn::test::random_tensor({2, 2, 3, 3}, 15);
  auto loss = [&] { return xt::sum(conv.forward(x) * r)() + conv.penalty(); };
  conv.zero_grad();
  conv.forward(x);
  conv.backward(r);
  const Tensor<double> dW = conv.dW;
  const auto result = nn::gradcheck(loss, conv.W, dW, "W");
  INFO(result.report());
  CHECK(result.max_rel_error < 1e-7);
}

// [decay-worked-example]
TEST_CASE("coupled weight decay is divided by Adam's sqrt(v); AdamW's decoupled decay is not") {
  // One weight w = 1 whose data gradient is 0; lr = 0.1, lambda = 0.01.
  Tensor<double> w = {1.0}, g = {0.0};
  std::vector<nn::Param<double>> params = {{"w", &w, &g}};
  SUBCASE("Adam, coupled: g' = g + lambda w = 0.01, then Adam's step") {
    nn::Adam<double> adam(0.1);
    adam.weight_decay = 0.01;
    adam.step(params);
    // m = 0.1 * 0.01 = 0.001, v = 0.001 * 0.01^2 = 1e-7; bias-corrected m^ = 0.01, v^ = 1e-4
    // w <- 1 - 0.1 * 0.01 / (sqrt(1e-4) + 1e-7) = 1 - 0.0999990 = 0.900001:
    // a step of about lr, whatever lambda is, because g'/sqrt(v^) = 1
    CHECK(w(0) == doctest::Approx(1 - 0.1 * 0.01 / (0.01 + 1e-7)).epsilon(1e-12));
  }
  SUBCASE("AdamW, decoupled: w <- w - lr lambda w, then Adam on g = 0 (no step)") {
    nn::AdamW<double> adamw(0.1, 0.01);
    adamw.step(params);
    CHECK(w(0) == doctest::Approx(0.999));  // 1 - 0.1 * 0.01 * 1
  }
  SUBCASE("with plain SGD the two are the same update") {
    nn::SGD<double> sgd(0.1);
    sgd.weight_decay = 0.01;
    sgd.step(params);
    CHECK(w(0) == doctest::Approx(0.999));  // 1 - 0.1 * (0 + 0.01 * 1)
  }
}
// [decay-worked-example]

// [dropout-worked-example]
TEST_CASE("dropout with p = 0.5 and a given mask: kept values doubled, dropped ones zero") {
  nn::Generator rng(1);
  nn::Dropout<double> dropout(0.5);
  dropout.build({3}, rng);
  dropout.fixed_mask = true;
  dropout.mask = {{2.0, 0.0, 2.0}, {0.0, 2.0, 2.0}};  // kept: 1/(1 - 0.5) = 2; dropped: 0
  const Tensor<double> x = {{1, 2, 3}, {4, 5, 6}};
  SUBCASE("forward in training: y = x * m") {
    CHECK(dropout.forward(x) == Tensor<double>{{2, 0, 6}, {0, 10, 12}});
  }
  SUBCASE("backward: dx = dy * m") {
    dropout.forward(x);
    const Tensor<double> dy = {{1, 1, 1}, {0.5, 0.5, 0.5}};
    CHECK(dropout.backward(dy) == Tensor<double>{{2, 0, 2}, {0, 1, 1}});
  }
  SUBCASE("inference: y = x, no scaling") {
    dropout.set_training(false);
    CHECK(dropout.forward(x) == x);
  }
  SUBCASE("the gradient checker agrees, with the mask held fixed") {
    const auto r = nn::gradcheck_layer(dropout, x);
    INFO(r.report());
    CHECK(r.max_rel_error < 1e-7);
  }
}
// [dropout-worked-example]

TEST_CASE("dropout keeps about 1 - p of the units and keeps the mean: E[y] = x") {
  nn::Generator rng(5);
  nn::Dropout<double> dropout(0.25);
  dropout.build({100}, rng);
  const Tensor<double> x = nn::test::filled({100, 100}, 1.0);
  const Tensor<double> y = dropout.forward(x);
  std::size_t zeros = 0;
  for (double v : y) zeros += v == 0.0;
  // 10,000 draws: the fraction dropped has standard deviation sqrt(0.25 * 0.75 / 1e4) = 0.0043
  CHECK(double(zeros) / 1e4 == doctest::Approx(0.25).epsilon(0.08));  // within 0.02
  // kept values are 1/(1 - 0.25) = 4/3, so the mean is (1 - dropped) * 4/3, about 1
  CHECK(xt::mean(y)() == doctest::Approx(1.0).epsilon(0.03));
  for (double v : y) CHECK((v == 0.0 || v == doctest::Approx(4.0 / 3.0)));
}

TEST_CASE("dropout's masks follow from the model's seed") {
  auto masks = [](std::uint64_t seed) {
    nn::Sequential<double> model({6}, seed);
    auto& d = model.add(nn::Dropout<double>(0.5));
    model.forward(nn::test::filled({4, 6}, 1.0));
    return d.mask;
  };
  CHECK(masks(42) == masks(42));
  CHECK(masks(42) != masks(43));
}

// [batchnorm-worked-example]
TEST_CASE("batch normalization of a 2x3 batch, worked by hand (epsilon = 0)") {
  nn::Generator rng(1);
  nn::BatchNormalization<double> bn(0.99, 0.0);
  CHECK(bn.build({3}, rng) == nn::Shape{3});
  // Each column is one feature over N = M = 2 examples:
  //   column 0: 1, 3  -> mean 2, variance ((1-2)^2 + (3-2)^2)/2 = 1, std 1
  //   column 1: 2, 6  -> mean 4, variance 4, std 2
  //   column 2: 3, 9  -> mean 6, variance 9, std 3
  const Tensor<double> x = {{1, 2, 3}, {3, 6, 9}};
  bn.gamma = {1.0, 2.0, 0.5};
  bn.beta = {0.0, 1.0, -1.0};
  SUBCASE("forward: xhat = -1 and +1 in every column, y = gamma xhat + beta") {
    CHECK(bn.forward(x) == Tensor<double>{{-1, -1, -1.5}, {1, 3, -0.5}});
    // running averages: 0.99 * 0 + 0.01 * mean, and 0.99 * 1 + 0.01 * variance
    check_close("moving_mean", bn.moving_mean, Tensor<double>{0.02, 0.04, 0.06});
    check_close("moving_variance", bn.moving_variance, Tensor<double>{1.0, 1.03, 1.08});
  }
  SUBCASE("backward: dgamma = sum dy xhat, dbeta = sum dy, and dx = 0") {
    bn.forward(x);
    const Tensor<double> dy = {{1, 0, 2}, {3, 1, -2}};
    const Tensor<double>& dx = bn.backward(dy);
    // dgamma = -1*1 + 1*3 = 2,  -1*0 + 1*1 = 1,  -1*2 + 1*(-2) = -4
    check_close("dgamma", bn.dgamma, Tensor<double>{2, 1, -4});
    check_close("dbeta", bn.dbeta, Tensor<double>{4, 1, 0});  // column sums of dy
    // With two examples xhat is -1 and +1 whatever x is, so y does not depend on x at all:
    // column 0, dx = g/M (M dy - sum dy - xhat sum dy xhat) = 1/2 (2*1 - 4 - (-1)*2) = 0, ...
    for (double v : dx) CHECK(v == doctest::Approx(0.0).scale(1.0));
  }
  SUBCASE("inference: the running averages replace the batch's statistics") {
    bn.forward(x);  // one training step: moving_mean (0.02, 0.04, 0.06), moving_variance (1, 1.03, 1.08)
    bn.set_training(false);
    const Tensor<double>& y = bn.forward(x);
    // first element: gamma (x - 0.02)/sqrt(1.0) + beta = 1 * (1 - 0.02) + 0 = 0.98
    CHECK(y(0, 0) == doctest::Approx(0.98));
    // second column, second row: 2 * (6 - 0.04)/sqrt(1.03) + 1
    CHECK(y(1, 1) == doctest::Approx(2 * 5.96 / std::sqrt(1.03) + 1));
  }
}
// [batchnorm-worked-example]

// [batchnorm-backward-example]
TEST_CASE("batch normalization backward on one feature of five values (epsilon = 0)") {
  nn::Generator rng(1);
  nn::BatchNormalization<double> bn(0.99, 0.0);
  bn.build({1}, rng);
  // x = 0, 0, 0, 0, 5: mean 1, deviations -1, -1, -1, -1, 4, variance (4 + 16)/5 = 4, std 2
  // xhat = -0.5, -0.5, -0.5, -0.5, 2
  const Tensor<double> x = nn::column({0.0, 0.0, 0.0, 0.0, 5.0});
  check_close("y", bn.forward(x), nn::column({-0.5, -0.5, -0.5, -0.5, 2.0}));
  // dy = 1 on the first example only: sum dy = 1, sum dy xhat = -0.5, g/M = (1/2)/5 = 0.1
  // dx_0 = 0.1 (5*1 - 1 - (-0.5)(-0.5)) = 0.1 * 3.75 = 0.375
  // dx_1..3 = 0.1 (0 - 1 - (-0.5)(-0.5)) = -0.125;  dx_4 = 0.1 (0 - 1 - 2*(-0.5)) = 0
  const Tensor<double> dy = nn::column({1.0, 0.0, 0.0, 0.0, 0.0});
  check_close("dx", bn.backward(dy), nn::column({0.375, -0.125, -0.125, -0.125, 0.0}));
  // the gradients sum to 0: shifting every x by the same amount changes no output
}
// [batchnorm-backward-example]

TEST_CASE("batch normalization passes the gradient checker on (N, D) and (N, C, H, Wd)") {
  nn::Generator rng(2);
  for (const bool training : {true, false}) {
    CAPTURE(training);
    nn::BatchNormalization<double> dense_bn;
    dense_bn.build({4}, rng);
    dense_bn.gamma = nn::test::random_tensor({4}, rng);
    dense_bn.beta = nn::test::random_tensor({4}, rng);
    dense_bn.set_training(training);
    const auto r1 = nn::gradcheck_layer(dense_bn, nn::test::random_tensor({6, 4}, 21, 2.0));
    INFO("(N, D): ", r1.report());
    CHECK(r1.max_rel_error < 1e-6);

    nn::BatchNormalization<double> conv_bn;
    conv_bn.build({3, 4, 5}, rng);
    conv_bn.gamma = nn::test::random_tensor({3}, rng);
    conv_bn.set_training(training);
    const auto r2 = nn::gradcheck_layer(conv_bn, nn::test::random_tensor({2, 3, 4, 5}, 22, 2.0));
    INFO("(N, C, H, Wd): ", r2.report());
    CHECK(r2.max_rel_error < 1e-6);
  }
}

TEST_CASE("batch normalization of images normalises each channel over N, H and Wd") {
  nn::Generator rng(4);
  nn::BatchNormalization<double> bn;
  bn.build({2, 3, 3}, rng);
  const Tensor<double> x = nn::test::random_tensor({4, 2, 3, 3}, 9, 3.0);
  const Tensor<double> y = bn.forward(x);
  for (std::size_t c = 0; c < 2; ++c) {
    const Tensor<double> channel = xt::view(y, xt::all(), c, xt::all(), xt::all());
    CHECK(xt::mean(channel)() == doctest::Approx(0.0).scale(1.0));
    // variance / (variance + 0.001): just under 1
    const double var = xt::mean(channel * channel)();
    CHECK(var < 1.0);
    CHECK(var > 0.99);
  }
}

// [modes-test]
TEST_CASE("evaluate and predict switch dropout and batch normalization to inference") {
  nn::Sequential<double> model({4}, 7);
  model.add(nn::Dense<double>(8, nn::Activation::relu));
  model.add(nn::BatchNormalization<double>());
  model.add(nn::Dropout<double>(0.5));
  model.add(nn::Dense<double>(3));
  model.compile(nn::SGD<double>(0.1), nn::SoftmaxCrossEntropy<double>(), {"accuracy"});
  const Tensor<double> x = nn::test::random_tensor({16, 4}, 3);
  const Tensor<double> y = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0};
  model.fit(x, y, {.epochs = 2, .batch_size = 4, .verbose = 0});
  // Inference is deterministic and per example: predicting twice, or one example alone, agrees.
  const Tensor<double> p1 = model.predict(x), p2 = model.predict(x);
  CHECK(p1 == p2);
  const Tensor<double> one = model.predict(xt::view(x, xt::range(0, 1), xt::all()));
  CHECK(xt::allclose(one, xt::view(p1, xt::range(0, 1), xt::all())));
  // evaluate's loss is the loss of predict's outputs
  nn::SoftmaxCrossEntropy<double> ce;
  CHECK(model.evaluate(x, y).loss == doctest::Approx(ce.forward(p1, y)));
  // and both leave the model in training mode for the next fit
  for (const auto& layer : model.layers()) CHECK(layer->training());
  // In training mode the same batch gives other outputs: new masks, the batch's own statistics.
  const Tensor<double> t = model.forward(x);
  CHECK(!xt::allclose(t, p1));
}
// [modes-test]

// [augmentation-example]
TEST_CASE("the augmentation maps: a shift and a quarter turn of a 3x3 image") {
  // pixels numbered 0 1 2 / 3 4 5 / 6 7 8
  SUBCASE("shift down one row: row 0 is filled with 0 (-1), row r takes row r - 1") {
    CHECK(nn::shift_map(3, 3, 1, 0) == std::vector<std::ptrdiff_t>{-1, -1, -1, 0, 1, 2, 3, 4, 5});
  }
  SUBCASE("shift left one column") {
    CHECK(nn::shift_map(3, 3, 0, -1) == std::vector<std::ptrdiff_t>{1, 2, -1, 4, 5, -1, 7, 8, -1});
  }
  SUBCASE("a quarter turn: every pixel lands on the grid, the centre stays") {
    // output (r, c) takes input (1 + 0*(r-1) - 1*(c-1), 1 + 1*(r-1) + 0*(c-1)) = (2 - c, r)
    CHECK(nn::rotation_map(3, 3, std::numbers::pi / 2) ==
          std::vector<std::ptrdiff_t>{6, 3, 0, 7, 4, 1, 8, 5, 2});
  }
  SUBCASE("angle 0 is the identity") {
    CHECK(nn::rotation_map(3, 3, 0.0) == nn::shift_map(3, 3, 0, 0));
  }
}
// [augmentation-example]

TEST_CASE("augmentation layers: random in training, identity in inference, backward the transpose") {
  nn::Generator rng(6);
  nn::RandomTranslation<double> shift(0.2, 0.2);
  nn::RandomRotation<double> rotate(0.05);
  for (nn::RandomWarp<double>* warp : {static_cast<nn::RandomWarp<double>*>(&shift),
                                       static_cast<nn::RandomWarp<double>*>(&rotate)}) {
    CAPTURE(warp->kind());
    warp->build({2, 10, 10}, rng);
    const Tensor<double> x = nn::test::random_tensor({3, 2, 10, 10}, 4);
    const Tensor<double> y = warp->forward(x);
    CHECK(y != x);  // with these seeds, at least one image moved
    // The warp is linear, y = A x; backward must be A^T: <A x, dy> = <x, A^T dy> for any dy.
    const Tensor<double> dy = nn::test::random_tensor({3, 2, 10, 10}, 5);
    const Tensor<double> dx = warp->backward(dy);
    CHECK(xt::sum(y * dy)() == doctest::Approx(xt::sum(x * dx)()));
    warp->set_training(false);
    CHECK(warp->forward(x) == x);
  }
}

// [early-stopping-example]
TEST_CASE("early stopping's bookkeeping with patience 2 and min_delta 0.005") {
  nn::EarlyStopping es{.monitor = "val_loss", .min_delta = 0.005, .patience = 2};
  // epoch  val_loss  improved?                       wait  stop?
  //   0     1.00     first value                     0     no
  //   1     0.80     0.80 + 0.005 < 1.00             0     no
  //   2     0.81     no                              1     no
  //   3     0.797    0.797 + 0.005 < 0.80? no        2     yes: wait reached patience
  CHECK_FALSE(es.update(0, 1.00));
  CHECK_FALSE(es.update(1, 0.80));
  CHECK_FALSE(es.update(2, 0.81));
  CHECK(es.wait == 1);
  CHECK(es.update(3, 0.797));
  CHECK(es.best == 0.80);
  CHECK(es.best_epoch == 1);
  CHECK(es.stopped_epoch == 3);
  SUBCASE("an accuracy is maximised") {
    nn::EarlyStopping acc{.monitor = "val_accuracy", .patience = 1};
    CHECK_FALSE(acc.update(0, 0.5));
    CHECK_FALSE(acc.update(1, 0.6));
    CHECK(acc.best == 0.6);
    CHECK(acc.update(2, 0.55));
  }
}
// [early-stopping-example]

namespace {
// A small classification task on which a wide net overfits within a few epochs.
struct Toy {
  Tensor<double> x = nn::test::random_tensor({40, 5}, 8);
  Tensor<double> y = Tensor<double>::from_shape({40});
  Toy() {
    nn::Generator rng(9);
    for (std::size_t n = 0; n < 40; ++n) y(n) = double(rng.below(3));  // random labels: memorised, never generalised
  }
};
}  // namespace

TEST_CASE("fit with early stopping stops, and restores the weights of the best epoch") {
  Toy toy;
  nn::Sequential<double> model({5}, 1);
  model.add(nn::Dense<double>(64, nn::Activation::relu));
  model.add(nn::Dense<double>(3));
  model.compile(nn::Adam<double>(0.01), nn::SoftmaxCrossEntropy<double>(), {"accuracy"});
  nn::FitOptions<double> options{.epochs = 60, .batch_size = 8, .verbose = 1};
  options.validation_split = 0.25;
  options.early_stopping = nn::EarlyStopping{.patience = 3, .restore_best_weights = true};
  std::ostringstream log;
  const nn::History h = model.fit(toy.x, toy.y, options, &log);
  const auto& val = h.values.at("val_loss");
  CHECK(val.size() < 60);  // on random labels the validation loss rises soon
  const auto best = std::min_element(val.begin(), val.end()) - val.begin();
  CHECK(val.size() == std::size_t(best) + 4);  // stopped 3 epochs after the best
  CHECK(log.str().find("early stopping") != std::string::npos);
  CHECK(log.str().find("best epoch: " + std::to_string(best + 1)) != std::string::npos);
  // 30 training examples in batches of 8: 4 steps; the 10 held out are never trained on
  CHECK(log.str().find("4/4") != std::string::npos);
}

TEST_CASE("validation_split is drawn from the seed and refuses nonsense") {
  Toy toy;
  auto run = [&](std::uint64_t seed) {
    nn::Sequential<double> model({5}, seed);
    model.add(nn::Dense<double>(3));
    model.compile(nn::SGD<double>(0.1), nn::SoftmaxCrossEntropy<double>(), {"accuracy"});
    nn::FitOptions<double> options{.epochs = 2, .verbose = 0};
    options.validation_split = 0.2;
    return model.fit(toy.x, toy.y, options).values.at("val_loss");
  };
  CHECK(run(3) == run(3));
  CHECK(run(3) != run(4));
  nn::Sequential<double> model({5});
  model.add(nn::Dense<double>(3));
  model.compile(nn::SGD<double>(0.1), nn::SoftmaxCrossEntropy<double>());
  nn::FitOptions<double> bad{.verbose = 0};
  bad.validation_split = 1.0;
  CHECK_THROWS_AS(model.fit(toy.x, toy.y, bad), std::invalid_argument);
  bad.validation_split = 0.2;
  bad.validation_data = {&toy.x, &toy.y};
  CHECK_THROWS_AS(model.fit(toy.x, toy.y, bad), std::invalid_argument);
  nn::FitOptions<double> no_val{.verbose = 0};
  no_val.early_stopping = nn::EarlyStopping{};
  CHECK_THROWS_AS(model.fit(toy.x, toy.y, no_val), std::invalid_argument);
}

TEST_CASE("fit reports the penalty beside the data loss") {
  Toy toy;
  nn::Sequential<double> model({5}, 2);
  // [dense-l2]
  model.add(nn::Dense<double>(4, nn::Activation::relu, nn::L2(0.01)));
  // [dense-l2]
  model.add(nn::Dense<double>(3));
  model.compile(nn::SGD<double>(0.1), nn::SoftmaxCrossEntropy<double>());
  std::ostringstream log;
  const nn::History h = model.fit(toy.x, toy.y, {.epochs = 1, .verbose = 1}, &log);
  REQUIRE(h.values.count("penalty"));
  CHECK(h.values.at("penalty")[0] > 0);
  CHECK(log.str().find("penalty: ") != std::string::npos);
}

TEST_CASE("a checkpoint keeps batch normalization's running averages") {
  nn::test::TempDir dir;
  auto make = [] {
    nn::Sequential<double> m({3}, 5);
    m.add(nn::Dense<double>(4));
    m.add(nn::BatchNormalization<double>());
    m.add(nn::Dropout<double>(0.2));
    m.add(nn::Dense<double>(2));
    return m;
  };
  nn::Sequential<double> a = make();
  a.forward(nn::test::random_tensor({8, 3}, 1, 3.0));  // moves the running averages
  nn::save_checkpoint(a, dir / "bn.nnck");
  nn::Sequential<double> b = make();
  nn::load_checkpoint(b, dir / "bn.nnck");
  auto& bn_a = dynamic_cast<nn::BatchNormalization<double>&>(*a.layers()[1]);
  auto& bn_b = dynamic_cast<nn::BatchNormalization<double>&>(*b.layers()[1]);
  CHECK(bn_a.moving_mean != xt::zeros<double>({4}));
  CHECK(bn_b.moving_mean == bn_a.moving_mean);
  CHECK(bn_b.moving_variance == bn_a.moving_variance);
  const Tensor<double> x = nn::test::random_tensor({2, 3}, 2);
  CHECK(a.predict(x) == b.predict(x));
}

// [linear-collapse]
TEST_CASE("two dense layers without an activation are one dense layer") {
  nn::Generator rng(3);
  nn::Dense<double> first(4), second(2);
  first.build({3}, rng);
  second.build({4}, rng);
  first.b = nn::test::random_tensor({4}, rng);
  second.b = nn::test::random_tensor({2}, rng);
  // (x W1 + b1) W2 + b2 = x (W1 W2) + (b1 W2 + b2): one layer with W = W1 W2, b = b1 W2 + b2
  nn::Dense<double> one(2);
  one.build({3}, rng);
  one.W = xt::zeros<double>({3, 2});
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 2; ++j)
      for (std::size_t k = 0; k < 4; ++k) one.W(i, j) += first.W(i, k) * second.W(k, j);
  one.b = second.b;
  for (std::size_t j = 0; j < 2; ++j)
    for (std::size_t k = 0; k < 4; ++k) one.b(j) += first.b(k) * second.W(k, j);
  const Tensor<double> x = nn::test::random_tensor({5, 3}, 4);
  check_close("two layers vs one", second.forward(first.forward(x)), one.forward(x), 1e-12);
}
// [linear-collapse]
