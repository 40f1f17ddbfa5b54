#include "bench/gpu_measurement.hpp"

#include <chrono>
#include <cmath>
#include <exception>
#include <vector>

#include "bench/acquire_point.hpp"
#include "harness/metrics.hpp"

namespace actbench::cli {
namespace {

// Running mean and variance (Welford), for the stop rule.
struct RunningStats {
  int n = 0;
  double mean = 0;
  double m2 = 0;

  void add(double x) {
    ++n;
    const double delta = x - mean;
    mean += delta / n;
    m2 += delta * (x - mean);
  }
  // The relative standard error of the mean; needs n > 1.
  double relative_error() const { return std::sqrt(m2 / (n - 1)) / mean / std::sqrt(static_cast<double>(n)); }
};

}  // namespace

GpuMeasurement measure_gpu(const std::function<GpuSample()>& sample, const GpuSampling& limits) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  std::vector<double> kept, throttled, clocks, throttled_clocks, power, throttled_power;
  RunningStats kept_stats, throttled_stats;
  while (true) {
    const GpuSample s = sample();
    (s.throttled ? throttled : kept).push_back(s.seconds_per_launch);
    (s.throttled ? throttled_stats : kept_stats).add(s.seconds_per_launch);
    (s.throttled ? throttled_clocks : clocks).push_back(s.sm_clock_mhz);
    if (s.power_watts) (s.throttled ? throttled_power : power).push_back(*s.power_watts);
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    if (elapsed >= limits.max_seconds) break;
    // Stop once the estimate is known to max_noise: the relative standard error of the mean. Single
    // cold-L2 launches of tens of microseconds spread by several percent sample to sample (event
    // resolution, DRAM refresh), so their own relative stddev never reaches 0.5% (seen on an H100).
    // The rule holds the samples that will be reported: the kept ones, or the throttled ones while no
    // sample was kept (a GPU whose clock is capped below 90% of its boost throttles every sample).
    const RunningStats& reported = kept.empty() ? throttled_stats : kept_stats;
    if (elapsed >= limits.min_seconds && reported.n >= limits.min_samples && reported.n > 1 &&
        reported.relative_error() < limits.max_noise) {
      break;
    }
  }
  GpuMeasurement m;
  m.throttled = static_cast<int>(throttled.size());
  if (kept.empty()) {
    kept = throttled;
    clocks = throttled_clocks;
    power = throttled_power;
  }
  const SampleSummary summary = summarize(kept);
  m.median_seconds = summary.median;
  m.relative_stddev = summary.relative_stddev;
  m.samples = static_cast<int>(kept.size());
  m.sm_clock_mhz = summarize(clocks).median;
  if (!power.empty()) m.power_watts = summarize(power).median;
  return m;
}

void time_gpu_point(benchmark::State& state, PointSession& session, std::size_t index, const GpuSampling& limits) {
  PointSession::Active* active = acquire_or_skip(state, session, index);
  if (!active) return;
  GpuMeasurement m;
  try {
    for (auto _ : state) {
      m = measure_gpu([&] { return active->sampler->sample(); }, limits);
      state.SetIterationTime(m.median_seconds);
    }
  } catch (const std::exception& e) {
    session.record_error(index, e.what());
    state.SkipWithError(e.what());
    return;
  }
  state.SetItemsProcessed(state.iterations() * session.point(index).shape.elements());
  state.counters["samples"] = m.samples;
  state.counters["throttled"] = m.throttled;
  state.counters["noise"] = m.relative_stddev;
  state.counters["sm_clock_mhz"] = m.sm_clock_mhz;
  if (m.power_watts) state.counters["power_watts"] = *m.power_watts;
}

}  // namespace actbench::cli
