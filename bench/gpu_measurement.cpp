#include "bench/gpu_measurement.hpp"

#include <chrono>
#include <cmath>
#include <exception>
#include <vector>

#include "harness/metrics.hpp"

namespace actbench::cli {

GpuMeasurement measure_gpu(GpuSampler& sampler, const GpuSampling& limits) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  std::vector<double> kept, throttled, clocks, throttled_clocks, power, throttled_power;
  // Running mean and variance of the kept samples (Welford), for the stop rule below.
  double mean = 0, m2 = 0;
  while (true) {
    const GpuSample s = sampler.sample();
    (s.throttled ? throttled : kept).push_back(s.seconds_per_launch);
    if (!s.throttled) {
      const double delta = s.seconds_per_launch - mean;
      mean += delta / static_cast<double>(kept.size());
      m2 += delta * (s.seconds_per_launch - mean);
    }
    (s.throttled ? throttled_clocks : clocks).push_back(s.sm_clock_mhz);
    if (s.power_watts) (s.throttled ? throttled_power : power).push_back(*s.power_watts);
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    if (elapsed >= limits.max_seconds) break;
    // Stop once the estimate is known to max_noise: the relative standard error of the mean. Single
    // cold-L2 launches of tens of microseconds spread by several percent sample to sample (event
    // resolution, DRAM refresh), so their own relative stddev never reaches 0.5% (seen on an H100).
    const auto n = static_cast<double>(kept.size());
    if (elapsed >= limits.min_seconds && static_cast<int>(kept.size()) >= limits.min_samples && n > 1 &&
        std::sqrt(m2 / (n - 1)) / mean / std::sqrt(n) < limits.max_noise) {
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
  PointSession::Active* active = session.acquire(index);
  if (!active) {
    state.SkipWithError(session.why_not_timed(index).c_str());
    return;
  }
  GpuMeasurement m;
  try {
    for (auto _ : state) {
      m = measure_gpu(*active->sampler, limits);
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
