#pragma once
// How long and how often each point is measured. Google Benchmark's own flags
// (--benchmark_repetitions, --benchmark_min_time) override the CPU figures.
#include <cstdint>

namespace actbench::cli {

// nvbench-style GPU sampling within one Google Benchmark repetition: take samples until their
// relative standard deviation is below max_noise after min_seconds, or until max_seconds.
struct GpuSampling {
  double min_seconds = 0;
  double max_seconds = 0;
  double max_noise = 0;
  int min_samples = 0;
};

struct Methodology {
  int repetitions = 0;          // Google Benchmark repetitions per point: the samples compare.py tests
  double cpu_min_seconds = 0;   // Google Benchmark's minimum time per CPU repetition
  GpuSampling gpu;
  std::uint64_t seed = 0;       // input seed: every implementation of a case sees the same tensors
};

Methodology methodology_for(bool quick);

}  // namespace actbench::cli
