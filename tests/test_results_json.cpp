// The results file of a real (small) run: Google Benchmark's document with every actbench field the
// scripts rely on, consistent figures, validation against results/schema.json, and an atomic write.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/environment_json.hpp"
#include "bench/interrupt.hpp"
#include "bench/results_document.hpp"
#include "harness/inputs.hpp"
#include "harness/results_writer.hpp"
#include "kernels/registry.hpp"
#include "tests/actbench_process.hpp"

namespace actbench {
namespace {

using testing::read_text;
using testing::run_actbench;
using testing::ScratchDir;

constexpr int kRepetitions = 3;
// --sizes=4K and --gemm-shapes=16x256x32: every point has 4096 outputs, 16 rows of 256 channels.
constexpr Shape kGemmLayer{16, 256, 32};

Shape shape_of(const Case& c) { return c.signature.gemm ? kGemmLayer : Shape{16, 256}; }

// Implementations that together cover every kind of case (plain, in place, bias, mask, zero
// statistics, GEMM layer), where registered.
std::string covering_implementations() {
  std::string impls = "naive";
  for (const char* wanted : {"inplace", "fused_bias", "mask", "fused_stats", "fused_gemm"}) {
    const bool registered = std::any_of(registry().cases().begin(), registry().cases().end(),
                                        [&](const Case& c) { return c.implementation == wanted && c.device == Device::cpu; });
    if (registered) impls += std::string(",") + wanted;
  }
  return impls;
}

const Case* find_case(const nlohmann::json& e) {
  for (const Case& c : registry().cases()) {
    if (c.activation == e.at("activation") && name_of(c.direction) == e.at("direction").get<std::string>() &&
        c.implementation == e.at("implementation") && name_of(c.device) == "cpu" &&
        name_of(c.dtype) == e.at("dtype").get<std::string>()) {
      return &c;
    }
  }
  return nullptr;
}

class ResultsJson : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir;
    run_ = new testing::ProcessResult(run_actbench(
        "--devices=cpu --activations=relu,prelu,crelu --impls=" + covering_implementations() +
            " --dtypes=f32 --sizes=4K --gemm-shapes=16x256x32 --threads=1 --quiet --benchmark_min_time=0.001 --benchmark_repetitions=" +
            std::to_string(kRepetitions) + " --out=results/run.json",
        *dir_));
    if (run_->exit_code == 0) results_ = new nlohmann::json(nlohmann::json::parse(read_text(*dir_ / "results/run.json")));
  }
  static void TearDownTestSuite() {
    delete results_;
    delete run_;
    delete dir_;
  }
  void SetUp() override { ASSERT_TRUE(results_) << "the run failed: " << run_->err; }

  static ScratchDir* dir_;
  static testing::ProcessResult* run_;
  static nlohmann::json* results_;
};
ScratchDir* ResultsJson::dir_ = nullptr;
testing::ProcessResult* ResultsJson::run_ = nullptr;
nlohmann::json* ResultsJson::results_ = nullptr;

TEST_F(ResultsJson, ContextKeepsGoogleBenchmarksFieldsAndAddsTheEnvironment) {
  const auto& context = results_->at("context");
  for (const char* field : {"date", "host_name", "executable", "num_cpus", "caches", "library_build_type"}) {
    EXPECT_TRUE(context.contains(field)) << field;
  }
  const auto& env = context.at("actbench");
  EXPECT_EQ(env.at("schema_version"), 1);
  for (const char* field : {"version", "git_commit", "build_type", "compiler", "command_line"}) {
    EXPECT_FALSE(env.at(field).get<std::string>().empty()) << field;
  }
  const auto& cpu = env.at("cpu");
  EXPECT_FALSE(cpu.at("vector_isa").get<std::string>().empty());
  EXPECT_GE(cpu.at("cores").get<int>(), 1);
  EXPECT_GE(cpu.at("threads").get<int>(), 1);
  EXPECT_FALSE(cpu.at("caches").empty());
  EXPECT_GT(cpu.at("copy_bandwidth_gbps").at("1").get<double>(), 0);  // the run's --threads=1
  // Sampled at the start and at the end at least; the peak is the fastest sample.
  const auto samples = cpu.at("copy_bandwidth_samples_gbps").at("1").get<std::vector<double>>();
  ASSERT_GE(samples.size(), 2u);
  EXPECT_EQ(cpu.at("copy_bandwidth_gbps").at("1").get<double>(), *std::max_element(samples.begin(), samples.end()));
  EXPECT_TRUE(env.at("gpus").is_array());
  EXPECT_FALSE(env.at("libraries").at("google_benchmark").get<std::string>().empty());
  EXPECT_FALSE(env.at("libraries").at("onednn").get<std::string>().empty());
  EXPECT_TRUE(env.at("environment_variables").is_object());
}

TEST(EnvironmentVariables, TheOnesThatChangeARunAreRecordedAndNoOthers) {
  ASSERT_EQ(setenv("OMP_WAIT_POLICY", "active", 1), 0);
  ASSERT_EQ(setenv("MALLOC_MMAP_MAX_", "0", 1), 0);
  ASSERT_EQ(setenv("ACTBENCH_UNRELATED", "x", 1), 0);
  const nlohmann::json variables = cli::environment_variables_json();
  EXPECT_EQ(variables.at("OMP_WAIT_POLICY"), "active");
  EXPECT_EQ(variables.at("MALLOC_MMAP_MAX_"), "0");
  EXPECT_FALSE(variables.contains("ACTBENCH_UNRELATED"));
  EXPECT_FALSE(variables.contains("PATH"));
  for (const char* name : {"OMP_WAIT_POLICY", "MALLOC_MMAP_MAX_", "ACTBENCH_UNRELATED"}) unsetenv(name);
}

TEST_F(ResultsJson, EveryEntryCarriesTheStructuredFields) {
  const auto& benchmarks = results_->at("benchmarks");
  ASSERT_FALSE(benchmarks.empty());
  for (const auto& e : benchmarks) {
    for (const char* field : {"name", "run_name", "run_type", "repetitions", "threads", "iterations", "real_time",
                              "cpu_time", "time_unit", "activation", "direction", "implementation", "device", "dtype",
                              "input", "shape", "elements", "bytes", "peak_gbps", "validation"}) {
      ASSERT_TRUE(e.contains(field)) << field << " in " << e.at("name");
    }
    EXPECT_EQ(e.at("device"), "cpu");
    EXPECT_EQ(e.at("threads"), 1);
    const Case* c = find_case(e);
    ASSERT_NE(c, nullptr) << e.at("name");
    EXPECT_EQ(e.at("elements"), 4096);
    const nlohmann::json shape = c->signature.gemm ? nlohmann::json{16, 256, 32} : nlohmann::json{16, 256};
    EXPECT_EQ(e.at("shape"), shape);
    EXPECT_TRUE(e.at("validation").at("passed").get<bool>());
    for (const char* field : {"max_abs_error", "max_rel_error", "max_ulp", "max_tolerance_used"}) {
      EXPECT_TRUE(e.at("validation").contains(field)) << field;
    }
    EXPECT_TRUE(e.at("validation").at("tolerance").contains("abs"));
    if (e.at("direction") == "forward") {
      const double sparsity = e.at("sparsity");
      EXPECT_GE(sparsity, 0.0);
      EXPECT_LE(sparsity, 1.0);
    } else {
      EXPECT_FALSE(e.contains("sparsity"));
    }
    EXPECT_EQ(e.at("bytes").get<std::int64_t>(), minimum_bytes(*c, shape_of(*c))) << e.at("name");
    EXPECT_EQ(e.contains("flop"), c->signature.gemm) << e.at("name");
    // Which of oneDNN's kernels ran, for the cases that call it (unfused_gemm's matmul too); none for ours.
    const std::string implementation = e.at("implementation");
    const bool onednn =
        implementation == "onednn" || implementation == "fused_gemm" || implementation == "unfused_gemm";
    ASSERT_EQ(e.contains("library_kernel"), onednn) << e.at("name");
    if (onednn) {
      EXPECT_FALSE(e.at("library_kernel").get<std::string>().empty()) << e.at("name");
    }
  }
}

TEST_F(ResultsJson, BandwidthFollowsFromBytesTimeAndTheMeasuredPeak) {
  const double peak = results_->at("context").at("actbench").at("cpu").at("copy_bandwidth_gbps").at("1");
  for (const auto& e : results_->at("benchmarks")) {
    EXPECT_DOUBLE_EQ(e.at("peak_gbps").get<double>(), peak);
    const std::string aggregate = e.value("aggregate_name", "");
    if (aggregate == "stddev" || aggregate == "cv") {
      EXPECT_FALSE(e.contains("gbps")) << e.at("name");
      continue;
    }
    ASSERT_EQ(e.at("time_unit"), "ns");
    const double seconds = e.at("real_time").get<double>() * 1e-9;
    const double gbps = e.at("gbps");
    EXPECT_NEAR(gbps, e.at("bytes").get<double>() / seconds / 1e9, 1e-9 * gbps) << e.at("name");
    EXPECT_NEAR(e.at("fraction_of_peak").get<double>(), gbps / peak, 1e-12 * gbps) << e.at("name");
    if (e.contains("flop")) {  // a layer: 2 M N K over the same time, against the run's matmul roof
      const double gflops = e.at("gflops");
      const double roof = results_->at("context").at("actbench").at("cpu").at("matmul_gflops").at("1").at("f32");
      EXPECT_EQ(e.at("flop").get<std::int64_t>(), 2 * 16 * 256 * 32);
      EXPECT_NEAR(gflops, 2 * 16 * 256 * 32 / seconds / 1e9, 1e-9 * gflops);
      EXPECT_DOUBLE_EQ(e.at("peak_gflops").get<double>(), roof);
      EXPECT_NEAR(e.at("fraction_of_matmul_peak").get<double>(), gflops / roof, 1e-12 * gflops);
    } else {
      EXPECT_FALSE(e.contains("gflops") || e.contains("peak_gflops")) << e.at("name");
    }
    // Google Benchmark averages the repetitions' rates, so an aggregate's rate is not 1 / its time.
    if (e.at("run_type") == "iteration") {
      EXPECT_NEAR(e.at("items_per_second").get<double>(), 4096 / seconds, 1e-6 * 4096 / seconds) << e.at("name");
    }
  }
}

TEST_F(ResultsJson, EachPointIsAlsoComparedWithTheCopySamplesTakenAroundIt) {
  const auto& env = results_->at("context").at("actbench");
  const auto at = env.at("copy_sample_seconds").get<std::vector<double>>();
  const auto samples = env.at("cpu").at("copy_bandwidth_samples_gbps").at("1").get<std::vector<double>>();
  ASSERT_EQ(at.size(), samples.size());
  EXPECT_TRUE(std::is_sorted(at.begin(), at.end()));
  for (const auto& e : results_->at("benchmarks")) {
    const auto timed = e.at("timed_seconds").get<std::vector<double>>();
    ASSERT_EQ(timed.size(), 2u);
    EXPECT_LE(at.front(), timed[0]) << e.at("name");  // the first sample comes before any point
    EXPECT_LE(timed[0], timed[1]) << e.at("name");
    EXPECT_LE(timed[1], at.back()) << e.at("name");   // and the last after every point
    const double local = e.at("local_peak_gbps");
    EXPECT_LE(local, e.at("peak_gbps").get<double>()) << e.at("name");
    EXPECT_GE(local, *std::min_element(samples.begin(), samples.end())) << e.at("name");
    if (e.contains("gbps")) {
      const double gbps = e.at("gbps");
      EXPECT_NEAR(e.at("fraction_of_local_peak").get<double>(), gbps / local, 1e-12 * gbps) << e.at("name");
    }
  }
}

TEST_F(ResultsJson, EachElementwisePointIsComparedWithACopyOfItsOwnSize) {
  std::map<std::string, double> copy_of;  // by benchmark name: one figure for all its entries
  for (const auto& e : results_->at("benchmarks")) {
    if (e.contains("flop")) {  // a GEMM layer: its roof is the matmul's
      EXPECT_FALSE(e.contains("same_size_copy_gbps")) << e.at("name");
      continue;
    }
    ASSERT_TRUE(e.contains("same_size_copy_gbps")) << e.at("name");
    const double copy = e.at("same_size_copy_gbps");
    EXPECT_GT(copy, 0) << e.at("name");
    EXPECT_EQ(copy_of.emplace(e.at("run_name").get<std::string>(), copy).first->second, copy) << e.at("name");
    if (e.contains("gbps")) {
      const double gbps = e.at("gbps");
      EXPECT_NEAR(e.at("fraction_of_same_size_copy").get<double>(), gbps / copy, 1e-12 * gbps) << e.at("name");
    }
  }
  EXPECT_FALSE(copy_of.empty());
}

TEST_F(ResultsJson, EveryRepetitionAndEveryAggregateIsKept) {
  std::map<std::string, std::multiset<std::string>> runs;  // run_name -> run kinds
  for (const auto& e : results_->at("benchmarks")) {
    runs[e.at("run_name")].insert(e.at("run_type") == "iteration" ? "iteration" : e.at("aggregate_name").get<std::string>());
  }
  for (const auto& [name, kinds] : runs) {
    EXPECT_EQ(kinds.count("iteration"), static_cast<std::size_t>(kRepetitions)) << name;
    for (const char* aggregate : {"mean", "median", "stddev", "cv"}) EXPECT_EQ(kinds.count(aggregate), 1u) << name;
  }
}

TEST_F(ResultsJson, CasesThatCannotRunAreListedAsSkippedWithTheirReason) {
  std::set<std::string> timed, skipped;
  for (const auto& e : results_->at("benchmarks")) timed.insert(find_case(e)->id());
  for (const auto& s : results_->at("skipped")) {
    EXPECT_FALSE(s.at("reason").get<std::string>().empty());
    skipped.insert(s.at("activation").get<std::string>() + "/" + s.at("direction").get<std::string>() + "/" +
                   s.at("implementation").get<std::string>() + "/" + s.at("device").get<std::string>() + "/" +
                   s.at("dtype").get<std::string>());
  }
  // Every selected case is either timed or skipped: none is dropped silently.
  for (const Case& c : registry().cases()) {
    const bool selected = c.device == Device::cpu && c.dtype == DType::f32 &&
                          (c.activation == "relu" || c.activation == "prelu" || c.activation == "crelu") &&
                          ("," + covering_implementations() + ",").find("," + c.implementation + ",") != std::string::npos;
    if (selected) {
      EXPECT_EQ(timed.count(c.id()) + skipped.count(c.id()), 1u) << c.id();
    }
  }
  EXPECT_TRUE(results_->at("failures").empty());
}

TEST_F(ResultsJson, MatchesTheSchema) {
  const std::filesystem::path venv = std::filesystem::path(ACTBENCH_SOURCE_DIR) / ".venv/bin/python";
  const std::string python = std::filesystem::exists(venv) ? venv.string() : "python3";
  if (std::system((python + " -c 'import jsonschema' 2>/dev/null").c_str()) != 0) {
    GTEST_SKIP() << "Python's jsonschema is not installed (scripts/bootstrap.sh installs it)";
  }
  const std::string check =
      python + " -c 'import json, sys, jsonschema; "
               "schema = json.load(open(sys.argv[1])); "
               "jsonschema.Draft202012Validator.check_schema(schema); "
               "jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[2])))' '" ACTBENCH_SOURCE_DIR
               "/results/schema.json' '" +
      (*dir_ / "results/run.json").string() + "'";
  EXPECT_EQ(std::system(check.c_str()), 0);
}

// The schema's names of the input distributions are actbench's (--inputs), all of them.
TEST(ResultsSchema, NamesEveryInputDistribution) {
  std::ifstream file(ACTBENCH_SOURCE_DIR "/results/schema.json");
  ASSERT_TRUE(file) << "results/schema.json";
  const nlohmann::json schema = nlohmann::json::parse(file);
  std::vector<std::string> names;
  for (InputKind k : kAllInputKinds) names.emplace_back(name_of(k));
  EXPECT_EQ(schema.at("$defs").at("input").at("enum").get<std::vector<std::string>>(), names);
}

TEST(ResultsDocument, FailedSkippedAndBrokenPointsAreReportedNotTimed) {
  const Case* c = &registry().cases().front();
  std::vector<cli::Point> points;
  for (int i = 0; i < 3; ++i) points.push_back(cli::Point{c, 0, Shape{1, 64}, InputKind::mixed, true, 1, "p" + std::to_string(i)});
  std::vector<cli::PointOutcome> outcomes(3);
  outcomes[0].status = cli::PointStatus::failed;
  outcomes[0].validation.passed = false;
  outcomes[0].validation.mismatches = 2;
  outcomes[0].validation.max_abs_error = INFINITY;
  outcomes[0].validation.first_mismatch = "y element 3: got nan";
  outcomes[1].status = cli::PointStatus::skipped;
  outcomes[1].reason = "needs 9 MiB, 1 MiB free on cpu";
  outcomes[2].status = cli::PointStatus::error;
  outcomes[2].reason = "launch failed";
  const std::vector<cli::SkippedCase> skipped{{c, "cuda", "no CUDA device present"}};
  const cli::Peaks peaks{{{1, {10.0}}}, {}, {0.0}, {}, {}, {}};
  const std::map<std::string, std::string> names;
  const auto doc = cli::results_document("", cli::RunRecord{points, outcomes, skipped, peaks, names},
                                         nlohmann::json{{"schema_version", 1}});
  EXPECT_TRUE(doc.at("benchmarks").empty());
  ASSERT_EQ(doc.at("failures").size(), 2u);
  const auto& failed = doc.at("failures")[0];
  EXPECT_FALSE(failed.at("validation").at("passed").get<bool>());
  EXPECT_TRUE(failed.at("validation").at("max_abs_error").is_null());  // infinity is not JSON
  EXPECT_EQ(failed.at("validation").at("mismatches"), 2);
  EXPECT_EQ(failed.at("validation").at("first_mismatch"), "y element 3: got nan");
  EXPECT_EQ(doc.at("failures")[1].at("error"), "launch failed");
  ASSERT_EQ(doc.at("skipped").size(), 2u);
  EXPECT_EQ(doc.at("skipped")[0].at("device"), "cuda");
  EXPECT_EQ(doc.at("skipped")[1].at("reason"), "needs 9 MiB, 1 MiB free on cpu");
  EXPECT_EQ(doc.at("context").at("actbench").at("schema_version"), 1);
}

TEST(ResultsDocument, APointIsComparedWithTheFastestCopySample) {
  const auto& cases = registry().cases();
  const Case* c = &*std::find_if(cases.begin(), cases.end(), [](const Case& k) { return k.device == Device::cpu; });
  const cli::Point point{c, 0, Shape{1, 64}, InputKind::mixed, true, 2, "p"};
  const cli::Peaks peaks{{{2, {10.0, 30.0, 20.0}}}, {}, {0.0, 30.0, 60.0}, {}, {}, {}};
  EXPECT_EQ(peaks.cpu_gbps().at(2), 30.0);
  EXPECT_EQ(cli::peak_for(peaks, point), 30.0);
}

TEST(ResultsDocument, APointsLocalPeakIsTheFastestSampleAroundTheTimeItWasTimed) {
  const auto& cases = registry().cases();
  const Case* c = &*std::find_if(cases.begin(), cases.end(), [](const Case& k) { return k.device == Device::cpu; });
  const cli::Point point{c, 0, Shape{1, 64}, InputKind::mixed, true, 2, "p"};
  // Samples every 30 s; the slow ones are the machine's bandwidth between its fast spells.
  const cli::Peaks peaks{{{2, {10.0, 30.0, 20.0, 40.0}}}, {}, {0.0, 30.0, 60.0, 90.0}, {}, {}, {}};
  EXPECT_EQ(cli::local_peak_for(peaks, point, 35, 50), 30.0);   // the samples just before and after
  EXPECT_EQ(cli::local_peak_for(peaks, point, 61, 70), 40.0);
  EXPECT_EQ(cli::local_peak_for(peaks, point, 1, 2), 30.0);
  EXPECT_EQ(cli::local_peak_for(peaks, point, 30, 30), 30.0);   // taken at that very moment
  EXPECT_EQ(cli::local_peak_for(peaks, point, 95, 100), 40.0);  // after the last sample: the last
  EXPECT_EQ(cli::local_peak_for(peaks, point, 5, 85), 40.0);    // interleaved repetitions span the run
}

TEST(AtomicWrite, ReplacesTheFileAndLeavesNoTemporary) {
  ScratchDir dir;
  const auto path = dir / "r.json";
  write_file_atomically(path.string(), "old");
  write_file_atomically(path.string(), "new");
  EXPECT_EQ(read_text(path), "new");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(AtomicWrite, AFailedWriteLeavesThePreviousFileIntact) {
  ScratchDir dir;
  const auto path = dir / "r.json";
  write_file_atomically(path.string(), "previous results");
  // A file-size limit makes the write fail half-way, as a full disk would.
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  const auto previous_handler = signal(SIGXFSZ, SIG_IGN);
  rlimit small = saved;
  small.rlim_cur = 16;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  EXPECT_THROW(write_file_atomically(path.string(), std::string(4096, 'x')), std::runtime_error);
  setrlimit(RLIMIT_FSIZE, &saved);
  signal(SIGXFSZ, previous_handler);
  EXPECT_EQ(read_text(path), "previous results");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(AtomicWrite, AnUnwritablePathIsReportedBeforeAnythingRuns) {
  ScratchDir dir;
  EXPECT_NE(output_path_problem((dir / "missing/r.json").string()), "");
  EXPECT_NE(output_path_problem(dir.path().string()), "");
  EXPECT_EQ(output_path_problem((dir / "r.json").string()), "");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 0);
}

TEST(AtomicWrite, AnInterruptedRunWritesBesideItsOutputFile) {
  EXPECT_EQ(cli::interrupted_path("results/latest.json"), "results/latest.interrupted.json");
  EXPECT_EQ(cli::interrupted_path("run.out"), "run.out.interrupted.json");
  EXPECT_EQ(cli::interrupted_path("dir.json/run"), "dir.json/run.interrupted.json");
}

TEST(AtomicWrite, AnInterruptedRunLeavesThePreviousResultsAndWritesWhatItMeasuredBeside) {
  ScratchDir dir;
  std::ofstream(dir / "r.json") << "previous results";
  // Interrupted a few seconds into a sweep that takes far longer.
  const auto result = run_actbench("--devices=cpu --impls=naive --sizes=1M --quiet --out=r.json", dir,
                                   "timeout --preserve-status -s INT 4");
  EXPECT_EQ(result.exit_code, 4) << result.err;
  EXPECT_EQ(read_text(dir / "r.json"), "previous results");
  const auto partial = nlohmann::json::parse(read_text(dir / "r.interrupted.json"));
  const nlohmann::json& interrupted = partial.at("context").at("actbench").at("interrupted");
  EXPECT_EQ(interrupted.at("signal"), "SIGINT");
  EXPECT_GT(interrupted.at("points_not_run").get<int>(), 0);
  for (const auto& entry : partial.at("benchmarks")) EXPECT_TRUE(entry.at("validation").at("passed")) << entry.dump();
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".r.json.tmp"), std::string::npos) << entry.path();
  }
}

TEST(AtomicWrite, ASignalRepeatedWithinASecondIsTheSameRequest) {
  ScratchDir dir;
  // As `timeout` does: the signal to actbench, then to its process group, once the first is handled.
  const std::string twice = "sh -c '\"$0\" \"$@\" & p=$!; sleep 2; kill -INT $p; sleep 0.1; kill -INT $p; wait $p'";
  const auto result = run_actbench("--devices=cpu --impls=naive --sizes=1M --quiet --out=r.json", dir, twice);
  EXPECT_EQ(result.exit_code, 4) << result.err;
  EXPECT_TRUE(std::filesystem::exists(dir / "r.interrupted.json"));
}

}  // namespace
}  // namespace actbench
