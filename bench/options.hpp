#pragma once
// The suite's command line: what to sweep and where the results go. Parsing is pure (no machine
// state) so that every accepted and rejected form is unit-tested; checks that need the machine (GPU
// count, memory, a writable output path) live in check_against_machine.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/inputs.hpp"
#include "kernels/case.hpp"

namespace actbench::cli {

// A command-line mistake: the message is one line naming the bad value and what is accepted.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct DeviceSelector {
  Device device = Device::cpu;
  std::optional<int> index;  // cuda:N; empty for "cpu" and for "cuda" (every visible GPU)
  bool operator==(const DeviceSelector&) const = default;
};

enum class L2Mode { cold, hot, both };
enum class ListFormat { none, text, json };

struct Options {
  // Empty selections mean "all" (sizes: the default sweep for each device).
  std::vector<std::string> activations;
  std::vector<std::string> implementations;
  std::vector<DType> dtypes;
  std::vector<Direction> directions;
  std::vector<DeviceSelector> devices;
  std::vector<std::int64_t> sizes;
  std::vector<Shape> gemm_shapes;  // the GEMM cases' layers, M x N x K (sizes apply to the others)
  std::vector<InputKind> inputs;
  std::optional<int> threads;  // CPU worker threads; default: every CPU the process may use
  L2Mode l2 = L2Mode::cold;
  bool quick = false;
  bool quiet = false;
  bool help = false;
  ListFormat list = ListFormat::none;
  std::string out = "results/latest.json";
  std::string dump_curves;                  // --dump-curves=FILE: write curves and exit
  std::vector<std::string> benchmark_args;  // --benchmark_* flags, handed to Google Benchmark
};

// Element counts: digits with an optional K, M or G suffix (powers of two: 4K = 4096).
std::int64_t parse_size(const std::string& text);

// A GEMM layer "MxNxK": rows M, channels N, depth K, each from 1 to kMaxGemmDimension.
Shape parse_gemm_shape(const std::string& text);
// Keeps every count of a layer (2 M N K FLOP, the operands' bytes) within a signed 64-bit integer.
inline constexpr std::int64_t kMaxGemmDimension = std::int64_t{1} << 20;

// args excludes the program name. Throws UsageError.
Options parse_options(const std::vector<std::string>& args);

// The largest element count accepted: every byte count of a case (at most 32 bytes per element:
// f64 x, dy and a doubled output) stays within a signed 64-bit integer.
inline constexpr std::int64_t kMaxElements = std::int64_t{1} << 58;

}  // namespace actbench::cli
