#include "bench/capture_reporter.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "bench/benchmark_flags.hpp"
#include "bench/interrupt.hpp"

namespace actbench::cli {
namespace {

constexpr const char* kDisplayAggregatesOnly = "display_aggregates_only";

// Google Benchmark's rule for colour: "auto" means when stdout is a terminal that understands it.
bool use_colour(const std::vector<std::string>& args) {
  const std::string colour = benchmark_flag(args, "color").value_or("auto");
  if (colour == "auto") {
    const char* term = std::getenv("TERM");
    return ::isatty(STDOUT_FILENO) && term && std::string(term) != "dumb";
  }
  return is_truthy(colour);
}

std::unique_ptr<benchmark::BenchmarkReporter> make_display(const std::vector<std::string>& args) {
  const std::string format = benchmark_flag(args, "format").value_or("console");
  if (format == "json") return std::make_unique<benchmark::JSONReporter>();
  if (format == "csv") {
    // Deprecated upstream, but still a --benchmark_format that Google Benchmark 1.7 accepts.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    return std::make_unique<benchmark::CSVReporter>();
#pragma GCC diagnostic pop
  }
  int options = benchmark::ConsoleReporter::OO_None;
  if (use_colour(args)) options |= benchmark::ConsoleReporter::OO_Color;
  if (is_truthy(benchmark_flag(args, "counters_tabular").value_or("false"))) options |= benchmark::ConsoleReporter::OO_Tabular;
  return std::make_unique<benchmark::ConsoleReporter>(static_cast<benchmark::ConsoleReporter::OutputOptions>(options));
}

}  // namespace

CaptureReporter::CaptureReporter(const std::vector<std::string>& benchmark_args)
    : display_(make_display(benchmark_args)),
      display_aggregates_only_(is_truthy(benchmark_flag(benchmark_args, kDisplayAggregatesOnly).value_or("false"))) {
  json_reporter_.SetOutputStream(&json_);
  json_reporter_.SetErrorStream(&json_);
}

bool CaptureReporter::ReportContext(const Context& context) {
  json_reporter_.ReportContext(context);
  return display_->ReportContext(context);
}

void CaptureReporter::ReportRuns(const std::vector<Run>& runs) {
  for (const Run& run : runs) registered_names_[run.run_name.str()] = run.run_name.function_name;
  json_reporter_.ReportRuns(runs);
  // Google Benchmark still calls every point after an interruption, and each says it was not run:
  // the summary counts them instead of a line each. With display_aggregates_only, Google Benchmark
  // reports a point's repetitions and then its aggregates, in two calls; like it, show the
  // repetitions only when there will be no aggregates (a single repetition).
  std::vector<Run> shown;
  std::copy_if(runs.begin(), runs.end(), std::back_inserter(shown), [this](const Run& r) {
    if (r.error_occurred && r.error_message.rfind(kNotRunPrefix, 0) == 0) return false;
    return !display_aggregates_only_ || r.run_type == Run::RT_Aggregate || r.repetitions <= 1;
  });
  if (!shown.empty()) display_->ReportRuns(shown);
}

void CaptureReporter::Finalize() {
  json_reporter_.Finalize();
  display_->Finalize();
}

std::vector<std::string> flags_for_google_benchmark(const std::vector<std::string>& benchmark_args) {
  std::vector<std::string> flags;
  const std::string own = std::string("--benchmark_") + kDisplayAggregatesOnly;
  for (const std::string& arg : benchmark_args) {
    if (arg != own && arg.rfind(own + "=", 0) != 0) flags.push_back(arg);
  }
  return flags;
}

}  // namespace actbench::cli
