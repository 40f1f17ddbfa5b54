#include "bench/results_document.hpp"

#include <cmath>
#include <optional>
#include <stdexcept>

#include "harness/metrics.hpp"
#include "kernels/registry.hpp"

namespace actbench::cli {
namespace {

double seconds_per(const std::string& time_unit) {
  if (time_unit == "ns") return 1e-9;
  if (time_unit == "us") return 1e-6;
  if (time_unit == "ms") return 1e-3;
  if (time_unit == "s") return 1.0;
  throw std::runtime_error("Google Benchmark reported an unknown time unit '" + time_unit + "'");
}

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

// The fields naming a case, shared by benchmark entries, skipped and failed records.
nlohmann::json case_fields(const Case& c, const std::string& device) {
  return {{"activation", c.activation},
          {"direction", name_of(c.direction)},
          {"implementation", c.implementation},
          {"device", device},
          {"dtype", name_of(c.dtype)}};
}

nlohmann::json point_fields(const Point& p) {
  nlohmann::json f = case_fields(*p.c, p.device());
  f["input"] = name_of(p.input);
  if (p.c->device == Device::cuda) f["l2"] = p.cold_l2 ? "cold" : "hot";
  f["shape"] = p.shape.depth > 0 ? nlohmann::json{p.shape.rows, p.shape.channels, p.shape.depth}
                                 : nlohmann::json{p.shape.rows, p.shape.channels};
  f["elements"] = p.shape.elements();
  return f;
}

// Runs whose real_time is a time per iteration (not a standard deviation or a ratio): they have a
// bandwidth.
bool is_time(const nlohmann::json& entry) {
  if (entry.value("run_type", "") != "aggregate") return true;
  return entry.value("aggregate_unit", "time") == "time" && entry.value("aggregate_name", "") != "stddev";
}

void add_point_fields(nlohmann::json& entry, const Point& p, const PointOutcome& out, const Peaks& peaks) {
  const std::int64_t bytes = minimum_bytes(*p.c, p.shape);
  const std::int64_t flop = matmul_flops(*p.c, p.shape);
  const double peak_gbps = peak_for(peaks, p);
  const double local_peak_gbps = local_peak_for(peaks, p, out.timed_from_s, out.timed_to_s);
  const std::optional<double> peak_gflops = matmul_peak_for(peaks, p);
  const std::optional<double> same_size_gbps = same_size_copy_for(peaks, p);
  entry.update(point_fields(p));
  entry["bytes"] = bytes;
  entry["peak_gbps"] = peak_gbps;
  entry["local_peak_gbps"] = local_peak_gbps;
  entry["timed_seconds"] = {out.timed_from_s, out.timed_to_s};
  if (same_size_gbps) entry["same_size_copy_gbps"] = *same_size_gbps;
  if (flop > 0) entry["flop"] = flop;
  if (peak_gflops) entry["peak_gflops"] = *peak_gflops;
  // Google Benchmark runs each point on one thread of its own; the case's worker threads replace
  // its count (1) so that the entry states the parallelism its time and peak belong to.
  entry["threads"] = p.threads;
  entry["validation"] = validation_json(out.validation, false);
  if (out.sparsity) entry["sparsity"] = *out.sparsity;
  if (out.launch_overhead_seconds) entry["launch_overhead_ns"] = *out.launch_overhead_seconds * 1e9;
  if (!out.library_kernel.empty()) entry["library_kernel"] = out.library_kernel;
  if (is_time(entry)) {
    const double seconds = entry.at("real_time").get<double>() * seconds_per(entry.at("time_unit").get<std::string>());
    const double gbps = gigabytes_per_second(bytes, seconds);
    entry["gbps"] = number_or_null(gbps);
    entry["fraction_of_peak"] = number_or_null(gbps / peak_gbps);
    entry["fraction_of_local_peak"] = number_or_null(gbps / local_peak_gbps);
    if (same_size_gbps) entry["fraction_of_same_size_copy"] = number_or_null(gbps / *same_size_gbps);
    if (flop > 0) {
      const double gflops = static_cast<double>(flop) / seconds / 1e9;
      entry["gflops"] = number_or_null(gflops);
      if (peak_gflops) entry["fraction_of_matmul_peak"] = number_or_null(gflops / *peak_gflops);
    }
  }
}

}  // namespace

nlohmann::json validation_json(const ValidationResult& v, bool with_mismatch) {
  nlohmann::json out = {{"max_abs_error", number_or_null(v.max_abs_error)},
                        {"max_rel_error", number_or_null(v.max_rel_error)},
                        {"max_ulp", number_or_null(v.max_ulp)},
                        {"max_tolerance_used", number_or_null(v.max_tolerance_used)},
                        {"tolerance", {{"abs", v.tolerance.abs}, {"rel", v.tolerance.rel}}},
                        {"passed", v.passed}};
  if (with_mismatch) {
    out["mismatches"] = v.mismatches;
    out["first_mismatch"] = v.first_mismatch;
  }
  return out;
}

nlohmann::json results_document(const std::string& google_benchmark_json, const RunRecord& record,
                                 nlohmann::json environment) {
  nlohmann::json doc = google_benchmark_json.empty()
                           ? nlohmann::json{{"context", nlohmann::json::object()}, {"benchmarks", nlohmann::json::array()}}
                           : nlohmann::json::parse(google_benchmark_json);
  doc["context"]["actbench"] = std::move(environment);

  std::map<std::string, std::size_t> index_of;
  for (std::size_t i = 0; i < record.points.size(); ++i) index_of[record.points[i].name] = i;

  nlohmann::json timed = nlohmann::json::array();
  for (nlohmann::json& entry : doc["benchmarks"]) {
    if (entry.value("error_occurred", false)) continue;
    const auto name = record.registered_names.find(entry.at("run_name").get<std::string>());
    if (name == record.registered_names.end() || !index_of.count(name->second)) {
      throw std::runtime_error("Google Benchmark reported an unknown benchmark " + entry.at("run_name").dump());
    }
    const std::size_t i = index_of.at(name->second);
    // A point that broke during timing is reported under "failures", not with its partial times.
    if (record.outcomes[i].status != PointStatus::measured) continue;
    add_point_fields(entry, record.points[i], record.outcomes[i], record.peaks);
    timed.push_back(std::move(entry));
  }
  doc["benchmarks"] = std::move(timed);

  nlohmann::json skipped = nlohmann::json::array();
  for (const SkippedCase& s : record.skipped) {
    nlohmann::json item = case_fields(*s.c, s.device);
    item["reason"] = s.reason;
    skipped.push_back(std::move(item));
  }
  nlohmann::json failures = nlohmann::json::array();
  for (std::size_t i = 0; i < record.points.size(); ++i) {
    const PointOutcome& out = record.outcomes[i];
    nlohmann::json item = point_fields(record.points[i]);
    if (out.status == PointStatus::skipped) {
      item["reason"] = out.reason;
      skipped.push_back(std::move(item));
    } else if (out.status == PointStatus::failed) {
      item["validation"] = validation_json(out.validation, true);
      failures.push_back(std::move(item));
    } else if (out.status == PointStatus::error) {
      item["error"] = out.reason;
      failures.push_back(std::move(item));
    }
  }
  doc["skipped"] = std::move(skipped);
  doc["failures"] = std::move(failures);
  return doc;
}

}  // namespace actbench::cli
