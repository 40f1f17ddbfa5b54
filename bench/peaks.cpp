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

std::map<int, double> fastest(const std::map<int, std::vector<double>>& samples) {
  std::map<int, double> out;
  for (const auto& [key, values] : samples) out[key] = *std::max_element(values.begin(), values.end());
  return out;
}

}  // namespace

std::map<int, double> Peaks::cpu_gbps() const { return fastest(cpu_samples); }
std::map<int, double> Peaks::gpu_gbps() const { return fastest(gpu_samples); }

PeakSampler::PeakSampler(const std::vector<Point>& points, const Machine& machine, bool quiet)
    : machine_(machine), quiet_(quiet) {
  for (const Point& p : points) {
    if (p.c->device == Device::cpu) {
      peaks_.cpu_samples.emplace(p.threads, std::vector<double>{});
    } else {
      peaks_.gpu_samples.emplace(p.device_index, std::vector<double>{});
    }
  }
  sample();
}

void PeakSampler::sample() {
  const std::size_t cpu_bytes = dram_copy_bytes(machine_.cpu.last_level_bytes(), free_memory(Device::cpu, 0));
  for (auto& [threads, samples] : peaks_.cpu_samples) {
    samples.push_back(measure_cpu_copy_gbps(threads, cpu_bytes));
    if (!quiet_) {
      std::fprintf(stderr, "cpu copy bandwidth, %d thread%s: %.1f GB/s\n", threads, threads == 1 ? "" : "s",
                   samples.back());
    }
  }
  for (auto& [index, samples] : peaks_.gpu_samples) {
    samples.push_back(measure_d2d_copy_gbps(index, gpu_copy_bytes(machine_.gpus[index])));
    if (!quiet_) std::fprintf(stderr, "cuda:%d copy bandwidth: %.1f GB/s\n", index, samples.back());
  }
  last_ = std::chrono::steady_clock::now();
}

void PeakSampler::sample_if_due() {
  if (std::chrono::steady_clock::now() - last_ >= kInterval) sample();
}

double peak_for(const Peaks& peaks, const Point& p) {
  return p.c->device == Device::cpu ? peaks.cpu_gbps().at(p.threads) : peaks.gpu_gbps().at(p.device_index);
}

}  // namespace actbench::cli
