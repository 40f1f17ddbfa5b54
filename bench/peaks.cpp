#include "bench/peaks.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>

#include "harness/buffers.hpp"
#include "harness/cpu_copy_bandwidth.hpp"
#include "harness/gpu_timing.hpp"
#include "harness/matmul_roof.hpp"
#include "harness/metrics.hpp"

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

// Where a point's roofs are kept: by thread count on the CPU, by index on a GPU.
int roof_key(const Point& p) { return p.c->device == Device::cpu ? p.threads : p.device_index; }

}  // namespace

std::map<int, double> Peaks::cpu_gbps() const { return fastest(cpu_samples); }
std::map<int, double> Peaks::gpu_gbps() const { return fastest(gpu_samples); }

PeakSampler::PeakSampler(const std::vector<Point>& points, const Machine& machine, const RunClock& clock, bool quiet)
    : machine_(machine), clock_(clock), quiet_(quiet) {
  for (const Point& p : points) {
    (p.c->device == Device::cpu ? peaks_.cpu_samples : peaks_.gpu_samples).emplace(roof_key(p), std::vector<double>{});
  }
  sample();
  for (const Point& p : points) {
    if (p.c->signature.gemm) measure_matmul_roof(p);
  }
}

void PeakSampler::measure_matmul_roof(const Point& p) {
  const std::pair<int, DType> key{roof_key(p), p.c->dtype};
  if (!tried_.insert({p.c->device, key.first, key.second, size_label(p.shape)}).second) return;
  const std::string what = std::string(name_of(p.c->dtype)) + " matmul " + size_label(p.shape) + " on " + p.device() +
                           ", " + std::to_string(p.threads) + (p.threads == 1 ? " thread" : " threads");
  ExecContext ctx;
  ctx.threads = p.threads;
  ctx.device_index = p.device_index;
  std::optional<GpuStream> stream;
  if (p.c->device == Device::cuda) ctx.stream = stream.emplace(p.device_index).get();
  try {
    const double gflops = measure_matmul_gflops(p.c->device, p.c->dtype, p.shape, ctx);
    double& roof = (p.c->device == Device::cpu ? peaks_.cpu_matmul_gflops : peaks_.gpu_matmul_gflops)[key];
    roof = std::max(roof, gflops);
    if (!quiet_) std::fprintf(stderr, "%s: %.1f GFLOP/s\n", what.c_str(), gflops);
  } catch (const std::runtime_error& e) {
    // The layers themselves report why they cannot run; their roof is left out.
    if (!quiet_) std::fprintf(stderr, "%s not measured: %s\n", what.c_str(), e.what());
  }
}

void PeakSampler::sample() {
  peaks_.sample_seconds.push_back(clock_.seconds());
  const std::size_t cpu_bytes = dram_copy_bytes(machine_.cpu.last_level_bytes(), free_memory(Device::cpu, 0));
  for (auto& [threads, samples] : peaks_.cpu_samples) {
    samples.push_back(measure_cpu_copy_gbps(threads, cpu_bytes, machine_.cpu.last_level_bytes()));
    if (!quiet_) {
      std::fprintf(stderr, "cpu copy bandwidth, %d thread%s: %.1f GB/s\n", threads, threads == 1 ? "" : "s",
                   samples.back());
    }
  }
  for (auto& [index, samples] : peaks_.gpu_samples) {
    samples.push_back(measure_d2d_copy_gbps(index, gpu_copy_bytes(machine_.gpus[index])));
    if (!quiet_) std::fprintf(stderr, "cuda:%d copy bandwidth: %.1f GB/s\n", index, samples.back());
  }
}

void PeakSampler::sample_before(const Point& next) {
  const Question question = question_of(next);
  const std::size_t last_cache = next.c->device == Device::cpu ? machine_.cpu.last_level_bytes()
                                                                : machine_.gpus[next.device_index].l2_bytes;
  const bool dram_sized = static_cast<std::size_t>(minimum_bytes(*next.c, next.shape)) > last_cache;
  const bool due = clock_.seconds() - peaks_.sample_seconds.back() >= std::chrono::duration<double>(kInterval).count();
  if ((dram_sized && question != previous_) || due) sample();
  previous_ = question;
  if (next.c->device == Device::cpu && !next.c->signature.gemm) measure_same_size_copy(next);
}

void PeakSampler::measure_same_size_copy(const Point& p) {
  const std::int64_t bytes = minimum_bytes(*p.c, p.shape);
  const auto key = std::make_tuple(question_of(p), bytes, p.threads);
  if (key != same_size_key_) {
    same_size_key_ = key;
    try {
      // Half the bytes read, half written, as a plain forward pass moves them.
      same_size_gbps_ =
          measure_cpu_copy_gbps(p.threads, static_cast<std::size_t>((bytes + 1) / 2), machine_.cpu.last_level_bytes());
    } catch (const std::exception& e) {
      // The point itself may still fit: it runs without this figure.
      same_size_gbps_.reset();
      if (!quiet_) std::fprintf(stderr, "no same-size copy before %s: %s\n", p.name.c_str(), e.what());
    }
  }
  if (same_size_gbps_) peaks_.same_size_copy_gbps[p.name].push_back(*same_size_gbps_);
}

double peak_for(const Peaks& peaks, const Point& p) {
  return p.c->device == Device::cpu ? peaks.cpu_gbps().at(p.threads) : peaks.gpu_gbps().at(p.device_index);
}

double local_peak_for(const Peaks& peaks, const Point& p, double from_s, double to_s) {
  const std::vector<double>& samples =
      (p.c->device == Device::cpu ? peaks.cpu_samples : peaks.gpu_samples).at(roof_key(p));
  const std::vector<double>& at = peaks.sample_seconds;
  // The last sample at or before the start (the first, if none) to the first at or after the end
  // (the last, if none).
  const auto after_start = std::upper_bound(at.begin(), at.end(), from_s);
  const std::size_t first = after_start == at.begin() ? 0 : static_cast<std::size_t>(after_start - at.begin()) - 1;
  const std::size_t last = std::min<std::size_t>(std::lower_bound(at.begin(), at.end(), to_s) - at.begin(), at.size() - 1);
  return *std::max_element(samples.begin() + first, samples.begin() + last + 1);
}

std::optional<double> same_size_copy_for(const Peaks& peaks, const Point& p) {
  const auto it = peaks.same_size_copy_gbps.find(p.name);
  return it == peaks.same_size_copy_gbps.end() ? std::nullopt : std::optional<double>(summarize(it->second).median);
}

std::optional<double> matmul_peak_for(const Peaks& peaks, const Point& p) {
  if (!p.c->signature.gemm) return std::nullopt;
  const auto& roofs = p.c->device == Device::cpu ? peaks.cpu_matmul_gflops : peaks.gpu_matmul_gflops;
  const auto it = roofs.find({roof_key(p), p.c->dtype});
  return it == roofs.end() ? std::nullopt : std::optional<double>(it->second);
}

}  // namespace actbench::cli
