#pragma once
// GPU timing primitives (implemented in harness/cuda/ when built with CUDA, harness/no_cuda/ else).
// The methodology that composes them (warm-up, noise-based stop, reporting) lives in bench/.
#include <cstddef>
#include <functional>
#include <optional>
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

// A CUDA stream for timed GPU cases. Prepare a GPU case with ExecContext{.stream = stream.get(),
// .device_index = i}: its runner then enqueues on this stream, which GpuSampler times and captures into
// a CUDA graph (the legacy default stream cannot be captured). It is a blocking stream, so it stays
// ordered after synchronous copies on the default stream (CaseData's restore of an in-place input).
class GpuStream {
 public:
  explicit GpuStream(int device_index);
  ~GpuStream();
  GpuStream(const GpuStream&) = delete;
  GpuStream& operator=(const GpuStream&) = delete;
  void* get() const { return stream_; }  // a cudaStream_t

 private:
  void* stream_ = nullptr;
  int device_index_ = 0;
};

// One timed sample of a GPU runner.
struct GpuSample {
  double seconds_per_launch = 0;
  int launches = 0;          // runner calls inside the timed region (one CUDA graph when > 1)
  bool throttled = false;    // the SM clock dropped below kThrottleThreshold of its maximum during the sample
  double sm_clock_mhz = 0;   // measured SM clock during the sample (clock64 against %globaltimer); 0 if
                             // the sample was too short to measure
  // From NVML, loaded at run time, when the driver provides it; read right after the sample. NVML
  // averages power over its own window (up to 1 s on some boards), so energy per element is best taken
  // as power x time over a run of consecutive samples.
  std::optional<double> power_watts;
  std::optional<double> memory_clock_mhz;
};

class GpuSampler {
 public:
  // A sample is flagged throttled when its SM clock is below this fraction of the maximum.
  static constexpr double kThrottleThreshold = 0.9;

  // cold_l2: L2 is flushed (a write of >= 2x L2) before each sample, outside the timed region, and a
  // sample is one launch. hot: launches are batched (through a CUDA graph) so a sample lasts >= 20 us,
  // which makes launch overhead visible separately for tiny tensors. restore runs before each sample,
  // outside the timed region (in-place cases refresh their input there; inside a hot sample's graph
  // the later launches of an in-place case see the earlier ones' output). ctx must be the context the
  // runner was prepared with, its stream from a GpuStream. The constructor warms up (module load,
  // first-touch) and, for hot mode, sizes and captures the graph. Every timed region starts behind a
  // kernel that holds the stream until the region is queued, so the host's launch latency stays out.
  GpuSampler(Runner run, const ExecContext& ctx, bool cold_l2, std::function<void()> restore = {});
  ~GpuSampler();
  GpuSampler(const GpuSampler&) = delete;
  GpuSampler& operator=(const GpuSampler&) = delete;
  GpuSample sample();
  // Launch overhead: the time of one launch onto an idle stream, the host's enqueue included, minus
  // the per-launch time in a graph.
  double launch_overhead_seconds();

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace actbench
