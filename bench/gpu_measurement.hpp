#pragma once
// The timed part of a GPU point, as a Google Benchmark function: one repetition is one set of
// samples from the GpuSampler, reported as manual time (the median sample).
#include <cstddef>
#include <functional>
#include <optional>

#include <benchmark/benchmark.h>

#include "bench/methodology.hpp"
#include "bench/point_session.hpp"

namespace actbench::cli {

struct GpuMeasurement {
  double median_seconds = 0;
  double relative_stddev = 0;  // of the samples kept
  int samples = 0;             // kept
  int throttled = 0;           // discarded: the SM clock fell below 90% of its maximum
  double sm_clock_mhz = 0;     // median over the samples kept
  std::optional<double> power_watts;  // median over the samples kept, when NVML reports it
};

// Calls sample() until the reported samples' noise is below the limit after the minimum time, or
// until the time limit. The reported samples are the kept ones; when every sample was throttled they
// are all reported, and `throttled` equals `samples`.
GpuMeasurement measure_gpu(const std::function<GpuSample()>& sample, const GpuSampling& limits);

void time_gpu_point(benchmark::State& state, PointSession& session, std::size_t index, const GpuSampling& limits);

}  // namespace actbench::cli
