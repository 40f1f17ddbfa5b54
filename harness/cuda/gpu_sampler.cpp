// GPU timing of one runner: CUDA events around the timed region, everything else (restore, L2 flush,
// clock probes, NVML readings) outside it.
#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "harness/cuda/clock_probe.hpp"
#include "harness/cuda/cuda_handles.hpp"
#include "harness/cuda/nvml.hpp"
#include "harness/cuda/region_timer.hpp"
#include "harness/gpu_timing.hpp"
#include "kernels/cuda/device_memory.hpp"

namespace actbench {
namespace {

constexpr double kHotSampleSeconds = 20e-6;  // a hot sample lasts at least this long
constexpr int kMaxLaunchesPerGraph = 10000;  // bounds the graph of a runner too small to time alone
constexpr int kWarmupLaunches = 2;           // module load and first touch, then one on warm state
constexpr int kOverheadRepeats = 9;          // single launches behind the launch-overhead median
constexpr std::size_t kFlushL2Multiple = 2;  // a write of twice L2 leaves none of the case's lines

template <std::size_t N>
double median(std::array<double, N> v) {
  std::nth_element(v.begin(), v.begin() + N / 2, v.end());
  return v[N / 2];
}

std::string pci_bus_id(int device) {
  std::array<char, 32> id{};
  AB_CUDA_CHECK(cudaDeviceGetPCIBusId(id.data(), static_cast<int>(id.size()), device));
  return id.data();
}

}  // namespace

GpuStream::GpuStream(int device_index) : device_index_(device_index) {
  AB_CUDA_CHECK(cudaSetDevice(device_index));
  cudaStream_t s = nullptr;
  AB_CUDA_CHECK(cudaStreamCreate(&s));
  stream_ = s;
}

GpuStream::~GpuStream() {
  cudaSetDevice(device_index_);
  cudaStreamDestroy(static_cast<cudaStream_t>(stream_));
}

struct GpuSampler::Impl {
  Runner run;
  std::function<void()> restore;
  int device;
  cudaStream_t stream;
  bool cold_l2;
  double max_sm_clock_mhz = 0;
  cuda::RegionTimer timer;
  cuda::ClockProbe probe;
  nvml::Gpu nvml_gpu;
  std::shared_ptr<void> flush;  // cold_l2 only
  std::size_t flush_bytes = 0;
  unsigned char flush_value = 0;
  cuda::GraphExec graph;  // hot samples, and the launch-overhead measurement
  int graph_launches = 0;

  Impl(Runner r, const ExecContext& ctx, bool cold, std::function<void()> refresh)
      : run(std::move(r)), restore(std::move(refresh)), device(ctx.device_index),
        stream(static_cast<cudaStream_t>(ctx.stream)), cold_l2(cold), timer(stream), probe(ctx.device_index),
        nvml_gpu(pci_bus_id(ctx.device_index)) {
    int khz = 0;
    AB_CUDA_CHECK(cudaDeviceGetAttribute(&khz, cudaDevAttrClockRate, device));
    max_sm_clock_mhz = khz / 1000.0;
    if (cold_l2) {
      int l2 = 0;
      AB_CUDA_CHECK(cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, device));
      flush_bytes = kFlushL2Multiple * static_cast<std::size_t>(l2);
      flush = cuda::allocate_device(device, flush_bytes);
    }
    for (int i = 0; i < kWarmupLaunches; ++i) {
      if (restore) restore();
      run();
    }
    AB_CUDA_CHECK(cudaStreamSynchronize(stream));
    if (!cold_l2) capture_graph();
  }

  // One launch onto an idle stream, the host's time to enqueue it included: the launch overhead is
  // this against the per-launch time in a graph, which the region timer keeps free of that time.
  double single_launch_seconds() {
    std::array<double, kOverheadRepeats> t{};
    for (double& s : t) {
      if (restore) restore();
      s = timer.seconds_from_idle([&] { run(); });
    }
    return median(t);
  }

  void record_graph(int launches) {
    AB_CUDA_CHECK(cudaStreamBeginCapture(stream, cudaStreamCaptureModeRelaxed));
    try {
      for (int i = 0; i < launches; ++i) run();
    } catch (...) {
      cudaGraph_t partial = nullptr;
      cudaStreamEndCapture(stream, &partial);  // leave the stream usable; the error is the runner's
      cudaGetLastError();  // ending an invalidated capture fails too: not the next point's launch error
      if (partial) cudaGraphDestroy(partial);
      throw;
    }
    cudaGraph_t captured = nullptr;
    AB_CUDA_CHECK(cudaStreamEndCapture(stream, &captured));
    graph = cuda::GraphExec(captured);
    graph_launches = launches;
  }

  double graph_seconds() {
    if (restore) restore();
    return timer.seconds([&] { AB_CUDA_CHECK(cudaGraphLaunch(graph.get(), stream)); });
  }

  // Enough launches for kHotSampleSeconds, from the time of one launch, corrected once by the graph's
  // own time (a graph removes the launch gaps, so the first estimate falls short for tiny runners).
  void capture_graph() {
    auto launches_for = [](double seconds_per_launch) {
      const double n = std::ceil(kHotSampleSeconds / std::max(seconds_per_launch, 1e-9));
      return static_cast<int>(std::clamp(n, 1.0, static_cast<double>(kMaxLaunchesPerGraph)));
    };
    record_graph(launches_for(single_launch_seconds()));
    const double per_launch = graph_seconds() / graph_launches;
    if (per_launch * graph_launches < kHotSampleSeconds && graph_launches < kMaxLaunchesPerGraph) {
      record_graph(launches_for(per_launch));
    }
  }
};

GpuSampler::GpuSampler(Runner run, const ExecContext& ctx, bool cold_l2, std::function<void()> restore) {
  if (!ctx.stream) {
    throw std::invalid_argument(
        "GpuSampler needs the runner prepared on a GpuStream: the default stream cannot be captured into a graph");
  }
  AB_CUDA_CHECK(cudaSetDevice(ctx.device_index));
  impl_ = new Impl(std::move(run), ctx, cold_l2, std::move(restore));
}

GpuSampler::~GpuSampler() { delete impl_; }

GpuSample GpuSampler::sample() {
  Impl& s = *impl_;
  AB_CUDA_CHECK(cudaSetDevice(s.device));
  if (s.restore) s.restore();
  if (s.cold_l2) AB_CUDA_CHECK(cudaMemsetAsync(s.flush.get(), ++s.flush_value, s.flush_bytes, s.stream));
  GpuSample out;
  const auto probe_start = [&] { s.probe.start(s.stream); };
  double seconds = 0;
  if (s.cold_l2) {
    seconds = s.timer.seconds([&] { s.run(); }, probe_start);
    out.launches = 1;
  } else {
    seconds = s.timer.seconds([&] { AB_CUDA_CHECK(cudaGraphLaunch(s.graph.get(), s.stream)); }, probe_start);
    out.launches = s.graph_launches;
  }
  s.probe.stop(s.stream);
  AB_CUDA_CHECK(cudaStreamSynchronize(s.stream));
  out.seconds_per_launch = seconds / out.launches;
  out.sm_clock_mhz = s.probe.mhz();
  out.throttled = out.sm_clock_mhz > 0 && out.sm_clock_mhz < kThrottleThreshold * s.max_sm_clock_mhz;
  const nvml::Reading reading = s.nvml_gpu.read();
  out.power_watts = reading.power_watts;
  out.memory_clock_mhz = reading.memory_clock_mhz;
  return out;
}

double GpuSampler::launch_overhead_seconds() {
  Impl& s = *impl_;
  AB_CUDA_CHECK(cudaSetDevice(s.device));
  if (!s.graph) s.capture_graph();
  const double alone = s.single_launch_seconds();
  std::array<double, kOverheadRepeats> in_graph{};
  for (double& t : in_graph) t = s.graph_seconds() / s.graph_launches;
  return std::max(0.0, alone - median(in_graph));
}

}  // namespace actbench
