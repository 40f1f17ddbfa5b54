#pragma once
// The start of every point's Google Benchmark function: its ready state, or a skipped repetition.
#include <cstddef>

#include <benchmark/benchmark.h>

#include "bench/point_session.hpp"

namespace actbench::cli {

// The point, ready to time, or nullptr after marking this repetition skipped with the reason the
// point is not timed (PointSession::why_not_timed).
PointSession::Active* acquire_or_skip(benchmark::State& state, PointSession& session, std::size_t index);

}  // namespace actbench::cli
