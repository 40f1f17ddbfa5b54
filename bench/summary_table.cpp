#include "bench/summary_table.hpp"

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "kernels/case.hpp"

namespace actbench::cli {
namespace {

std::string format_time(double ns) {
  char text[32];
  if (ns < 1e3) {
    std::snprintf(text, sizeof(text), "%.0f ns", ns);
  } else if (ns < 1e6) {
    std::snprintf(text, sizeof(text), "%.2f us", ns / 1e3);
  } else if (ns < 1e9) {
    std::snprintf(text, sizeof(text), "%.2f ms", ns / 1e6);
  } else {
    std::snprintf(text, sizeof(text), "%.2f s", ns / 1e9);
  }
  return text;
}

double nanoseconds(const nlohmann::json& e) {
  const std::string unit = e.at("time_unit");
  const double scale = unit == "ns" ? 1 : unit == "us" ? 1e3 : unit == "ms" ? 1e6 : 1e9;
  return e.at("real_time").get<double>() * scale;
}

// The entry that stands for a point: its median aggregate, or its only run without repetitions.
bool is_headline(const nlohmann::json& e) {
  if (e.value("run_type", "") == "aggregate") return e.value("aggregate_name", "") == "median";
  return e.value("repetitions", 1) <= 1;
}

// The element count, or a GEMM layer's MxNxK.
std::string size_of_entry(const nlohmann::json& e) {
  const nlohmann::json& shape = e.at("shape");
  if (shape.size() == 3) {
    return size_label(Shape{shape[0].get<std::int64_t>(), shape[1].get<std::int64_t>(), shape[2].get<std::int64_t>()});
  }
  return format_elements(e.value("elements", std::int64_t{0}));
}

// "12.3", or "-" for a missing or non-finite figure.
std::string figure(const nlohmann::json& e, const char* field, double scale, const char* format) {
  if (!e.contains(field) || !e[field].is_number()) return "-";
  char text[32];
  std::snprintf(text, sizeof(text), format, scale * e[field].get<double>());
  return text;
}

std::string case_key(const nlohmann::json& e) {
  return e.value("activation", "") + e.value("direction", "") + e.value("implementation", "") + e.value("device", "") +
         e.value("dtype", "");
}

}  // namespace

std::string format_elements(std::int64_t n) {
  for (const auto& [shift, suffix] : {std::pair{30, "G"}, std::pair{20, "M"}, std::pair{10, "K"}}) {
    if (n >= (std::int64_t{1} << shift) && n % (std::int64_t{1} << shift) == 0) {
      return std::to_string(n >> shift) + suffix;
    }
  }
  return std::to_string(n);
}

void print_summary(std::ostream& out, const nlohmann::json& results) {
  char line[256];
  const char* format = "%-11s %-9s %-13s %-7s %-5s %-8s %-5s %14s %11s %9s %7s %7s %9s %9s\n";
  std::snprintf(line, sizeof(line), format, "activation", "direction", "impl", "device", "dtype", "input", "l2", "size",
                "time", "GB/s", "%peak", "%local", "%samesize", "GFLOP/s");
  std::string table = line;
  std::string previous;
  std::size_t rows = 0;
  for (const nlohmann::json& e : results.at("benchmarks")) {
    if (!is_headline(e) || !e.contains("gbps") || e["gbps"].is_null()) continue;
    if (!previous.empty() && case_key(e) != previous) table += '\n';
    previous = case_key(e);
    std::snprintf(line, sizeof(line), format, e.value("activation", "").c_str(), e.value("direction", "").c_str(),
                  e.value("implementation", "").c_str(), e.value("device", "").c_str(), e.value("dtype", "").c_str(),
                  e.value("input", "").c_str(), e.value("l2", "-").c_str(), size_of_entry(e).c_str(),
                  format_time(nanoseconds(e)).c_str(), figure(e, "gbps", 1, "%.2f").c_str(),
                  figure(e, "fraction_of_peak", 100, "%.1f%%").c_str(),
                  figure(e, "fraction_of_local_peak", 100, "%.1f%%").c_str(),
                  figure(e, "fraction_of_same_size_copy", 100, "%.1f%%").c_str(), figure(e, "gflops", 1, "%.1f").c_str());
    table += line;
    ++rows;
  }
  if (rows > 0) out << '\n' << table;
  out << '\n'
      << rows << " points timed, " << results.at("skipped").size() << " skipped, " << results.at("failures").size()
      << " failed\n";
}

}  // namespace actbench::cli
