#include "bench/acquire_point.hpp"

namespace actbench::cli {

PointSession::Active* acquire_or_skip(benchmark::State& state, PointSession& session, std::size_t index) {
  PointSession::Active* active = session.acquire(index);
  if (active) return active;
  // Skipped inside the loop, so that the repetition reports the iteration count of the point's
  // earlier ones: Google Benchmark aborts when a point's repetitions disagree, as they would for a
  // point cut short by an interruption.
  for (auto _ : state) {
    state.SkipWithError(session.why_not_timed(index).c_str());
    break;
  }
  return nullptr;
}

}  // namespace actbench::cli
