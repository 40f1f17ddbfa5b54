#pragma once
// The point being measured: its tensors, its prepared runner, its validation, and (GPU) its stream
// and sampler. Built on the first call of the point's benchmark, before any timed region, and kept
// for its repetitions; the next point replaces it, so memory holds one point's tensors at a time.
// (With --benchmark_enable_random_interleaving points alternate, and each switch rebuilds.)
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/machine.hpp"
#include "bench/progress.hpp"
#include "bench/run_clock.hpp"
#include "bench/sweep.hpp"
#include "harness/case_data.hpp"
#include "harness/gpu_timing.hpp"

namespace actbench::cli {

enum class PointStatus {
  pending,   // not run: not reached yet, or cut short by an interruption (bench/interrupt.hpp)
  measured,  // validated and timed
  skipped,   // cannot run here: the reason says why (Prepare refused, does not fit in memory)
  failed,    // ran, but its output does not match the float64 reference: not timed
  error,     // a runtime error while running it
};

struct PointOutcome {
  PointStatus status = PointStatus::pending;
  std::string reason;  // skipped and error
  ValidationResult validation;
  std::optional<double> sparsity;                 // forward cases: fraction of exactly-zero outputs
  std::optional<double> launch_overhead_seconds;  // GPU points whose working set fits in L2
  std::string library_kernel;                     // vendor cases: the kernel the library chose (Prepare)
  // When it was timed, on the run's clock: from the end of its first validation to the moment its
  // tensors were last released (its repetitions spread across the run when they are interleaved).
  double timed_from_s = 0;
  double timed_to_s = 0;
};

class PointSession {
 public:
  struct Active {
    Runner run;
    std::unique_ptr<CaseData> data;
    std::unique_ptr<GpuSampler> sampler;  // GPU points
    std::function<void()> restore;        // in-place points: puts the overwritten input back
  };

  // between_points runs before each point is built, with the index of that point, outside any timed
  // region and with no point's tensors allocated (the roofline samples the copy bandwidth there).
  PointSession(const std::vector<Point>& points, const Machine& machine, const RunClock& clock, Progress& progress,
               std::uint64_t seed, std::function<void(std::size_t)> between_points);
  PointSession(const PointSession&) = delete;
  PointSession& operator=(const PointSession&) = delete;
  ~PointSession();

  // The ready point, or nullptr when it is skipped, failed or errored, or the run was interrupted
  // (outcome(index).reason says why; for a failed validation, outcome(index).validation.first_mismatch).
  Active* acquire(std::size_t index);
  void record_error(std::size_t index, const std::string& what);
  // For a point acquire refused: the message its Google Benchmark run is skipped with.
  std::string why_not_timed(std::size_t index) const;
  const Point& point(std::size_t index) const { return points_[index]; }
  const PointOutcome& outcome(std::size_t index) const { return outcomes_[index]; }
  const std::vector<PointOutcome>& outcomes() const { return outcomes_; }
  // Frees the current point's memory.
  void release();

 private:
  void build(std::size_t index);
  ExecContext context_for(const Point& p);

  const std::vector<Point>& points_;
  const Machine& machine_;
  const RunClock& clock_;
  Progress& progress_;
  std::uint64_t seed_;
  std::function<void(std::size_t)> between_points_;
  std::vector<PointOutcome> outcomes_;
  std::optional<std::size_t> current_;
  std::unique_ptr<Active> active_;
  std::map<int, std::unique_ptr<GpuStream>> streams_;  // one per GPU, created on its first point
};

// The point's name and shape, as skip, failure and error lines name it.
std::string describe(const Point& p);

}  // namespace actbench::cli
