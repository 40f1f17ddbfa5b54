#pragma once
// The timed loop of a CPU point, as a Google Benchmark function (real time).
#include <cstddef>

#include <benchmark/benchmark.h>

#include "bench/point_session.hpp"

namespace actbench::cli {

void time_cpu_point(benchmark::State& state, PointSession& session, std::size_t index);

// Whether time_cpu_point reports manual time for this case (it does for in-place cases).
bool cpu_point_uses_manual_time(const Case& c);

}  // namespace actbench::cli
