#pragma once
// From the options and the machine to the list of points to time (case x device x size x input x L2
// state) and the cases that cannot run, each with its reason: nothing selected is silently dropped.
// The implementations of one activation, direction, dtype, device, size, input and L2 state are
// planned one after another, so that they are timed side by side.
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "bench/machine.hpp"
#include "bench/options.hpp"
#include "kernels/case.hpp"

namespace actbench::cli {

struct Point {
  const Case* c = nullptr;
  int device_index = 0;  // GPU cases
  Shape shape;
  InputKind input = InputKind::mixed;
  bool cold_l2 = true;  // GPU cases: L2 flushed before each sample
  int threads = 1;      // CPU worker threads (ExecContext::threads); 1 for GPU cases
  std::string name;     // the Google Benchmark name, unique in the sweep

  std::string device() const;  // "cpu" or "cuda:N"
};

// What a point measures, whichever implementation measures it: device, activation, direction, dtype,
// shape, input and L2 state.
using Question = std::tuple<Device, int, std::string, Direction, DType, std::int64_t, std::int64_t, std::int64_t,
                            InputKind, bool>;
Question question_of(const Point& p);

struct SkippedCase {
  const Case* c = nullptr;
  std::string device;  // "cpu", "cuda" (no GPU visible) or "cuda:N"
  std::string reason;
};

struct Sweep {
  std::vector<Point> points;
  std::vector<SkippedCase> skipped;
};

// The registered cases that the filters select, in registry order (what --list prints).
std::vector<const Case*> selected_cases(const Options& o);

// Default sweeps: every power of 4 from a size whose working set fits the L1 data cache in the
// largest selected dtype (CPU) or is launch-bound (GPU), up to the first whose working set is at
// least 4x the last-level cache in `dtype` (CPU) or 8x L2 in the smallest selected dtype (GPU).
// Powers of 4 keep CPU and GPU points on one ladder, so they compare size for size. Each CPU dtype
// stops at its own DRAM size: carrying f64 on to where f16 reaches 4x the cache would time it at 16x,
// half a GiB per tensor and seconds per point, for no new answer. The GPU ladder is shared, since the
// GPU goals are stated at 256M elements in every dtype.
std::vector<std::int64_t> default_cpu_sizes(const CpuInfo& cpu, const std::vector<DType>& dtypes, DType dtype);
std::vector<std::int64_t> default_gpu_sizes(const GpuInfo& gpu, const std::vector<DType>& dtypes);

// --quick. CPU: one size resident in the largest private cache and one in the last-level cache, at
// most 64K and 1M elements (so quick runs of different machines share sizes). No
// DRAM size: at DRAM sizes generating the inputs and validating against float64 take longer than
// the timing, and a quick run of every case would not stay within a minute on two cores.
// GPU (where validation is cheap next to the device): one L2-resident size and one twice L2.
std::vector<std::int64_t> quick_cpu_sizes(const CpuInfo& cpu);
std::vector<std::int64_t> quick_gpu_sizes(const GpuInfo& gpu);

// The GEMM cases' layers (rows x channels x depth = M x N x K). Default: the square 4096^3 of GEMM
// benchmarks, and BERT-base's MLP up-projection over a batch of 8192 tokens (8192 x 3072 x 768).
// --quick: that projection over 256 tokens.
std::vector<Shape> default_gemm_shapes();
std::vector<Shape> quick_gemm_shapes();

// Throws UsageError for what the machine cannot honour: a GPU index that does not exist, or a size
// that cannot fit in memory even in the smallest selected dtype.
void check_against_machine(const Options& o, const Machine& m);

// Throws UsageError (naming --flag) when `path` cannot be written; creates its missing directories.
void check_output_path(const std::string& flag, const std::string& path);

Sweep plan_sweep(const Options& o, const Machine& m);

}  // namespace actbench::cli
