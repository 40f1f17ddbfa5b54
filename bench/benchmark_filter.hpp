#pragma once
// Which points --benchmark_filter lets Google Benchmark run, known before it runs them: the
// progress counts them, the copy bandwidth is measured for their devices only, and a filter that
// matches nothing is a usage error rather than an empty results file.
#include <optional>
#include <string>
#include <vector>

#include "bench/sweep.hpp"

namespace actbench::cli {

// The name Google Benchmark gives a registered point (its time type and fixed iteration count
// appended), which is what the filter is matched against.
std::string google_benchmark_name(const Point& p);

// Google Benchmark's rule: a POSIX extended regex searched in the name; a leading '-' negates it;
// empty or "all" matches everything. Throws UsageError for a regex that does not compile.
std::vector<bool> filter_points(const std::vector<Point>& points, const std::optional<std::string>& filter);

}  // namespace actbench::cli
