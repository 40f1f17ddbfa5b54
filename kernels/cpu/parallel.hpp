#pragma once
// Splitting one pass over a tensor between OpenMP threads: contiguous, aligned chunks, and one
// thread only where a parallel region would cost more than it saves.
#include <algorithm>
#include <cstdint>

#include <omp.h>

#include "kernels/cpu/vector_kernels.hpp"

namespace actbench {

// A thread gets at least this many elements, so that the work outweighs waking and joining a warm
// OpenMP team (1-3 us). Memory-bound relu takes ~2 us per 16K elements on one core (measured on a
// 16-core AVX-512 Xeon: 2 threads first win at 32K, 16 threads at 256K). The transcendental ones
// cost 0.5-1 ns per element on one AVX2 core (Zen 2 VM) but 0.12-0.2 ns on one AVX-512 Zen 5 core,
// where splitting 4K elements in two made them slower (f32 forward: tanh 0.82 -> 1.70 us, elu
// 0.48 -> 0.73, sigmoid 0.65 -> 0.81) and 8K elements broke even or won (gelu 1.44 -> 1.22 us,
// tanh 1.65 -> 1.34). So they split from 8K elements on.
inline constexpr std::int64_t kMinElementsPerThread = 16 * 1024;
inline constexpr std::int64_t kMinElementsPerThreadTranscendental = 4 * 1024;

template <class Act>
int worker_count(std::int64_t elements, int requested) {
  const std::int64_t grain = Act::kTranscendental ? kMinElementsPerThreadTranscendental : kMinElementsPerThread;
  return static_cast<int>(std::clamp<std::int64_t>(elements / grain, 1, std::max(1, requested)));
}

// Start of chunk `index` of `count` over [0, n), on a kRangeAlignment boundary.
inline std::int64_t chunk_start(std::int64_t n, int index, int count) {
  const std::int64_t blocks = (n + kRangeAlignment - 1) / kRangeAlignment;
  return std::min(n, blocks * index / count * kRangeAlignment);
}

// Calls body(begin, end, thread, threads) on each thread's chunk of [0, n). With one worker it
// runs on the calling thread, with no parallel region. OpenMP may grant fewer threads than asked;
// the chunks follow the team it grants.
template <class Body>
void parallel_chunks(std::int64_t n, int workers, const Body& body) {
  if (workers <= 1) {
    body(std::int64_t{0}, n, 0, 1);
    return;
  }
#pragma omp parallel num_threads(workers)
  {
    const int thread = omp_get_thread_num();
    const int threads = omp_get_num_threads();
    body(chunk_start(n, thread, threads), chunk_start(n, thread + 1, threads), thread, threads);
  }
}

// Waits for every thread of the enclosing parallel_chunks team (a no-op with one worker).
inline void team_barrier() {
#pragma omp barrier
}

}  // namespace actbench
