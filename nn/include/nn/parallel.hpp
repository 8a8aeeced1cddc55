#pragma once
/**
 * @file parallel.hpp
 * @brief The library's one form of parallelism: a batch split into one slice per thread.
 *
 * Convolutions and pooling split their batch of `N` examples into contiguous
 * slices, one per thread, and run each slice's loops and matrix products on
 * its own thread. BLAS itself then runs single-threaded (see `nn::gemm`): two
 * thread pools on the same cores would only fight.
 */
#include <algorithm>
#include <cstddef>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace nn {

/// @brief The number of threads `parallel_slices` uses (`OMP_NUM_THREADS`, else one per core).
/// @ingroup ch05
inline std::size_t thread_count() {
#ifdef _OPENMP
  return static_cast<std::size_t>(omp_get_max_threads());
#else
  return 1;
#endif
}

/// @brief The calling thread's number in `parallel_slices`, from 0 to `thread_count() - 1`.
/// @ingroup ch10
inline std::size_t thread_index() {
#ifdef _OPENMP
  return static_cast<std::size_t>(omp_get_thread_num());
#else
  return 0;
#endif
}

/**
 * @brief Calls `body(begin, end, t)` for slices `[begin, end)` of `[0, N)`, slice `t` on thread `t`.
 *
 * The slices are contiguous, as equal as possible, and there are at most
 * `thread_count()` of them (fewer when `N` is small). Without OpenMP the one
 * slice `[0, N)` runs on the calling thread.
 * @ingroup ch05
 */
// [parallel-slices]
template <class Body>
void parallel_slices(std::size_t N, const Body& body) {
  const std::size_t slices = std::max<std::size_t>(1, std::min(N, thread_count()));
#ifdef _OPENMP
#pragma omp parallel for num_threads(static_cast<int>(slices)) schedule(static, 1)
#endif
  for (std::size_t t = 0; t < slices; ++t) body(N * t / slices, N * (t + 1) / slices, t);
}
// [parallel-slices]

/// @brief Images per chunk in `parallel_chunks`: fixed, whatever the thread count.
/// @ingroup ch05
inline constexpr std::size_t batch_chunk = 8;

/**
 * @brief Calls `body(begin, end, c)` for chunk `c` = images `[8c, min(8c + 8, N))`, the chunks shared out among the threads.
 *
 * A layer whose matrix products want more images at a time passes its own `chunk`
 * (a multiple of `batch_chunk`, fixed by its sizes, never by the thread count).
 *
 * A chunk's work is the same whichever thread does it and however many there
 * are, so per-chunk partial sums (a convolution's `dW`) added in chunk order give
 * the same bits with 1 thread or 2: training is reproducible across thread counts.
 * @ingroup ch05
 */
// [parallel-chunks]
template <class Body>
void parallel_chunks(std::size_t N, const Body& body, std::size_t chunk = batch_chunk) {
  const std::size_t chunks = (N + chunk - 1) / chunk;
  parallel_slices(chunks, [&](std::size_t c0, std::size_t c1, std::size_t) {
    for (std::size_t c = c0; c < c1; ++c) body(c * chunk, std::min(N, (c + 1) * chunk), c);
  });
}
// [parallel-chunks]

}  // namespace nn
