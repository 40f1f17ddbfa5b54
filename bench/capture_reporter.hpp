#pragma once
// The display reporter actbench gives Google Benchmark: it forwards every report to the reporter the
// user asked for (--benchmark_format, colour and tabular flags honoured) and keeps Google Benchmark's
// own JSON of all runs, which the results file extends. (Google Benchmark accepts a second, file
// reporter only together with --benchmark_out, so the JSON is captured here.)
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

namespace actbench::cli {

class CaptureReporter : public benchmark::BenchmarkReporter {
 public:
  // `benchmark_args`: the user's --benchmark_* flags (format, colour, tabular, and
  // display_aggregates_only, which actbench applies here rather than in Google Benchmark so that
  // the captured JSON keeps every repetition).
  explicit CaptureReporter(const std::vector<std::string>& benchmark_args);

  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

  // Google Benchmark's JSON document ("" when nothing ran).
  std::string json() const { return json_.str(); }
  // From each run's run_name (as the JSON writes it) to the name it was registered with.
  const std::map<std::string, std::string>& registered_names() const { return registered_names_; }

 private:
  std::unique_ptr<benchmark::BenchmarkReporter> display_;
  bool display_aggregates_only_ = false;
  std::ostringstream json_;
  benchmark::JSONReporter json_reporter_;
  std::map<std::string, std::string> registered_names_;
};

// The user's flags without the ones CaptureReporter implements itself.
std::vector<std::string> flags_for_google_benchmark(const std::vector<std::string>& benchmark_args);

}  // namespace actbench::cli
