#include "harness/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace actbench {

double gigabytes_per_second(std::int64_t bytes, double seconds) {
  return static_cast<double>(bytes) / seconds / 1e9;
}

SampleSummary summarize(std::vector<double> samples) {
  if (samples.empty()) throw std::invalid_argument("summarize needs at least one sample");
  SampleSummary s;
  const std::size_t n = samples.size();
  std::sort(samples.begin(), samples.end());
  s.median = n % 2 ? samples[n / 2] : 0.5 * (samples[n / 2 - 1] + samples[n / 2]);
  s.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(n);
  if (n > 1) {
    double squares = 0;
    for (double v : samples) squares += (v - s.mean) * (v - s.mean);
    s.relative_stddev = std::sqrt(squares / static_cast<double>(n - 1)) / s.mean;
  }
  return s;
}

}  // namespace actbench
