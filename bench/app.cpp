#include "bench/app.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench/benchmark_filter.hpp"
#include "bench/benchmark_flags.hpp"
#include "bench/capture_reporter.hpp"
#include "bench/case_list.hpp"
#include "bench/curves.hpp"
#include "bench/environment_json.hpp"
#include "bench/help.hpp"
#include "bench/interrupt.hpp"
#include "bench/machine.hpp"
#include "bench/methodology.hpp"
#include "bench/options.hpp"
#include "bench/peaks.hpp"
#include "bench/point_session.hpp"
#include "bench/registration.hpp"
#include "bench/results_document.hpp"
#include "bench/summary_table.hpp"
#include "bench/sweep.hpp"
#include "harness/results_writer.hpp"

namespace actbench::cli {
namespace {

// The methodology, with the user's --benchmark_repetitions / --benchmark_min_time in place of its
// defaults (so the results record what was actually done).
Methodology effective_methodology(const Options& o) {
  Methodology m = methodology_for(o.quick);
  if (const auto reps = benchmark_flag(o.benchmark_args, "repetitions")) m.repetitions = std::stoi(*reps);
  if (const auto min_time = benchmark_flag(o.benchmark_args, "min_time")) m.cpu_min_seconds = std::stod(*min_time);
  return m;
}

// Hands actbench's defaults and then the user's --benchmark_* flags to Google Benchmark (later flags
// win there). A flag it does not know is a usage error. `storage` keeps argv alive: Google Benchmark
// remembers argv[0].
void initialize_google_benchmark(const char* program, const Options& o, std::vector<std::string>& storage) {
  const Methodology defaults = methodology_for(o.quick);
  char min_time[32];
  std::snprintf(min_time, sizeof(min_time), "%g", defaults.cpu_min_seconds);
  storage = {program, "--benchmark_repetitions=" + std::to_string(defaults.repetitions),
             std::string("--benchmark_min_time=") + min_time};
  for (const std::string& flag : flags_for_google_benchmark(o.benchmark_args)) storage.push_back(flag);
  std::vector<char*> argv;
  for (std::string& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(storage.size());
  benchmark::Initialize(&argc, argv.data());
  if (argc > 1) throw UsageError(std::string("unknown or malformed Google Benchmark flag '") + argv[1] + "' (see --help)");
}

// One line per distinct reason, naming a few of the cases: a machine without a GPU skips hundreds
// of cases for one reason.
void print_skipped(const std::vector<SkippedCase>& skipped) {
  std::map<std::string, std::vector<std::string>> by_reason;
  for (const SkippedCase& s : skipped) by_reason[s.reason].push_back(s.c->id());
  constexpr std::size_t kNamed = 3;
  for (const auto& [reason, ids] : by_reason) {
    std::string names;
    for (std::size_t i = 0; i < ids.size() && i < kNamed; ++i) names += (i ? ", " : "") + ids[i];
    if (ids.size() > kNamed) names += ", ...";
    std::cerr << "skipped " << ids.size() << (ids.size() == 1 ? " case" : " cases") << " (" << names << "): " << reason
              << '\n';
  }
}

int exit_code(const std::vector<PointOutcome>& outcomes) {
  bool failed = false;
  for (const PointOutcome& out : outcomes) {
    if (out.status == PointStatus::error) return kExitRuntime;
    failed = failed || out.status == PointStatus::failed;
  }
  return failed ? kExitValidationFailed : kExitOk;
}

int run(int argc, char** argv) {
  const Options o = parse_options(std::vector<std::string>(argv + 1, argv + argc));
  if (o.help) {
    print_help(std::cout);
    return kExitOk;
  }
  const Methodology methodology = effective_methodology(o);
  std::vector<std::string> benchmark_argv;
  initialize_google_benchmark(argv[0], o, benchmark_argv);
  if (o.list != ListFormat::none) {
    print_case_list(std::cout, o);
    return kExitOk;
  }
  if (!o.dump_curves.empty()) {
    check_output_path("dump-curves", o.dump_curves);
    write_file_atomically(o.dump_curves, activation_curves(o).dump(1) + "\n");
    return kExitOk;
  }

  const Machine machine = probe_machine();
  check_against_machine(o, machine);
  const Sweep sweep = plan_sweep(o, machine);
  const std::vector<bool> matched = filter_points(sweep.points, benchmark_flag(o.benchmark_args, "filter"));
  std::vector<Point> to_run;
  for (std::size_t i = 0; i < sweep.points.size(); ++i) {
    if (matched[i]) to_run.push_back(sweep.points[i]);
  }
  if (!sweep.points.empty() && to_run.empty()) {
    throw UsageError("--benchmark_filter=" + benchmark_flag(o.benchmark_args, "filter").value_or("") + " matches none of the " +
                     std::to_string(sweep.points.size()) + " selected benchmarks (see --list)");
  }
  check_output_path("out", o.out);
  if (!o.quiet) print_skipped(sweep.skipped);
  // A build without CUDA registers no GPU case to skip: still answer a request for one.
  const bool wants_gpu = std::any_of(o.devices.begin(), o.devices.end(), [](const DeviceSelector& d) { return d.device == Device::cuda; });
  const bool gpu_skipped = std::any_of(sweep.skipped.begin(), sweep.skipped.end(), [](const SkippedCase& s) { return s.device == "cuda"; });
  if (wants_gpu && machine.gpus.empty() && !gpu_skipped) std::cerr << "skipped cuda: " << machine.no_gpu_reason << '\n';

  Progress progress(to_run.size(), o.quiet);
  const RunClock clock;
  std::optional<PeakSampler> roofline;
  // A copy that cannot be measured again (a GPU that has failed) must not cost the points already
  // measured: say so once, and keep the samples taken so far as the roofline.
  bool resampling = true;
  const auto resample = [&roofline, &resampling](const auto& take) {
    if (!roofline || !resampling) return;
    try {
      take(*roofline);
    } catch (const std::exception& e) {
      resampling = false;
      std::cerr << "actbench: the copy bandwidth could not be measured again (" << e.what()
                << "); the roofline keeps the samples taken so far\n";
    }
  };
  PointSession session(to_run, machine, clock, progress, methodology.seed, [&resample, &to_run](std::size_t next) {
    resample([&](PeakSampler& r) { r.sample_before(to_run[next]); });
  });
  register_points(to_run, session, methodology.gpu);
  if (is_truthy(benchmark_flag(o.benchmark_args, "list_tests").value_or("false"))) {
    benchmark::RunSpecifiedBenchmarks();  // prints the names and runs nothing
    return kExitOk;
  }
  catch_interrupts();
  roofline.emplace(to_run, machine, clock, o.quiet);
  CaptureReporter reporter(o.benchmark_args);
  if (!to_run.empty()) benchmark::RunSpecifiedBenchmarks(&reporter);
  session.release();
  const std::string interrupted_by = interruption();
  if (interrupted_by.empty()) resample([](PeakSampler& r) { r.sample(); });  // interrupted: leave at once
  const Peaks& peaks = roofline->peaks();

  nlohmann::json environment = environment_json(machine, peaks, methodology, command_line_of(argc, argv));
  const auto not_run = std::count_if(session.outcomes().begin(), session.outcomes().end(),
                                     [](const PointOutcome& out) { return out.status == PointStatus::pending; });
  const std::string out = interrupted_by.empty() ? o.out : interrupted_path(o.out);
  if (!interrupted_by.empty()) environment["interrupted"] = {{"signal", interrupted_by}, {"points_not_run", not_run}};
  const nlohmann::json results = results_document(
      reporter.json(), RunRecord{to_run, session.outcomes(), sweep.skipped, peaks, reporter.registered_names()},
      std::move(environment));
  write_file_atomically(out, results.dump(1) + "\n");
  print_summary(std::cout, results);
  std::cout << "results: " << out << '\n';
  benchmark::Shutdown();
  if (!interrupted_by.empty()) {
    std::cerr << "actbench: interrupted by " << interrupted_by << ": " << not_run << " of " << to_run.size()
              << " points not run; the points measured are in " << out << " (" << o.out << " is unchanged)\n";
    return kExitInterrupted;
  }
  return exit_code(session.outcomes());
}

}  // namespace

int run_actbench(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "actbench: " << e.what() << '\n';
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "actbench: error: " << e.what() << '\n';
    return kExitRuntime;
  } catch (...) {
    std::cerr << "actbench: error: an unknown exception\n";
    return kExitRuntime;
  }
}

}  // namespace actbench::cli
