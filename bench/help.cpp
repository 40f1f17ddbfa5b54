#include "bench/help.hpp"

#include <set>
#include <string>

#include "harness/inputs.hpp"
#include "kernels/registry.hpp"

namespace actbench::cli {
namespace {

// The registered names of one field, in registry order, comma-separated.
template <class Field>
std::string registered(Field field) {
  std::string names;
  std::set<std::string> seen;
  for (const Case& c : registry().cases()) {
    const std::string name(field(c));
    if (seen.insert(name).second) names += (names.empty() ? "" : ", ") + name;
  }
  return names;
}

}  // namespace

void print_help(std::ostream& out) {
  std::string inputs;
  for (InputKind k : kAllInputKinds) inputs += (inputs.empty() ? "" : ", ") + std::string(name_of(k));
  out << R"(actbench: benchmark of neural-network activation functions, forward and backward, on CPU and GPU.

Every case runs once and is checked against a float64 reference before it is timed; every time is
turned into GB/s and compared with this machine's copy bandwidth measured in the same run, and a
GEMM case's (a whole layer, y = f(x W + b)) also into GFLOP/s. Results
go to a JSON file (Google Benchmark's format plus actbench's fields; see results/schema.json).

Usage: actbench [FLAGS] [--benchmark_* FLAGS]

Selection (comma-separated lists; default: everything registered):
  --activations=LIST   )" << registered([](const Case& c) { return c.activation; }) << R"(
  --impls=LIST         )" << registered([](const Case& c) { return c.implementation; }) << R"(
  --dtypes=LIST        f32, f64, f16, bf16
  --directions=LIST    forward, backward
  --devices=LIST       cpu, cuda (every visible GPU), cuda:N
  --sizes=LIST         element counts; K, M, G are powers of two (4K = 4096). Default: every power
                       of 4 from L1-resident up to >= 4x the last-level cache in each dtype (CPU)
                       or >= 8x L2 in the smallest selected dtype (GPU)
  --gemm-shapes=LIST   the GEMM cases' layers as MxNxK (x: M x K, W: K x N, y: M x N). Default:
                       4096x4096x4096, 8192x3072x768 (BERT-base's MLP over 8192 tokens) and
                       8192x3072x64 (a rank-64 LoRA up-projection, where the activation pass is a
                       fifth of the layer); --quick: 256x3072x768. --sizes does not apply to them
  --inputs=LIST        input distributions: )" << inputs << R"( (default: mixed)
  --threads=N          CPU worker threads (default: every CPU this process may use)
  --l2=MODE            GPU cache state: cold (L2 flushed before each sample, default), hot, both

Run:
  --quick              a short sweep, under a minute on a 2-core machine: f32 unless --dtypes; on
                       the CPU one size in the private cache and one in the last-level cache, on
                       the GPU one in L2 and one twice L2; 3 repetitions
  --out=FILE           results JSON (default: results/latest.json); written to a temporary file and
                       renamed, so a failed run leaves the previous file intact. Interrupted (Ctrl-C,
                       SIGTERM), actbench stops before the next repetition and writes the points
                       measured in full to FILE.interrupted.json instead (FILE stays as it was);
                       a second Ctrl-C, a second or more after the first, stops it at once
  --quiet              no progress lines on stderr
  --list               print the selected registered cases and exit; --list=json prints
                       {"cases": [{"activation", "direction", "implementation", "device", "dtype"}, ...]}
  --dump-curves=FILE   write each selected activation and its derivative over [-6, 6], as computed
                       by the naive CPU kernels, as JSON (for scripts/plot.py --curves) and exit
  --help, -h           this text

Google Benchmark flags work as usual, e.g. --benchmark_filter=REGEX (benchmark names are
activation/direction/impl/device/dtype/size/input[/l2], size being the element count or a GEMM's
MxNxK), --benchmark_repetitions=N (default 5), --benchmark_min_time=SECONDS (default 0.1 per
repetition), --benchmark_out=FILE, --benchmark_format=console|json|csv,
--benchmark_display_aggregates_only=true.

Examples:
  actbench                                    the full default sweep (long: every case and size)
  actbench --quick                            a one-minute smoke run
  actbench --activations=relu,gelu --dtypes=f32,bf16 --sizes=64K,16M
  actbench --impls=vectorised,onednn --directions=forward --threads=8 --out=results/cpu.json
  actbench --devices=cuda:0 --l2=both --inputs=mixed,dead90
  actbench --impls=fused_gemm,unfused_gemm --gemm-shapes=8192x3072x768
  actbench --list=json
  actbench --dump-curves=curves.json

Exit codes:
  0  every selected case ran and passed validation (cases that cannot run here are listed as skipped)
  1  a case failed validation (it is reported and not timed; the results file is still written)
  2  usage error: a bad flag or value; nothing ran and no results file was written
  3  runtime or environment error: a case failed while running, or the results could not be written
  4  interrupted by SIGINT or SIGTERM: the points measured in full are in FILE.interrupted.json
)";
}

}  // namespace actbench::cli
