#include "bench/peaks.hpp"

#include <algorithm>
#include <cstdio>

#include "harness/buffers.hpp"
#include "harness/cpu_copy_bandwidth.hpp"
#include "harness/gpu_timing.hpp"

namespace actbench::cli {
namespace {

// The GPU copy streams through HBM: eight times L2, at least 256 MiB, at most a quarter of free memory.
std::size_t gpu_copy_bytes(const GpuInfo& gpu) {
  const std::size_t wanted = std::max<std::size_t>(8 * gpu.l2_bytes, std::size_t{256} << 20);
  return std::min(wanted, free_memory(Device::cuda, gpu.index) / 4);
}

}  // namespace

Peaks measure_peaks(const std::vector<Point>& points, const Machine& machine, bool quiet) {
  Peaks peaks;
  for (const Point& p : points) {
    if (p.c->device == Device::cpu) {
      peaks.cpu_gbps.emplace(p.threads, 0.0);
    } else {
      peaks.gpu_gbps.emplace(p.device_index, 0.0);
    }
  }
  const std::size_t cpu_bytes = dram_copy_bytes(machine.cpu.last_level_bytes(), free_memory(Device::cpu, 0));
  for (auto& [threads, gbps] : peaks.cpu_gbps) {
    gbps = measure_cpu_copy_gbps(threads, cpu_bytes);
    if (!quiet) std::fprintf(stderr, "cpu copy bandwidth, %d thread%s: %.1f GB/s\n", threads, threads == 1 ? "" : "s", gbps);
  }
  for (auto& [index, gbps] : peaks.gpu_gbps) {
    gbps = measure_d2d_copy_gbps(index, gpu_copy_bytes(machine.gpus[index]));
    if (!quiet) std::fprintf(stderr, "cuda:%d copy bandwidth: %.1f GB/s\n", index, gbps);
  }
  return peaks;
}

double peak_for(const Peaks& peaks, const Point& p) {
  return p.c->device == Device::cpu ? peaks.cpu_gbps.at(p.threads) : peaks.gpu_gbps.at(p.device_index);
}

}  // namespace actbench::cli
