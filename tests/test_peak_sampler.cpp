// When the roofline measures the copy again: before the first point of each DRAM-sized comparison
// (so its implementations are set against a copy taken seconds before them), not before the other
// implementations of that comparison, and not before cache-resident points until the interval ends.
// And the copy of each comparison's own size: once for the implementations that move the same bytes,
// again for those that move more, never for a GEMM layer.
#include <gtest/gtest.h>

#include <vector>

#include "bench/peaks.hpp"
#include "harness/metrics.hpp"
#include "kernels/registry.hpp"

namespace actbench {
namespace {

cli::Point point(const std::string& id, Shape shape) {
  const Case* c = registry().find(id);
  EXPECT_NE(c, nullptr) << id;
  return cli::Point{c, 0, shape, InputKind::mixed, true, 1, id};
}

TEST(PeakSampler, MeasuresTheCopyBeforeEachDramSizedComparison) {
  cli::Machine machine;
  // A 64 KiB last-level cache: 16K f32 elements in and out (128 KiB) are DRAM-sized, 1K are not.
  machine.cpu.caches = {CacheLevel{3, "Unified", 64 * 1024}};
  const Shape dram{64, 256};
  const Shape cached{4, 256};
  const std::vector<cli::Point> points{point("relu/forward/naive/cpu/f32", dram),
                                       point("relu/forward/vectorised/cpu/f32", dram),
                                       point("gelu/forward/vectorised/cpu/f32", dram),
                                       point("relu/forward/vectorised/cpu/f32", cached)};
  const cli::RunClock clock;
  cli::PeakSampler sampler(points, machine, clock, true);
  const auto samples = [&sampler] { return sampler.peaks().sample_seconds.size(); };
  ASSERT_EQ(samples(), 1u);  // at the start
  sampler.sample_before(points[0]);
  EXPECT_EQ(samples(), 2u);  // a DRAM-sized comparison begins
  sampler.sample_before(points[1]);
  EXPECT_EQ(samples(), 2u);  // its other implementation
  sampler.sample_before(points[2]);
  EXPECT_EQ(samples(), 3u);  // the next comparison
  sampler.sample_before(points[3]);
  EXPECT_EQ(samples(), 3u);  // cache-resident, and the interval has not passed
  sampler.sample_before(points[2]);
  EXPECT_EQ(samples(), 4u);  // back to a DRAM-sized comparison after another
  EXPECT_EQ(sampler.peaks().cpu_samples.at(1).size(), 4u);
}

TEST(PeakSampler, MeasuresACopyOfEachComparisonsOwnSize) {
  cli::Machine machine;
  machine.cpu.caches = {CacheLevel{3, "Unified", 64 * 1024}};
  const Shape cached{4, 256};
  const std::vector<cli::Point> points{point("relu/forward/naive/cpu/f32", cached),
                                       point("relu/forward/vectorised/cpu/f32", cached),
                                       point("relu/forward/mask/cpu/f32", cached),  // also writes a 1-bit mask
                                       point("gelu/forward/vectorised/cpu/f32", cached),
                                       point("relu/forward/fused_gemm/cpu/f32", Shape{16, 256, 32})};
  const cli::RunClock clock;
  cli::PeakSampler sampler(points, machine, clock, true);
  for (const cli::Point& p : points) sampler.sample_before(p);
  const auto copy = [&sampler](const cli::Point& p) { return cli::same_size_copy_for(sampler.peaks(), p); };
  for (std::size_t i = 0; i < 4; ++i) {
    ASSERT_TRUE(copy(points[i])) << points[i].name;
    EXPECT_GT(*copy(points[i]), 0) << points[i].name;
  }
  EXPECT_EQ(*copy(points[0]), *copy(points[1]));  // one measurement for both
  EXPECT_FALSE(copy(points[4]));
  // Interleaved repetitions build a point again: each build measures the copy again, and the point
  // is set against the median of those copies, as its time is the median of its repetitions.
  sampler.sample_before(points[0]);
  sampler.sample_before(points[3]);
  sampler.sample_before(points[0]);
  const std::vector<double>& samples = sampler.peaks().same_size_copy_gbps.at(points[0].name);
  ASSERT_EQ(samples.size(), 3u);
  EXPECT_EQ(*copy(points[0]), summarize(samples).median);
  EXPECT_EQ(sampler.peaks().same_size_copy_gbps.at(points[1].name).size(), 1u);
}

}  // namespace
}  // namespace actbench
