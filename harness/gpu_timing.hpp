#pragma once
// GPU timing primitives (implemented in harness/cuda/ when built with CUDA, harness/no_cuda/ else).
// The methodology that composes them (warm-up, noise-based stop, reporting) lives in bench/.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "kernels/case.hpp"

namespace actbench {

struct GpuInfo {
  int index = 0;
  std::string name;
  int compute_capability_major = 0;
  int compute_capability_minor = 0;
  int sm_count = 0;
  std::size_t memory_bytes = 0;
  std::size_t l2_bytes = 0;
  double theoretical_bandwidth_gbps = 0;  // from memory clock and bus width
  int max_sm_clock_mhz = 0;
  int max_memory_clock_mhz = 0;
  std::string driver_version;
  std::string runtime_version;
};
std::vector<GpuInfo> probe_gpus();

// Device-to-device copy bandwidth, (read + write bytes) / median time: the GPU roofline.
double measure_d2d_copy_gbps(int device_index, std::size_t bytes);

// One timed sample of a GPU runner.
struct GpuSample {
  double seconds_per_launch = 0;
  int launches = 0;          // runner calls inside the timed region (one CUDA graph when > 1)
  bool throttled = false;    // the SM clock dropped below 90% of its maximum during the sample
  double sm_clock_mhz = 0;   // measured SM clock during the sample
};

class GpuSampler {
 public:
  // cold_l2: L2 is flushed (a write of >= 2x L2) before each sample, outside the timed region, and a
  // sample is one launch. hot: launches are batched (through a CUDA graph) so a sample lasts >= 20 us,
  // which makes launch overhead visible separately for tiny tensors. restore runs before each sample,
  // outside the timed region (in-place cases refresh their input there).
  GpuSampler(Runner run, const ExecContext& ctx, bool cold_l2, std::function<void()> restore = {});
  ~GpuSampler();
  GpuSampler(const GpuSampler&) = delete;
  GpuSampler& operator=(const GpuSampler&) = delete;
  GpuSample sample();
  // Launch overhead: the time of one launch measured alone minus the per-launch time in a graph.
  double launch_overhead_seconds();

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace actbench
