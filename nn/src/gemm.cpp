// The one file that calls BLAS. It includes <cblas.h> alone (not next to
// xtensor-blas, whose declarations clash with it).
#include "nn/gemm.hpp"

#include <cblas.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <set>

namespace nn {

namespace {
CBLAS_TRANSPOSE op(bool trans) { return trans ? CblasTrans : CblasNoTrans; }
int as_int(std::size_t n) { return static_cast<int>(n); }

// [gemm]
// BLAS runs on one thread inside each of the library's threads (nn/parallel.hpp).
void use_one_blas_thread() {
#ifdef NN_BLAS_IS_OPENBLAS
  static const bool once = (openblas_set_num_threads(1), true);
  (void)once;
#endif
}
// [gemm]
}  // namespace

// [gemm]
void gemm(bool trans_a, bool trans_b, std::size_t M, std::size_t N, std::size_t K, float alpha,
          const float* A, std::size_t lda, const float* B, std::size_t ldb, float beta, float* C,
          std::size_t ldc) {
  use_one_blas_thread();
  cblas_sgemm(CblasRowMajor, op(trans_a), op(trans_b), as_int(M), as_int(N), as_int(K), alpha, A,
              as_int(lda), B, as_int(ldb), beta, C, as_int(ldc));
}
// [gemm]

void gemm(bool trans_a, bool trans_b, std::size_t M, std::size_t N, std::size_t K, double alpha,
          const double* A, std::size_t lda, const double* B, std::size_t ldb, double beta,
          double* C, std::size_t ldc) {
  use_one_blas_thread();
  cblas_dgemm(CblasRowMajor, op(trans_a), op(trans_b), as_int(M), as_int(N), as_int(K), alpha, A,
              as_int(lda), B, as_int(ldb), beta, C, as_int(ldc));
}

// Contiguous matrices: each stored row is as long as the matrix (or its transpose) is wide.
void gemm(bool trans_a, bool trans_b, std::size_t M, std::size_t N, std::size_t K, float alpha,
          const float* A, const float* B, float beta, float* C) {
  gemm(trans_a, trans_b, M, N, K, alpha, A, trans_a ? M : K, B, trans_b ? K : N, beta, C, N);
}

void gemm(bool trans_a, bool trans_b, std::size_t M, std::size_t N, std::size_t K, double alpha,
          const double* A, const double* B, double beta, double* C) {
  gemm(trans_a, trans_b, M, N, K, alpha, A, trans_a ? M : K, B, trans_b ? K : N, beta, C, N);
}

namespace {
// [spin-policy]
// GNU OpenMP threads wait at a barrier by spinning, by default for 300,000 polls,
// before they sleep. On a busy machine a spinning thread takes a core that the thread
// it waits for needs; 10,000 polls still cover the short gaps between two parallel
// regions of a step. An explicit choice in the environment wins.
bool set_spin_policy() {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr || std::getenv("GOMP_SPINCOUNT") != nullptr)
    return false;
  setenv("GOMP_SPINCOUNT", "10000", 1);
  return true;
}
// [spin-policy]
}  // namespace

#ifdef NN_BLAS_IS_OPENBLAS
// [blas-kernel]
namespace {
// Kernels OpenBLAS falls back to that use SSE only.
bool is_sse_only(const std::string& core) {
  static const std::set<std::string> slow = {"Prescott", "Core2",   "Penryn", "Dunnington",
                                             "Nehalem",  "Atom",    "Katmai", "Coppermine",
                                             "Northwood", "Banias", "Barcelona"};
  return slow.count(core) > 0;
}
// The fastest OpenBLAS kernel this CPU can run, or "" if none is better than SSE.
std::string best_core() {
  if (__builtin_cpu_supports("avx512f")) return "SkylakeX";
  if (__builtin_cpu_supports("avx2")) return "Haswell";
  return "";
}
}  // namespace

std::string blas_description() {
  use_one_blas_thread();
  return std::string(openblas_get_config()) + ", kernel " + openblas_get_corename() +
         ", " + std::to_string(openblas_get_num_threads()) + " thread(s)";
}

std::string blas_kernel_advice() {
  const std::string core = openblas_get_corename();
  const std::string best = best_core();
  if (!is_sse_only(core) || best.empty()) return "";
  return "OpenBLAS picked its slow '" + core + "' kernel on a CPU that supports '" + best +
         "': matrix products run about 5x slower. Run with OPENBLAS_CORETYPE=" + best +
         " in the environment, or configure with -DNN_BLAS=FLAME to use BLIS.";
}

void ensure_fast_blas(char** argv) {
  const std::string advice = blas_kernel_advice();
  const bool set_core = !advice.empty() && std::getenv("OPENBLAS_CORETYPE") == nullptr;
  if (set_core) setenv("OPENBLAS_CORETYPE", best_core().c_str(), 1);
  // Both variables are read when the libraries load, before main: restart once.
  if (set_spin_policy() || set_core) execv("/proc/self/exe", argv);  // returns only on failure
  if (!advice.empty()) std::cerr << "warning: " << advice << "\n";
}
// [blas-kernel]
#else
std::string blas_description() { return "BLAS (not OpenBLAS)"; }
std::string blas_kernel_advice() { return ""; }
void ensure_fast_blas(char** argv) {
  if (set_spin_policy()) execv("/proc/self/exe", argv);  // read before main: restart once
}
#endif

}  // namespace nn
