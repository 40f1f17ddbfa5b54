#pragma once
// The results file: Google Benchmark's JSON (its context and every run, so its own tools still read
// it) extended with actbench's structured fields per run, the environment, and the skipped and
// failed cases. results/schema.json describes it.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/peaks.hpp"
#include "bench/point_session.hpp"
#include "bench/sweep.hpp"

namespace actbench::cli {

struct RunRecord {
  const std::vector<Point>& points;
  const std::vector<PointOutcome>& outcomes;
  const std::vector<SkippedCase>& skipped;
  const Peaks& peaks;
  // From Google Benchmark's run_name to the point's registered name (CaptureReporter).
  const std::map<std::string, std::string>& registered_names;
};

// `google_benchmark_json` is Google Benchmark's document ("" when nothing ran); `environment` becomes
// context.actbench. Runs that Google Benchmark reports as errors are the skipped and failed points:
// they appear in "skipped" and "failures" instead of "benchmarks", which hold only timed runs.
nlohmann::json results_document(const std::string& google_benchmark_json, const RunRecord& record,
                                 nlohmann::json environment);

// The validation record of a point (non-finite errors written as null).
nlohmann::json validation_json(const ValidationResult& v, bool with_mismatch);

}  // namespace actbench::cli
