#pragma once
// The figures derived from a measured time: bandwidth against the measured roofline, and the
// statistics of a set of timing samples.
#include <cstdint>
#include <vector>

namespace actbench {

// Bandwidth in GB/s (1 GB = 1e9 bytes, the unit memory bandwidth is quoted in).
double gigabytes_per_second(std::int64_t bytes, double seconds);

struct SampleSummary {
  double median = 0;
  double mean = 0;
  double relative_stddev = 0;  // sample standard deviation / mean: the noise nvbench stops on
};

// Throws std::invalid_argument for an empty set.
SampleSummary summarize(std::vector<double> samples);

}  // namespace actbench
