#pragma once
// Registers every point of the sweep with Google Benchmark, in sweep order. Repetitions and minimum
// time come from the --benchmark_* flags (app.cpp sets actbench's defaults there, before the user's
// own flags), so the names stay free of per-benchmark settings and the user's flags always win.
#include <vector>

#include "bench/methodology.hpp"
#include "bench/point_session.hpp"

namespace actbench::cli {

void register_points(const std::vector<Point>& points, PointSession& session, const GpuSampling& gpu_sampling);

}  // namespace actbench::cli
