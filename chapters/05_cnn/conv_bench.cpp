// Times forward + backward of the capstone's three convolutions at batch 64 and
// compares each with the matrix multiplies alone: what im2col, col2im, the bias
// and the activation add on top of the GEMMs.
//   conv_bench [repeats]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "nn/cli.hpp"
#include "nn/conv2d.hpp"
#include "nn/gemm.hpp"

using nn::Tensor;

namespace {

using Clock = std::chrono::steady_clock;
double ms(Clock::time_point t0, Clock::time_point t1) {
  return std::chrono::duration<double, std::milli>(t1 - t0).count();
}

Tensor<float> random_tensor(const nn::Shape& shape, nn::Generator& rng) {
  Tensor<float> t = Tensor<float>::from_shape(shape);
  for (auto& v : t) v = static_cast<float>(rng.uniform(-1.0, 1.0));
  return t;
}

struct Case {
  const char* name;
  std::size_t C, H, F;
};

}  // namespace

int main(int argc, char** argv) {
  nn::ensure_fast_blas(argv);
  CLI::App app{"Chapter 5: forward and backward of the capstone's convolutions, timed"};
  int repeats = 20;
  app.add_option("repeats", repeats, "runs of each pass; the best time is reported")
      ->check(nn::cli::count(1, 100000))
      ->capture_default_str();
  return nn::cli::run(app, argc, argv, [&] {
    const std::size_t N = 64, K = 3;
    std::printf("%s\n", nn::blas_description().c_str());
    std::printf("batch %zu, 3x3 kernels, ReLU, best of %d runs\n\n", N, repeats);
    std::printf("%-16s %9s %9s %9s %9s %10s %10s\n", "layer", "fwd ms", "bwd ms", "fwd GF/s",
                "bwd GF/s", "gemm fwd", "gemm bwd");

    nn::Generator rng(1);
    for (const Case& c : {Case{"1->32, 28x28", 1, 28, 32}, Case{"32->64, 13x13", 32, 13, 64},
                          Case{"64->64, 5x5", 64, 5, 64}}) {
      nn::Conv2D<float> conv(c.F, K, nn::Activation::relu);
      const nn::Shape out = conv.build({c.C, c.H, c.H}, rng);
      const Tensor<float> x = random_tensor({N, c.C, c.H, c.H}, rng);
      const Tensor<float> dy = random_tensor(nn::batch_of(N, out), rng);
      conv.forward(x);  // sizes the buffers
      conv.backward(dy);

      // The same products alone: z = W·cols (forward);
      // dW += dz·colsᵀ and dcols = Wᵀ·dz (backward).
      const std::size_t M = c.F, CKK = c.C * K * K, NP = N * out[1] * out[2];
      std::vector<float> W(M * CKK, 0.5f), cols(CKK * NP, 0.5f), z(M * NP), dW(M * CKK),
          dcols(CKK * NP);

      // The best time of each part; the layer and its products alone take turns in
      // one loop, so that both see the same machine (caches, other processes).
      double fwd = 1e300, bwd = 1e300, gemm_fwd = 1e300, gemm_bwd = 1e300;
      for (int r = 0; r < repeats; ++r) {
        const auto t0 = Clock::now();
        conv.forward(x);
        const auto t1 = Clock::now();
        conv.backward(dy);
        const auto t2 = Clock::now();
        nn::gemm(false, false, M, NP, CKK, 1.f, W.data(), cols.data(), 0.f, z.data());
        const auto t3 = Clock::now();
        nn::gemm(false, true, M, CKK, NP, 1.f, z.data(), cols.data(), 1.f, dW.data());
        nn::gemm(true, false, CKK, NP, M, 1.f, W.data(), z.data(), 0.f, dcols.data());
        const auto t4 = Clock::now();
        fwd = std::min(fwd, ms(t0, t1));
        bwd = std::min(bwd, ms(t1, t2));
        gemm_fwd = std::min(gemm_fwd, ms(t2, t3));
        gemm_bwd = std::min(gemm_bwd, ms(t3, t4));
      }

      const double flops = 2.0 * double(M) * double(CKK) * double(NP);  // one GEMM
      std::printf("%-16s %9.3f %9.3f %9.1f %9.1f %9.0f%% %9.0f%%\n", c.name, fwd, bwd,
                  flops / fwd * 1e-6, 2 * flops / bwd * 1e-6, 100 * gemm_fwd / fwd,
                  100 * gemm_bwd / bwd);
    }
    std::printf("\n'gemm' columns: the share of each pass spent in its matrix products alone.\n");
    return 0;
  });
}
