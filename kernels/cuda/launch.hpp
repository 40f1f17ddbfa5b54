#pragma once
// Host-side launch helpers shared by every CUDA family: the device and stream of a case, how many
// blocks of a kernel the device holds at once, whether a pointer allows 16-byte accesses, and the
// trial run of a library's prepared work.
#include <cstddef>
#include <cstdint>

#include <cuda_runtime_api.h>

#include "kernels/case.hpp"

namespace actbench::cuda {

struct LaunchTarget {
  int device = 0;
  cudaStream_t stream = nullptr;
};

// Makes the case's device current (checked) and names its stream: the runner enqueues on exactly the
// stream of the ExecContext given to Prepare, so a timer can capture it into a graph.
LaunchTarget launch_target(const ExecContext& ctx);

// SMs x resident blocks per SM of `kernel` at kBlockThreads threads and `dynamic_shared_bytes` of
// dynamic shared memory: the grid of a grid-stride kernel, which then starts every block once and
// leaves no partial last wave.
int resident_blocks(const void* kernel, int device, std::size_t dynamic_shared_bytes = 0);

inline bool is_aligned(const void* p, std::size_t bytes) {
  return reinterpret_cast<std::uintptr_t>(p) % bytes == 0;
}

// Runs a library's prepared work once on ctx's stream, waits for it and returns it. Libraries refuse
// some combinations only when they execute (a NOT_SUPPORTED status): in Prepare, the refusal becomes
// the reason the case is skipped, in the library's words, rather than an error inside the timed
// runner. The outputs are poisoned again before the validated run.
Runner after_trial_run(Runner run, const ExecContext& ctx);

}  // namespace actbench::cuda
