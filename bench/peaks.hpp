#pragma once
// The roofline of this run: copy bandwidth measured now, on the devices and at the thread counts the
// sweep uses, so each point is compared with what this machine does today.
#include <map>

#include "bench/machine.hpp"
#include "bench/sweep.hpp"

namespace actbench::cli {

struct Peaks {
  std::map<int, double> cpu_gbps;  // by worker thread count
  std::map<int, double> gpu_gbps;  // by GPU index
};

// Throws std::runtime_error when a copy cannot be measured (no memory, a broken GPU).
Peaks measure_peaks(const std::vector<Point>& points, const Machine& machine, bool quiet);

// The peak a point is compared with.
double peak_for(const Peaks& peaks, const Point& p);

}  // namespace actbench::cli
