#include "bench/registration.hpp"

#include <benchmark/benchmark.h>

#include "bench/cpu_timing.hpp"
#include "bench/gpu_measurement.hpp"

namespace actbench::cli {

void register_points(const std::vector<Point>& points, PointSession& session, const GpuSampling& gpu_sampling) {
  for (std::size_t i = 0; i < points.size(); ++i) {
    const Point& p = points[i];
    if (p.c->device == Device::cpu) {
      auto* b = benchmark::RegisterBenchmark(p.name.c_str(), [&session, i](benchmark::State& s) { time_cpu_point(s, session, i); });
      if (cpu_point_uses_manual_time(*p.c)) {
        b->UseManualTime();
      } else {
        b->UseRealTime();
      }
    } else {
      // One Google Benchmark iteration is one sample set; its median is the iteration's time.
      benchmark::RegisterBenchmark(p.name.c_str(), [&session, i, gpu_sampling](benchmark::State& s) {
        time_gpu_point(s, session, i, gpu_sampling);
      })->Iterations(1)->UseManualTime();
    }
  }
}

}  // namespace actbench::cli
