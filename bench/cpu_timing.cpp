#include "bench/cpu_timing.hpp"

#include <chrono>
#include <exception>

#include "bench/acquire_point.hpp"

namespace actbench::cli {

bool cpu_point_uses_manual_time(const Case& c) { return c.signature.inplace; }

void time_cpu_point(benchmark::State& state, PointSession& session, std::size_t index) {
  PointSession::Active* active = acquire_or_skip(state, session, index);
  if (!active) return;
  const Runner& run = active->run;
  try {
    if (!active->restore) {
      for (auto _ : state) run();
    } else {
      // An in-place case run back to back would transform its own output: sigmoid and gelu iterate
      // towards a fixed point, others towards zero and denormals, and relu leaves no negatives to
      // branch on. So the input is restored before every run, outside the timed region. The restore
      // is a copy as large as the run itself, so PauseTiming/ResumeTiming (two clock reads each,
      // one of them a CPU-time system call of about a microsecond) would cost more than a
      // cache-resident run; instead each run is timed alone with steady_clock, whose read costs tens
      // of nanoseconds, and reported as manual time. The restore leaves the input where a
      // steady-state loop of the out-of-place case leaves it too: in cache as far as it fits, each
      // thread's chunk in its own core's.
      using Clock = std::chrono::steady_clock;
      for (auto _ : state) {
        active->restore();
        const auto start = Clock::now();
        run();
        state.SetIterationTime(std::chrono::duration<double>(Clock::now() - start).count());
      }
    }
  } catch (const std::exception& e) {
    session.record_error(index, e.what());
    state.SkipWithError(e.what());
    return;
  }
  state.SetItemsProcessed(state.iterations() * session.point(index).shape.elements());
}

}  // namespace actbench::cli
