// The machine's limits and the capstone's arithmetic: the floor any implementation of
// the network must stay above. Then each fast kernel of chapter 10 beside its plain
// reference, timed in CPU time (steady on a busy machine) on one thread.
//   speed_bench [repeats]
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "nn/cli.hpp"
#include "nn/conv2d.hpp"
#include "nn/gemm.hpp"
#include "nn/parallel.hpp"
#include "nn/pooling.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

using nn::Tensor;

namespace {

double thread_cpu_ms() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return 1e3 * double(t.tv_sec) + 1e-6 * double(t.tv_nsec);
}

// The least CPU time of `repeats` runs of f on this thread, in ms.
template <class F>
double best_cpu_ms(int repeats, const F& f) {
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const double t0 = thread_cpu_ms();
    f();
    best = std::min(best, thread_cpu_ms() - t0);
  }
  return best;
}

// One line: `label` and the best CPU times of `plain` and of `fast`.
template <class Plain, class Fast>
void compare(const std::string& label, int repeats, const Plain& plain, const Fast& fast) {
  std::printf("%-40s %10.3f %10.3f\n", label.c_str(), best_cpu_ms(repeats, plain),
              best_cpu_ms(repeats, fast));
}

// One convolution two ways, `plain` (im2col + GEMM) and `fast` (the path named `fast_name`):
// a line each for forward and backward, after a first step that sizes their buffers.
void compare_convolutions(const char* layer, const char* fast_name, int repeats, nn::Conv2D<float>& plain,
                          nn::Conv2D<float>& fast, const Tensor<float>& x, const Tensor<float>& da) {
  plain.forward(x), fast.forward(x), plain.backward(da), fast.backward(da);
  const std::string ways = std::string(": im2col | ") + fast_name;
  compare(layer + (" forward" + ways), repeats, [&] { plain.forward(x); }, [&] { fast.forward(x); });
  compare(layer + (" backward" + ways), repeats, [&] { plain.backward(da); },
          [&] { fast.backward(da); });
}

Tensor<float> random_tensor(const nn::Shape& shape, nn::Generator& rng) {
  Tensor<float> t = Tensor<float>::from_shape(shape);
  for (auto& v : t) v = static_cast<float>(rng.uniform(-1.0, 1.0));
  return t;
}

// [capstone-flops]
// Multiply-adds count 2 flops. Per image: a convolution's GEMM is (F x C*K*K) times
// (C*K*K x Ho*Wo); a dense layer's is (1 x D) times (D x U). Backward does the same
// product twice (dW, and dx unless it is the first layer), forward once.
struct LayerFlops {
  const char* name;
  double forward, backward;
};
std::vector<LayerFlops> capstone_flops() {
  auto conv = [](double C, double F, double K, double Ho) { return 2 * F * C * K * K * Ho * Ho; };
  auto dense = [](double D, double U) { return 2 * D * U; };
  return {{"conv2d", conv(1, 32, 3, 26), conv(1, 32, 3, 26)},  // first layer: no dx
          {"conv2d_1", conv(32, 64, 3, 11), 2 * conv(32, 64, 3, 11)},
          {"conv2d_2", conv(64, 64, 3, 3), 2 * conv(64, 64, 3, 3)},
          {"dense", dense(576, 64), 2 * dense(576, 64)},
          {"dense_1", dense(64, 10), 2 * dense(64, 10)}};
}
// [capstone-flops]

}  // namespace

int main(int argc, char** argv) {
  nn::ensure_fast_blas(argv);
  CLI::App app{"Chapter 10: the machine's limits, the capstone's arithmetic, plain against fast kernels"};
  int repeats = 5;
  app.add_option("repeats", repeats, "runs of each measurement; the best CPU time is reported")
      ->check(nn::cli::count(1, 100000))
      ->capture_default_str();
  return nn::cli::run(app, argc, argv, [&] {
    const std::size_t threads = nn::thread_count();
    std::printf("%s\n%zu threads; best of %d runs, CPU time of one thread\n\n",
                nn::blas_description().c_str(), threads, repeats);

    // [machine-peak]
    // The machine: single-precision GEMM at a size where it runs at its best (one
    // thread, like each of the library's threads), and the speed of copying memory.
    const std::size_t n = 512;
    std::vector<float> A(n * n, 0.5f), B(n * n, 0.25f), C(n * n);
    const double gemm_ms = best_cpu_ms(repeats, [&] {
      nn::gemm(false, false, n, n, n, 1.f, A.data(), B.data(), 0.f, C.data());
    });
    const double peak = 2.0 * n * n * n / gemm_ms * 1e-6;  // GFLOP/s of one thread
    std::vector<float> src(16 << 20, 1.f), dst(16 << 20);  // 64 MB each: far beyond the caches
    const double copy_ms = best_cpu_ms(repeats, [&] {
      std::memcpy(dst.data(), src.data(), src.size() * sizeof(float));
    });
    const double bandwidth = 2.0 * double(src.size() * sizeof(float)) / copy_ms * 1e-6;  // GB/s
    std::printf("sgemm %zux%zux%zu:  %6.1f GFLOP/s per thread\n", n, n, n, peak);
    std::printf("memory copy:      %6.1f GB/s (read + write) per thread\n", bandwidth);
    std::printf("ridge point:      %6.1f flops per byte: below it a kernel waits for memory\n\n",
                peak / bandwidth);
    // [machine-peak]

    // [capstone-floor]
    double total = 0;
    std::printf("%-10s %12s %12s\n", "layer", "MFLOP fwd", "MFLOP bwd");
    for (const auto& l : capstone_flops()) {
      std::printf("%-10s %12.3f %12.3f\n", l.name, l.forward * 1e-6, l.backward * 1e-6);
      total += l.forward + l.backward;
    }
    const double epoch = 60000 * total;
    std::printf("per image and step: %.2f MFLOP; a 60,000-image epoch: %.3f TFLOP\n",
                total * 1e-6, epoch * 1e-12);
    std::printf("floor at this peak on %zu thread(s): %.2f s per epoch\n\n", threads,
                epoch / (peak * 1e9 * double(threads)));
    // [capstone-floor]

    // Each fast kernel beside its plain reference, batch 64, on this thread alone.
  #ifdef _OPENMP
    omp_set_num_threads(1);
  #endif
    nn::Generator rng(1);
    const std::size_t N = 64;
    std::printf("%-40s %10s %10s\n", "kernel (batch 64, one thread)", "plain ms", "fast ms");
    {
      nn::Conv2D<float> plain(32, 3, nn::Activation::relu), fast(32, 3, nn::Activation::relu);
      plain.build({1, 28, 28}, rng);
      fast.build({1, 28, 28}, rng);
      plain.set_direct(false);
      plain.set_wide(false);
      plain.set_input_gradient(false);  // the capstone's first layer passes no gradient back
      fast.set_input_gradient(false);
      const Tensor<float> x = random_tensor({N, 1, 28, 28}, rng);
      const Tensor<float> da = random_tensor({N, 32, 26, 26}, rng);
      compare_convolutions("conv 1->32", "direct", repeats, plain, fast, x, da);

      // The same convolution and the 2x2 max pool after it: one after the other, or fused.
      nn::MaxPool2D<float> pool(2);
      pool.build({32, 26, 26}, rng);
      const Tensor<float> dy = random_tensor({N, 32, 13, 13}, rng);
      fast.forward_pooled(x), fast.backward_pooled(dy);  // sizes the fused path's buffers
      pool.forward(fast.forward(x)), fast.backward(pool.backward(dy));
      compare("conv 1->32 + pool forward: apart | fused", repeats,
              [&] { pool.forward(fast.forward(x)); }, [&] { fast.forward_pooled(x); });
      compare("conv 1->32 + pool backward: apart | fused", repeats,
              [&] { fast.backward(pool.backward(dy)); }, [&] { fast.backward_pooled(dy); });
    }
    {
      // The capstone's second convolution: (32, 13, 13) -> (64, 11, 11)
      nn::Conv2D<float> plain(64, 3, nn::Activation::relu), fast(64, 3, nn::Activation::relu);
      plain.build({32, 13, 13}, rng);
      fast.build({32, 13, 13}, rng);
      plain.set_wide(false);
      const Tensor<float> x = random_tensor({N, 32, 13, 13}, rng);
      const Tensor<float> da = random_tensor({N, 64, 11, 11}, rng);
      compare_convolutions("conv 32->64", "wide", repeats, plain, fast, x, da);
    }
    {
      // The capstone's third convolution: (64, 5, 5) -> (64, 3, 3)
      nn::Conv2D<float> plain(64, 3, nn::Activation::relu), fast(64, 3, nn::Activation::relu);
      plain.build({64, 5, 5}, rng);
      fast.build({64, 5, 5}, rng);
      plain.set_channels_last(false);
      plain.set_wide(false);
      const Tensor<float> x = random_tensor({N, 64, 5, 5}, rng);
      const Tensor<float> da = random_tensor({N, 64, 3, 3}, rng);
      compare_convolutions("conv 64->64", "chan-last", repeats, plain, fast, x, da);
    }
    return 0;
  });
}
