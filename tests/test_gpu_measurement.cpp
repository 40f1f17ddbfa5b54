// The GPU stop rule, fed with made-up samples (no GPU needed): it stops once the samples it will
// report are known to the noise limit, also when every one of them was throttled.
#include <gtest/gtest.h>

#include <chrono>

#include "bench/gpu_measurement.hpp"

namespace actbench {
namespace {

// The time limit keeps a run that misses the rule short (the fake samples come back at once).
constexpr cli::GpuSampling kLimits{.min_seconds = 0, .max_seconds = 1, .max_noise = 0.005, .min_samples = 10};

// Samples alternating between two times 1% apart: about 0.5% relative standard deviation, so the
// mean is known to 0.5% after a few samples.
cli::GpuMeasurement measure(bool throttled, double& seconds_taken) {
  int calls = 0;
  const auto sample = [&] {
    GpuSample s;
    s.seconds_per_launch = ++calls % 2 ? 1.00e-6 : 1.01e-6;
    s.launches = 1;
    s.throttled = throttled;
    s.sm_clock_mhz = throttled ? 1000 : 1980;
    return s;
  };
  const auto start = std::chrono::steady_clock::now();
  const cli::GpuMeasurement m = cli::measure_gpu(sample, kLimits);
  seconds_taken = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return m;
}

TEST(GpuMeasurement, StopsOnceTheKeptSamplesAreKnownToTheNoiseLimit) {
  double seconds = 0;
  const cli::GpuMeasurement m = measure(false, seconds);
  EXPECT_EQ(m.samples, kLimits.min_samples);
  EXPECT_EQ(m.throttled, 0);
  EXPECT_LT(seconds, 0.5);
}

TEST(GpuMeasurement, StopsWhenEverySampleIsThrottled) {
  double seconds = 0;
  const cli::GpuMeasurement m = measure(true, seconds);
  EXPECT_EQ(m.samples, kLimits.min_samples);
  EXPECT_EQ(m.throttled, m.samples);  // reported, and counted as throttled
  EXPECT_EQ(m.sm_clock_mhz, 1000);
  EXPECT_LT(seconds, 0.5) << "ran to the time limit";
}

}  // namespace
}  // namespace actbench
