// The zero statistics (fused_stats, unfused_stats) against answers known without the kernel: inputs
// whose channels are wholly negative (dead) or wholly positive give relu counts of rows or 0 and
// crelu the mirror image in its second half; on dead90 inputs relu's counts are those of x <= 0, and
// every activation's equal a direct count of its own y. Each case runs twice, so counters that are not
// reset between runs fail. CPU always; CUDA skips with the reason when there is no device.
#include <gtest/gtest.h>

#include <span>
#include <string>
#include <vector>

#include "harness/buffers.hpp"
#include "harness/inputs.hpp"
#include "harness/reference.hpp"
#include "kernels/registry.hpp"

namespace actbench {
namespace {

constexpr const char* kStatsImplementations[] = {"fused_stats", "unfused_stats"};
// Odd rows and channels (every tail), and one large enough for two CPU threads, whose split falls
// inside a row.
constexpr Shape kShapes[] = {{37, 129}, {301, 256}};

struct StatsRun {
  HostValues<double> x;  // as the kernel read it (rounded to the dtype)
  std::vector<double> y;
  std::vector<ZeroCount> counts;
};

// Runs the forward zero_stats case twice on x, with operands of its own. cache_bytes: as ExecContext's
// (1: a CPU pass streams its output past the cache; 0: never).
StatsRun run_stats(const Case& c, Shape shape, HostValues<double> x, std::int64_t cache_bytes = 0) {
  const std::size_t elem = size_of(c.dtype);
  const std::size_t outputs = static_cast<std::size_t>(shape.elements() * c.signature.out_factor);
  const std::size_t slots = static_cast<std::size_t>(zero_count_slots(c.signature, shape));
  Buffer xb(c.device, 0, x.size() * elem), yb(c.device, 0, outputs * elem), cb(c.device, 0, slots * sizeof(ZeroCount));
  std::vector<double> slope(static_cast<std::size_t>(shape.channels), 0.25);  // prelu's
  Buffer sb(c.device, 0, slope.size() * elem);
  StatsRun result;
  visit_dtype(c.dtype, [&](auto storage) {
    using T = decltype(storage);
    const auto upload = [&](std::span<double> values, Buffer& to) {
      std::vector<T> raw(values.size());
      for (std::size_t i = 0; i < values.size(); ++i) {
        raw[i] = DTypeTraits<T>::store(static_cast<typename DTypeTraits<T>::Compute>(values[i]));
        values[i] = static_cast<double>(DTypeTraits<T>::load(raw[i]));
      }
      to.upload(raw.data(), raw.size() * elem);
    };
    upload(x, xb);
    upload(slope, sb);
  });
  Operands op;
  op.x = xb.data();
  if (c.signature.slope) op.slope = sb.data();
  op.out = yb.data();
  op.zero_counts = static_cast<ZeroCount*>(cb.data());
  op.shape = shape;
  const ExecContext ctx{.threads = 2, .cache_bytes = cache_bytes};
  const Runner run = c.prepare(op, ctx);
  run();
  run();
  synchronize(c.device, ctx);
  visit_dtype(c.dtype, [&](auto storage) {
    using T = decltype(storage);
    std::vector<T> raw(outputs);
    yb.download(raw.data(), outputs * elem);
    for (const T& v : raw) result.y.push_back(static_cast<double>(DTypeTraits<T>::load(v)));
  });
  result.counts.resize(slots);
  cb.download(result.counts.data(), slots * sizeof(ZeroCount));
  result.x = std::move(x);
  return result;
}

// Calls check(case) for every runnable forward statistics case of `device` (of `activation`, unless empty).
template <class Check>
void for_each_stats_case(Device device, const std::string& activation, Check check) {
  int checked = 0;
  for (const Case& c : registry().cases()) {
    bool stats = false;
    for (const char* impl : kStatsImplementations) stats |= c.implementation == impl;
    if (!stats || c.device != device || !c.runnable() || (!activation.empty() && c.activation != activation)) continue;
    SCOPED_TRACE(c.id());
    check(c);
    ++checked;
  }
  EXPECT_GT(checked, 0) << "no statistics case registered for " << name_of(device);
}

// Channels c % 3 == 0 wholly negative, the others wholly positive, none zero.
HostValues<double> dead_channel_inputs(Shape shape) {
  HostValues<double> x(static_cast<std::size_t>(shape.elements()));
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double magnitude = 1.0 + 0.25 * static_cast<double>(i % 7);
    x[i] = i % static_cast<std::size_t>(shape.channels) % 3 == 0 ? -magnitude : magnitude;
  }
  return x;
}

// Per output channel, how many y are zero when y = relu(x) (and crelu's second half relu(-x)).
std::vector<ZeroCount> relu_zero_counts(std::span<const double> x, Shape shape, bool crelu) {
  std::vector<double> y(x.size() * (crelu ? 2 : 1));
  const auto channels = static_cast<std::size_t>(shape.channels);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::size_t row = i / channels, c = i % channels;
    if (crelu) {
      y[row * 2 * channels + c] = x[i] > 0 ? x[i] : 0;
      y[row * 2 * channels + channels + c] = x[i] < 0 ? -x[i] : 0;
    } else {
      y[i] = x[i] > 0 ? x[i] : 0;
    }
  }
  return zero_counts(y, shape.channels * (crelu ? 2 : 1));
}

void expect_dead_channels_counted(Device device) {
  for (const char* activation : {"relu", "crelu"}) {
    for_each_stats_case(device, activation, [](const Case& c) {
      const bool crelu = c.signature.out_factor == 2;
      for (const Shape& shape : kShapes) {
        const StatsRun r = run_stats(c, shape, dead_channel_inputs(shape));
        std::vector<ZeroCount> want(static_cast<std::size_t>(zero_count_slots(c.signature, shape)), 0);
        for (std::int64_t ch = 0; ch < shape.channels; ++ch) {
          const bool dead = ch % 3 == 0;
          want[static_cast<std::size_t>(ch)] = dead ? shape.rows : 0;
          if (crelu) want[static_cast<std::size_t>(shape.channels + ch)] = dead ? 0 : shape.rows;
        }
        for (std::size_t k = 0; k + 1 < want.size(); ++k) want.back() += want[k];
        EXPECT_EQ(r.counts, want) << shape.rows << "x" << shape.channels;
      }
    });
  }
}

// Through the cache and, on the CPU, with streaming stores: the counts of a 16-bit output come from
// the rounded values, which the streamed output must not be re-read for.
void expect_dead90_counted(Device device) {
  for_each_stats_case(device, "", [](const Case& c) {
    for (const Shape& shape : kShapes) {
      for (const std::int64_t cache_bytes : {0, 1}) {
        SCOPED_TRACE(std::to_string(shape.rows) + "x" + std::to_string(shape.channels) +
                     (cache_bytes ? ", streaming" : ", cached"));
        const StatsRun r = run_stats(c, shape, make_inputs(InputKind::dead90, shape.elements(), 7), cache_bytes);
        EXPECT_EQ(r.counts, zero_counts(r.y, shape.channels * c.signature.out_factor));
        if (c.activation == "relu" || c.activation == "crelu") {
          EXPECT_EQ(r.counts, relu_zero_counts(r.x, shape, c.activation == "crelu"));
        }
      }
    }
  });
}

TEST(ZeroStats, CpuCountsWhollyDeadChannels) { expect_dead_channels_counted(Device::cpu); }
TEST(ZeroStats, CpuCountsEqualDirectCountOnDead90) { expect_dead90_counted(Device::cpu); }

TEST(ZeroStats, CudaCountsWhollyDeadChannels) {
  if (gpu_count() == 0) GTEST_SKIP() << gpu_unavailable_reason();
  expect_dead_channels_counted(Device::cuda);
}
TEST(ZeroStats, CudaCountsEqualDirectCountOnDead90) {
  if (gpu_count() == 0) GTEST_SKIP() << gpu_unavailable_reason();
  expect_dead90_counted(Device::cuda);
}

}  // namespace
}  // namespace actbench
