#include "bench/benchmark_filter.hpp"

#include <regex>

#include "bench/cpu_timing.hpp"

namespace actbench::cli {

std::string google_benchmark_name(const Point& p) {
  if (p.c->device == Device::cuda) return p.name + "/iterations:1/manual_time";
  return p.name + (cpu_point_uses_manual_time(*p.c) ? "/manual_time" : "/real_time");
}

std::vector<bool> filter_points(const std::vector<Point>& points, const std::optional<std::string>& filter) {
  std::string spec = filter.value_or("");
  if (spec.empty() || spec == "all") spec = ".";
  const bool negative = spec.front() == '-';
  if (negative) spec.erase(0, 1);
  std::regex re;
  try {
    re = std::regex(spec, std::regex_constants::extended);
  } catch (const std::regex_error& e) {
    throw UsageError("--benchmark_filter=" + filter.value_or("") + " is not a valid regular expression: " + e.what());
  }
  std::vector<bool> matched(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) matched[i] = std::regex_search(google_benchmark_name(points[i]), re) != negative;
  return matched;
}

}  // namespace actbench::cli
