// The actbench command line: every accepted form parses to the options it means, every rejected form
// is a one-line usage error naming the bad value, and the executable turns usage errors into exit
// code 2 before anything runs, leaving no results file.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "bench/options.hpp"
#include "bench/sweep.hpp"
#include "harness/buffers.hpp"
#include "kernels/registry.hpp"
#include "tests/actbench_process.hpp"

namespace actbench {
namespace {

using cli::DeviceSelector;
using cli::L2Mode;
using cli::ListFormat;
using cli::Options;
using cli::parse_options;
using cli::UsageError;
using testing::read_text;
using testing::run_actbench;
using testing::ScratchDir;

TEST(CliParse, NoFlagsSelectsEverythingWithDefaults) {
  const Options o = parse_options({});
  EXPECT_TRUE(o.activations.empty());
  EXPECT_TRUE(o.implementations.empty());
  EXPECT_TRUE(o.dtypes.empty());
  EXPECT_TRUE(o.directions.empty());
  EXPECT_TRUE(o.devices.empty());
  EXPECT_TRUE(o.sizes.empty());
  EXPECT_TRUE(o.inputs.empty());
  EXPECT_FALSE(o.threads.has_value());
  EXPECT_EQ(o.l2, L2Mode::cold);
  EXPECT_EQ(o.out, "results/latest.json");
  EXPECT_EQ(o.list, ListFormat::none);
  EXPECT_FALSE(o.quick || o.quiet || o.help);
}

// Naive code ignores --threads, so its points are recorded, and measured against the copy
// bandwidth, as the one thread they run on.
TEST(CliSweep, SingleThreadedCasesArePlannedOnOneThread) {
  cli::Machine machine;
  machine.cpu.threads = 4;
  const cli::Sweep sweep = cli::plan_sweep(parse_options({"--devices=cpu", "--sizes=1K", "--threads=3"}), machine);
  ASSERT_FALSE(sweep.points.empty());
  for (const cli::Point& p : sweep.points) {
    EXPECT_EQ(p.threads, p.c->single_threaded ? 1 : 3) << p.c->id();
  }
  EXPECT_TRUE(std::any_of(sweep.points.begin(), sweep.points.end(),
                          [](const cli::Point& p) { return p.c->implementation == "naive" && p.threads == 1; }));
}

// Implementations answering the same question run back to back, so a drift of the machine between
// them stays small; the questions keep the registry's order, sizes ascending.
TEST(CliSweep, ImplementationsOfOneQuestionAreTimedSideBySide) {
  const cli::Sweep sweep = cli::plan_sweep(parse_options({"--devices=cpu", "--activations=relu,gelu", "--impls=naive,vectorised",
                                                          "--dtypes=f32", "--directions=forward", "--sizes=1K,4K"}),
                                           cli::Machine{});
  std::vector<std::string> names;
  for (const cli::Point& p : sweep.points) names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "relu/forward/naive/cpu/f32/1024/mixed", "relu/forward/vectorised/cpu/f32/1024/mixed",
                       "relu/forward/naive/cpu/f32/4096/mixed", "relu/forward/vectorised/cpu/f32/4096/mixed",
                       "gelu/forward/naive/cpu/f32/1024/mixed", "gelu/forward/vectorised/cpu/f32/1024/mixed",
                       "gelu/forward/naive/cpu/f32/4096/mixed", "gelu/forward/vectorised/cpu/f32/4096/mixed"}));
}

TEST(CliSweep, QuickSizesFitTheCachesAndStaySmall) {
  CpuInfo small;  // 256 KiB L2, 8 MiB L3: f32 forward moves 8 bytes an element
  small.caches = {CacheLevel{1, "Data", 32 << 10}, CacheLevel{2, "Unified", 256 << 10},
                  CacheLevel{3, "Unified", 8 << 20}};
  EXPECT_EQ(cli::quick_cpu_sizes(small), (std::vector<std::int64_t>{16 << 10, 1 << 20}));
  CpuInfo server_share;  // a VM's view of a server: 2 MiB L2, 260 MiB L3
  server_share.caches = {CacheLevel{1, "Data", 48 << 10}, CacheLevel{2, "Unified", 2 << 20},
                         CacheLevel{3, "Unified", std::size_t{260} << 20}};
  EXPECT_EQ(cli::quick_cpu_sizes(server_share), (std::vector<std::int64_t>{64 << 10, 1 << 20}));
}

TEST(CliParse, Lists) {
  const Options o = parse_options({"--activations=relu,gelu,relu", "--impls=naive", "--dtypes=f32,bf16",
                                   "--directions=backward", "--devices=cpu,cuda,cuda:1", "--inputs=mixed,dead90,special"});
  EXPECT_EQ(o.activations, (std::vector<std::string>{"relu", "gelu"}));  // repeats kept once
  EXPECT_EQ(o.implementations, std::vector<std::string>{"naive"});
  EXPECT_EQ(o.dtypes, (std::vector<DType>{DType::f32, DType::bf16}));
  EXPECT_EQ(o.directions, std::vector<Direction>{Direction::backward});
  EXPECT_EQ(o.devices, (std::vector<DeviceSelector>{{Device::cpu, std::nullopt}, {Device::cuda, std::nullopt},
                                                    {Device::cuda, 1}}));
  EXPECT_EQ(o.inputs, (std::vector<InputKind>{InputKind::mixed, InputKind::dead90, InputKind::special}));
}

TEST(CliParse, EveryRegisteredNameIsAccepted) {
  for (const Case& c : registry().cases()) {
    EXPECT_NO_THROW(parse_options({"--activations=" + c.activation, "--impls=" + c.implementation}));
  }
  for (InputKind k : kAllInputKinds) EXPECT_NO_THROW(parse_options({"--inputs=" + std::string(name_of(k))}));
}

TEST(CliParse, Sizes) {
  EXPECT_EQ(cli::parse_size("100"), 100);
  EXPECT_EQ(cli::parse_size("4K"), 4096);
  EXPECT_EQ(cli::parse_size("4k"), 4096);
  EXPECT_EQ(cli::parse_size("1M"), 1 << 20);
  EXPECT_EQ(cli::parse_size("2G"), std::int64_t{2} << 30);
  EXPECT_EQ(parse_options({"--sizes=64K,16M,64K"}).sizes, (std::vector<std::int64_t>{65536, 16 << 20}));
}

TEST(CliParse, GemmShapes) {
  const Shape layer = cli::parse_gemm_shape("8192x3072x768");
  EXPECT_EQ(layer.rows, 8192);
  EXPECT_EQ(layer.channels, 3072);
  EXPECT_EQ(layer.depth, 768);
  const Options o = parse_options({"--gemm-shapes=1x2x3,64x64x64,1x2x3"});
  ASSERT_EQ(o.gemm_shapes.size(), 2u);  // repeats kept once
  EXPECT_EQ(o.gemm_shapes[1].depth, 64);
}

// GEMM cases are planned over the layers, the others over the sizes, and their names give MxNxK.
TEST(CliSweep, GemmCasesSweepTheLayers) {
  const cli::Sweep sweep = cli::plan_sweep(
      parse_options({"--devices=cpu", "--activations=relu", "--impls=vectorised,fused_gemm", "--dtypes=f32",
                     "--directions=forward", "--sizes=1K", "--gemm-shapes=32x48x64"}),
      cli::Machine{});
  ASSERT_EQ(sweep.points.size(), 2u);
  for (const cli::Point& p : sweep.points) {
    if (p.c->signature.gemm) {
      EXPECT_EQ(p.name, "relu/forward/fused_gemm/cpu/f32/32x48x64/mixed");
      EXPECT_EQ(p.shape.depth, 64);
    } else {
      EXPECT_EQ(p.name, "relu/forward/vectorised/cpu/f32/1024/mixed");
      EXPECT_EQ(p.shape.depth, 0);
    }
  }
}

// The default CPU ladder starts where the largest dtype's working set fits L1 and stops, dtype by
// dtype, at the first size whose x and y take at least 4x the last-level cache.
TEST(CliSweep, DefaultCpuSizesStopEachDtypeAtFourTimesTheLastLevelCache) {
  cli::Machine machine;
  machine.cpu.threads = 2;
  machine.cpu.caches = {{1, "Data", 48 << 10}, {3, "Unified", 32 << 20}};
  const cli::Sweep sweep = cli::plan_sweep(
      parse_options({"--devices=cpu", "--activations=relu", "--impls=vectorised", "--directions=forward"}), machine);
  std::map<DType, std::vector<std::int64_t>> sizes;
  for (const cli::Point& p : sweep.points) sizes[p.c->dtype].push_back(p.shape.elements());
  const std::vector<std::int64_t> to_16m{1 << 10, 1 << 12, 1 << 14, 1 << 16, 1 << 18, 1 << 20, 1 << 22, 1 << 24};
  std::vector<std::int64_t> to_64m = to_16m;
  to_64m.push_back(1 << 26);
  EXPECT_EQ(sizes[DType::f64], to_16m);  // 8M elements x 16 bytes = 4x 32 MiB: 16M is the power of 4 past it
  EXPECT_EQ(sizes[DType::f32], to_16m);  // 16M x 8 bytes = 4x 32 MiB
  EXPECT_EQ(sizes[DType::f16], to_64m);  // 32M x 4 bytes = 4x 32 MiB: 64M
  EXPECT_EQ(sizes[DType::bf16], to_64m);
}

TEST(CliParse, ValueForms) {
  const Options spaced = parse_options({"--threads", "3", "--out", "r.json", "--sizes", "1K"});
  EXPECT_EQ(spaced.threads, 3);
  EXPECT_EQ(spaced.out, "r.json");
  EXPECT_EQ(spaced.sizes, std::vector<std::int64_t>{1024});
  EXPECT_EQ(parse_options({"--threads=2"}).threads, 2);
  EXPECT_EQ(parse_options({"--l2=hot"}).l2, L2Mode::hot);
  EXPECT_EQ(parse_options({"--l2=both"}).l2, L2Mode::both);
  EXPECT_EQ(parse_options({"--dump-curves=c.json"}).dump_curves, "c.json");
}

TEST(CliParse, Switches) {
  EXPECT_TRUE(parse_options({"--quiet"}).quiet);
  EXPECT_TRUE(parse_options({"--help"}).help);
  EXPECT_TRUE(parse_options({"-h"}).help);
  EXPECT_EQ(parse_options({"--list"}).list, ListFormat::text);
  EXPECT_EQ(parse_options({"--list=json"}).list, ListFormat::json);
}

TEST(CliParse, QuickNarrowsOnlyUnspecifiedDtypes) {
  EXPECT_EQ(parse_options({"--quick"}).dtypes, std::vector<DType>{DType::f32});
  EXPECT_EQ(parse_options({"--quick", "--dtypes=f64"}).dtypes, std::vector<DType>{DType::f64});
}

TEST(CliParse, GoogleBenchmarkFlagsPassThrough) {
  const Options o = parse_options({"--benchmark_filter=relu", "--benchmark_repetitions=9", "--benchmark_format=json"});
  EXPECT_EQ(o.benchmark_args,
            (std::vector<std::string>{"--benchmark_filter=relu", "--benchmark_repetitions=9", "--benchmark_format=json"}));
}

struct Rejected {
  std::vector<std::string> args;
  std::string names;  // the bad value the message must quote
};

class CliRejects : public ::testing::TestWithParam<Rejected> {};

TEST_P(CliRejects, WithOneLineNamingTheValue) {
  try {
    parse_options(GetParam().args);
    FAIL() << "accepted";
  } catch (const UsageError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_NE(message.find(GetParam().names), std::string::npos) << message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Forms, CliRejects,
    ::testing::Values(Rejected{{"--activations=swish"}, "swish"}, Rejected{{"--impls=magic"}, "magic"},
                      Rejected{{"--dtypes=f8"}, "f8"}, Rejected{{"--directions=sideways"}, "sideways"},
                      Rejected{{"--devices=tpu"}, "tpu"}, Rejected{{"--devices=cuda:x"}, "cuda:x"},
                      Rejected{{"--devices=cuda:-1"}, "cuda:-1"}, Rejected{{"--inputs=uniform"}, "uniform"},
                      Rejected{{"--l2=warm"}, "warm"}, Rejected{{"--activations="}, "--activations"},
                      Rejected{{"--dtypes=f32,,f16"}, "f32,,f16"}, Rejected{{"--devices=cpu,"}, "cpu,"},
                      Rejected{{"--sizes=0"}, "'0'"}, Rejected{{"--sizes=-4"}, "-4"}, Rejected{{"--sizes=4KB"}, "4KB"},
                      Rejected{{"--sizes=1.5M"}, "1.5M"}, Rejected{{"--sizes=K"}, "'K'"},
                      Rejected{{"--sizes=99999999999999999999"}, "99999999999999999999"},
                      Rejected{{"--sizes=268435457G"}, "268435457G"}, Rejected{{"--threads=0"}, "0"},
                      Rejected{{"--threads=-2"}, "-2"}, Rejected{{"--threads=two"}, "two"},
                      Rejected{{"--threads=99999999999"}, "99999999999"}, Rejected{{"--bogus"}, "--bogus"},
                      Rejected{{"results.json"}, "results.json"}, Rejected{{"--quick=yes"}, "--quick=yes"},
                      Rejected{{"--list=xml"}, "xml"}, Rejected{{"--out="}, "--out"},
                      Rejected{{"--dump-curves="}, "--dump-curves"}, Rejected{{"--sizes"}, "--sizes"},
                      Rejected{{"--sizes", "--quick"}, "--sizes"}, Rejected{{"--benchmark_repetitions=0"}, "0"},
                      Rejected{{"--benchmark_min_time=soon"}, "soon"}, Rejected{{"--benchmark_format=xml"}, "xml"},
                      Rejected{{"--benchmark_time_unit=h"}, "'h'"},
                      Rejected{{"--benchmark_repetitions"}, "--benchmark_repetitions"},
                      Rejected{{"--gemm-shapes=4096x4096"}, "4096x4096"}, Rejected{{"--gemm-shapes=1x2x3x4"}, "1x2x3x4"},
                      Rejected{{"--gemm-shapes=0x8x8"}, "0x8x8"}, Rejected{{"--gemm-shapes=4Kx8x8"}, "4Kx8x8"},
                      Rejected{{"--gemm-shapes=8x8x2000000"}, "8x8x2000000"}, Rejected{{"--gemm-shapes=8x-8x8"}, "8x-8x8"}));

// The executable: usage errors exit 2 with one line on stderr, and write no results file.
struct UsageCase {
  std::string args;
  std::string names;
};

class CliExecutableRejects : public ::testing::TestWithParam<UsageCase> {};

TEST_P(CliExecutableRejects, WithExitCode2AndNoResults) {
  ScratchDir dir;
  std::ofstream(dir / "not_a_directory") << "x";
  std::string args = GetParam().args;
  for (std::size_t at; (at = args.find("DIR")) != std::string::npos;) args.replace(at, 3, dir.path().string());
  if (args.find("--out=") == std::string::npos) args += " --out=" + (dir / "results.json").string();
  const auto result = run_actbench(args, dir);
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  EXPECT_NE(result.err.find(GetParam().names), std::string::npos) << result.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "results.json"));
  EXPECT_FALSE(std::filesystem::exists(dir / "results"));
}

INSTANTIATE_TEST_SUITE_P(
    Forms, CliExecutableRejects,
    ::testing::Values(UsageCase{"--activations=swish", "swish"}, UsageCase{"--sizes=4KB", "4KB"},
                      UsageCase{"--threads=0", "--threads"}, UsageCase{"--benchmark_nonsense=1", "--benchmark_nonsense"},
                      UsageCase{"--sizes=1024G --dtypes=f32", "1099511627776"},
                      UsageCase{"--activations=relu --impls=naive --benchmark_filter=no_such_case", "no_such_case"},
                      UsageCase{"--activations=relu --benchmark_filter='(('", "(("},
                      UsageCase{"--activations=relu --out=DIR/not_a_directory/r.json", "not_a_directory"},
                      UsageCase{"--activations=relu --out=DIR", "is a directory"},
                      UsageCase{"--impls=fused_gemm --gemm-shapes=64x64", "64x64"}));

TEST(CliExecutable, HelpDocumentsFlagsExamplesAndExitCodes) {
  ScratchDir dir;
  const auto result = run_actbench("--help", dir);
  EXPECT_EQ(result.exit_code, 0);
  for (const char* text : {"--activations", "--impls", "--dtypes", "--directions", "--devices", "--sizes",
                           "--gemm-shapes", "--inputs", "--threads", "--l2", "--quick", "--out", "--list", "--quiet", "--dump-curves", "Examples:",
                           "Exit codes:", "--benchmark_filter"}) {
    EXPECT_NE(result.out.find(text), std::string::npos) << text;
  }
}

TEST(CliExecutable, ListJsonNamesEveryRegisteredCase) {
  ScratchDir dir;
  const auto result = run_actbench("--list=json", dir);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto list = nlohmann::json::parse(result.out);
  ASSERT_EQ(list.at("cases").size(), registry().cases().size());
  for (const auto& c : list.at("cases")) {
    for (const char* field : {"activation", "direction", "implementation", "device", "dtype"}) {
      EXPECT_TRUE(c.at(field).is_string()) << field;
    }
  }
}

TEST(CliExecutable, ListAppliesTheFilters) {
  ScratchDir dir;
  const auto result = run_actbench("--list=json --activations=relu --dtypes=f64 --directions=forward", dir);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto listing = nlohmann::json::parse(result.out);  // outlives the loop over its member
  for (const auto& c : listing.at("cases")) {
    EXPECT_EQ(c.at("activation"), "relu");
    EXPECT_EQ(c.at("dtype"), "f64");
    EXPECT_EQ(c.at("direction"), "forward");
  }
}

TEST(CliExecutable, DumpCurvesWritesEveryActivationAndItsDerivative) {
  ScratchDir dir;
  const auto result = run_actbench("--dump-curves=curves.json", dir);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto curves = nlohmann::json::parse(read_text(dir / "curves.json"));
  const auto& x = curves.at("x");
  EXPECT_DOUBLE_EQ(x.front().get<double>(), -6.0);
  EXPECT_DOUBLE_EQ(x.back().get<double>(), 6.0);
  std::set<std::string> activations;
  for (const Case& c : registry().cases()) activations.insert(c.activation);
  EXPECT_EQ(curves.at("activations").size(), activations.size());
  for (const std::string& name : activations) {
    const auto& curve = curves.at("activations").at(name);
    EXPECT_EQ(curve.at("forward").size(), x.size()) << name;
    EXPECT_EQ(curve.at("derivative").size(), x.size()) << name;
  }
  // relu(x) = max(x, 0); relu'(6) = 1, relu'(-6) = 0.
  const auto& relu = curves.at("activations").at("relu");
  EXPECT_DOUBLE_EQ(relu.at("forward").back().get<double>(), 6.0);
  EXPECT_DOUBLE_EQ(relu.at("forward").front().get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(relu.at("derivative").back().get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(relu.at("derivative").front().get<double>(), 0.0);
}

TEST(CliExecutable, CudaWithoutAGpuSkipsWithOneLine) {
  if (gpu_count() > 0) GTEST_SKIP() << "this machine has a GPU";
  ScratchDir dir;
  const auto result = run_actbench("--devices=cuda --activations=relu --out=r.json", dir);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  // One line for the missing GPU, plus one per reason a case can never run (the statistics have no
  // backward), which holds with or without a device.
  std::set<std::string> case_reasons;
  for (const Case& c : registry().cases()) {
    if (c.device == Device::cuda && c.activation == "relu" && !c.runnable()) case_reasons.insert(c.unsupported);
  }
  const auto expected_lines = 1 + static_cast<std::ptrdiff_t>(case_reasons.size());
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), expected_lines) << result.err;
  EXPECT_NE(result.err.find(gpu_unavailable_reason()), std::string::npos) << result.err;
  const auto results = nlohmann::json::parse(read_text(dir / "r.json"));
  EXPECT_TRUE(results.at("benchmarks").empty());
  // A CUDA build lists each GPU case it could not run; a CPU-only build has none registered.
  const bool cuda_registered = std::any_of(registry().cases().begin(), registry().cases().end(),
                                           [](const Case& c) { return c.device == Device::cuda; });
  EXPECT_EQ(results.at("skipped").empty(), !cuda_registered);
}

}  // namespace
}  // namespace actbench
