#pragma once
/**
 * @file gemm.hpp
 * @brief The library's one matrix multiply, and the facts about the BLAS behind it.
 *
 * Every dense layer, convolution and recurrent cell reduces its heavy work to
 * `gemm`, so the speed of the whole library is the speed of this call.
 * BLAS runs single-threaded: the library parallelises over the batch itself
 * (`nn/parallel.hpp`), and each of its threads calls `gemm` on its own slice.
 */
#include <cstddef>
#include <string>

namespace nn {

/**
 * @brief General matrix multiply \f$ C \leftarrow \alpha\, op(A)\, op(B) + \beta C \f$, row-major.
 *
 * \f$op(A)\f$ is `A` or \f$A^\top\f$ as `trans_a` says; likewise for `B`.
 * With \f$\beta = 1\f$ the product is added to `C`, which is how parameter
 * gradients accumulate.
 * @param trans_a use \f$A^\top\f$: `A` is stored `(K, M)` instead of `(M, K)`
 * @param trans_b use \f$B^\top\f$: `B` is stored `(N, K)` instead of `(K, N)`
 * @param M rows of `C`   @param N columns of `C`   @param K the summed dimension
 * @param alpha scale of the product
 * @param A contiguous row-major matrix, `(M, K)` or `(K, M)`
 * @param B contiguous row-major matrix, `(K, N)` or `(N, K)`
 * @param beta scale of the old `C` (0: overwrite, 1: accumulate)
 * @param C contiguous row-major matrix `(M, N)`
 * @ingroup ch02
 */
void gemm(bool trans_a, bool trans_b, std::size_t M, std::size_t N, std::size_t K, float alpha,
          const float* A, const float* B, float beta, float* C);
/**
 * @brief The same product on sub-matrices: `lda`, `ldb`, `ldc` are the stored row lengths.
 *
 * A column slice of a row-major matrix is itself a matrix whose rows are
 * `ld` apart; this form multiplies such slices in place.
 * @ingroup ch02
 */
void gemm(bool trans_a, bool trans_b, std::size_t M, std::size_t N, std::size_t K, float alpha,
          const float* A, std::size_t lda, const float* B, std::size_t ldb, float beta, float* C,
          std::size_t ldc);
/// @brief Sub-matrix product in double precision.
/// @ingroup ch02
void gemm(bool trans_a, bool trans_b, std::size_t M, std::size_t N, std::size_t K, double alpha,
          const double* A, std::size_t lda, const double* B, std::size_t ldb, double beta,
          double* C, std::size_t ldc);
/// @brief The same product in double precision (used by gradient checks).
/// @ingroup ch02
void gemm(bool trans_a, bool trans_b, std::size_t M, std::size_t N, std::size_t K, double alpha,
          const double* A, const double* B, double beta, double* C);

/// @brief One line naming the BLAS in use, its kernel and thread count.
/// @ingroup ch09
std::string blas_description();

/**
 * @brief Whether OpenBLAS picked a kernel far slower than this CPU supports.
 *
 * OpenBLAS 0.3.21 (Debian 12) does not know some recent CPUs and falls back to
 * its SSE3 "Prescott" kernel, about five times slower than the AVX2/AVX-512
 * kernels the CPU can run. Returns the advice to print, or an empty string.
 * @ingroup ch09
 */
std::string blas_kernel_advice();

/**
 * @brief Restarts the program with a fast OpenBLAS kernel if a slow one was picked.
 *
 * OpenBLAS chooses its kernel when the library loads, before `main`, from the
 * environment variable `OPENBLAS_CORETYPE`. If the choice is a slow fallback,
 * this sets the variable to the best kernel the CPU supports and re-executes
 * the program (once: an already-set variable is respected). Call it first in `main`.
 *
 * It also shortens the time OpenMP threads spin at a barrier before they sleep
 * (`GOMP_SPINCOUNT=10000`, unless `OMP_WAIT_POLICY` or `GOMP_SPINCOUNT` is set):
 * on a machine shared with other programs, the default spinning more than doubles
 * the CPU time of a training step (chapter 10).
 * @ingroup ch09
 */
void ensure_fast_blas(char** argv);

}  // namespace nn
