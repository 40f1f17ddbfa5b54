// GPU timing on a GPU: a sample times the GPU's work, not the host's time to enqueue it, in both L2
// modes, while the launch overhead of one launch from an idle stream does include it. The runner
// sleeps on the host before it launches, as a slow launch path would. Without a GPU it skips.
#include <gtest/gtest.h>

#include <chrono>
#include <initializer_list>
#include <thread>

#include "harness/buffers.hpp"
#include "harness/case_data.hpp"
#include "harness/gpu_timing.hpp"
#include "kernels/registry.hpp"

namespace actbench {
namespace {

constexpr std::chrono::milliseconds kHostDelay{2};
constexpr double kKernelBound = 0.5e-3;  // a 64K-element relu takes microseconds

TEST(GpuSampler, KeepsTheHostsEnqueueTimeOutOfTheSample) {
  if (gpu_count() == 0) GTEST_SKIP() << gpu_unavailable_reason();
  const Case* c = registry().find("relu/forward/vectorised/cuda/f32");
  ASSERT_NE(c, nullptr);
  const GpuStream stream(0);
  const ExecContext ctx{.stream = stream.get(), .device_index = 0};
  CaseData data(*c, Shape{256, 256}, InputKind::mixed, 1, 0);
  const Runner kernel = c->prepare(data.operands(), ctx);
  const Runner slow = [&] {
    std::this_thread::sleep_for(kHostDelay);
    kernel();
  };
  for (const bool cold_l2 : {true, false}) {
    GpuSampler sampler(slow, ctx, cold_l2);
    const GpuSample s = sampler.sample();
    EXPECT_GT(s.seconds_per_launch, 0) << (cold_l2 ? "cold" : "hot");
    EXPECT_LT(s.seconds_per_launch, kKernelBound) << (cold_l2 ? "cold" : "hot");
  }
  GpuSampler sampler(slow, ctx, true);
  const double overhead = sampler.launch_overhead_seconds();
  EXPECT_GT(overhead, std::chrono::duration<double>(kHostDelay).count() * 0.9);
  EXPECT_LT(overhead, std::chrono::duration<double>(kHostDelay).count() + 10e-3);
}

}  // namespace
}  // namespace actbench
