#pragma once
// The roofline of this run: copy bandwidth measured now, on the devices and at the thread counts the
// sweep uses, so each point is compared with what this machine does today. A shared VM's memory
// bandwidth drifts by a third within minutes (2-core EPYC VM: 26 to 46 GB/s within one hour), so the
// copy is measured again between points as the run goes on, and the peak is the fastest sample: what
// the machine was seen to do during the run. Every sample is kept for the results.
#include <chrono>
#include <map>
#include <vector>

#include "bench/machine.hpp"
#include "bench/sweep.hpp"

namespace actbench::cli {

struct Peaks {
  std::map<int, std::vector<double>> cpu_samples;  // GB/s, by worker thread count, in time order
  std::map<int, std::vector<double>> gpu_samples;  // GB/s, by GPU index, in time order

  // The fastest sample of each.
  std::map<int, double> cpu_gbps() const;
  std::map<int, double> gpu_gbps() const;
};

class PeakSampler {
 public:
  // Time between samples once the first is taken.
  static constexpr std::chrono::seconds kInterval{120};

  // Takes the first sample. Throws std::runtime_error when a copy cannot be measured (no memory, a
  // broken GPU).
  PeakSampler(const std::vector<Point>& points, const Machine& machine, bool quiet);

  // Measures every copy again (between points, never inside a timed region).
  void sample();
  // sample() once kInterval has passed since the last one.
  void sample_if_due();

  const Peaks& peaks() const { return peaks_; }

 private:
  const Machine& machine_;
  bool quiet_;
  Peaks peaks_;
  std::chrono::steady_clock::time_point last_;
};

// The peak a point is compared with.
double peak_for(const Peaks& peaks, const Point& p);

}  // namespace actbench::cli
