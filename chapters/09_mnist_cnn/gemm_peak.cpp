// The machine's arithmetic floor for training the capstone: how fast this machine
// multiplies matrices, how much multiplying one training step needs, and so the
// least time an epoch can take. ./nnbook bench prints it beside the epoch times
// it measures, in the same run, since the same kind of machine differs from day to day.
//
//   gemm_peak [--size 1024] [--repeats 5] [--examples 60000] [--json PATH]
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <vector>

#include "nn/conv2d.hpp"
#include "nn/dense.hpp"
#include "nn/files.hpp"
#include "nn/flatten.hpp"
#include "nn/gemm.hpp"
#include "nn/model.hpp"
#include "nn/parallel.hpp"
#include "nn/pooling.hpp"

using nn::Activation;

namespace {

// [gemm-peak]
// Every thread multiplies its own pair of S x S matrices, the way the library
// runs BLAS (single-threaded, one product per thread): the rate the whole
// machine sustains, in GFLOP/s, best of `repeats`.
double sgemm_peak(std::size_t S, int repeats) {
  const std::size_t threads = nn::thread_count();
  std::vector<std::vector<float>> A(threads, std::vector<float>(S * S, 0.5f)),
      B(threads, std::vector<float>(S * S, 0.25f)), C(threads, std::vector<float>(S * S));
  double best = 1e300;
  for (int r = 0; r <= repeats; ++r) {  // r = 0 warms up (page faults, packing buffers)
    const auto t0 = std::chrono::steady_clock::now();
    nn::parallel_slices(threads, [&](std::size_t, std::size_t, std::size_t t) {
      nn::gemm(false, false, S, S, S, 1.f, A[t].data(), B[t].data(), 0.f, C[t].data());
    });
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (r > 0) best = std::min(best, s);
  }
  return 2.0 * double(S) * double(S) * double(S) * double(threads) / best * 1e-9;
}
// [gemm-peak]

// [step-flops]
// Multiply-adds of one example through the capstone, layer by layer, counted from
// the shapes: a convolution does F*Ho*Wo*C*K*K of them, a dense layer D*U. The
// backward pass repeats each product once for dW and once more for dx, except
// where nobody reads dx (the first layer). Pooling, activations and the optimizer
// are left out: they are memory traffic, not arithmetic.
struct StepFlops {
  double forward = 0, backward = 0;
};

StepFlops capstone_flops() {
  nn::Sequential<float> model({1, 28, 28});
  model.add(nn::Conv2D(32, 3, Activation::relu));
  model.add(nn::MaxPool2D(2));
  model.add(nn::Conv2D(64, 3, Activation::relu));
  model.add(nn::MaxPool2D(2));
  model.add(nn::Conv2D(64, 3, Activation::relu));
  model.add(nn::Flatten());
  model.add(nn::Dense(64, Activation::relu));
  model.add(nn::Dense(10));
  StepFlops f;
  const auto& layers = model.layers();
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const nn::Shape out = i + 1 < layers.size() ? layers[i + 1]->in_shape() : model.output_shape();
    const nn::Shape& in = layers[i]->in_shape();
    double macs = 0;
    if (auto* conv = dynamic_cast<nn::Conv2D<float>*>(layers[i].get()))
      macs = double(nn::element_count(out)) * double(in[0]) * double(conv->kernel_size() * conv->kernel_size());
    else if (layers[i]->kind() == "dense")
      macs = double(in[0]) * double(out[0]);
    f.forward += 2 * macs;
    f.backward += 2 * macs * (layers[i]->input_gradient() ? 2 : 1);
  }
  return f;
}
// [step-flops]

}  // namespace

int main(int argc, char** argv) {
  nn::ensure_fast_blas(argv);
  CLI::App app{"The sgemm peak of this machine and the capstone's arithmetic floor per epoch"};
  std::size_t size = 1024, examples = 60000;
  int repeats = 5;
  std::string json;
  app.add_option("--size", size, "matrix size S of the S x S products")
      ->check(CLI::Range(std::size_t{64}, std::size_t{8192}))->capture_default_str();
  app.add_option("--repeats", repeats, "timed repeats (the best counts)")
      ->check(CLI::Range(1, 1000))->capture_default_str();
  app.add_option("--examples", examples, "examples per epoch")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000000}))->capture_default_str();
  app.add_option("--json", json, "also write the numbers to this file");
  CLI11_PARSE(app, argc, argv);
  try {
    const double peak = sgemm_peak(size, repeats);
    const StepFlops f = capstone_flops();
    const double per_example = f.forward + f.backward;
    const double floor = double(examples) * per_example / (peak * 1e9);
    std::printf("%s; %zu threads\n", nn::blas_description().c_str(), nn::thread_count());
    std::printf("sgemm peak: %.1f GFLOP/s (%zu threads, each one %zux%zu product, best of %d)\n",
                peak, nn::thread_count(), size, size, repeats);
    std::printf("capstone: %.2f MFLOP per example per training step (forward %.2f, backward %.2f)\n",
                per_example * 1e-6, f.forward * 1e-6, f.backward * 1e-6);
    std::printf("floor: %zu examples per epoch need at least %.2f s at that peak\n", examples, floor);
    if (!json.empty()) {
      std::ostringstream s;
      s << "{\"peak_gflops\": " << peak << ", \"threads\": " << nn::thread_count()
        << ", \"flops_per_example\": " << per_example << ", \"forward_flops\": " << f.forward
        << ", \"backward_flops\": " << f.backward << ", \"examples\": " << examples
        << ", \"floor_seconds\": " << floor << "}\n";
      nn::write_file_atomically(json, s.str(), "the floor");
    }
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
