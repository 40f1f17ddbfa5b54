// Strategies that must agree with each other, beyond each agreeing with the reference: in-place and
// the zero-statistics forwards are bit-identical to out-of-place, fused bias equals unfused within
// tolerance, ReLU backward from the 1-bit mask equals the plain backward, and CPU outputs written
// with non-temporal stores equal those written through the cache.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <stdexcept>

#include "harness/case_data.hpp"
#include "kernels/registry.hpp"

namespace actbench {
namespace {

const Case* find_case(const Case& like, const std::string& implementation) {
  for (const Case& c : registry().cases()) {
    if (c.activation == like.activation && c.direction == like.direction && c.device == like.device &&
        c.dtype == like.dtype && c.implementation == implementation && c.runnable()) {
      return &c;
    }
  }
  return nullptr;
}

// The primary output of one run, or nullopt when the case cannot run here (no GPU).
std::optional<HostValues<double>> outputs(const Case& c, Shape shape, InputKind inputs,
                                           ExecContext ctx = {.threads = 2}) {
  if (c.device == Device::cuda && gpu_count() == 0) return std::nullopt;
  CaseData data(c, shape, inputs, 42);
  const Runner run = c.prepare(data.operands(), ctx);
  data.reset();
  run();
  synchronize(c.device, ctx);
  return data.output_values();
}

bool same_value(double a, double b) { return (std::isnan(a) && std::isnan(b)) || (std::signbit(a) == std::signbit(b) && a == b); }

constexpr Shape kShape{37, 129};  // odd rows and channels: tails everywhere
constexpr Shape kLayer{37, 129, 40};  // a GEMM layer with that output

template <class Check>
void for_each_pair(const std::string& implementation, const std::string& partner, Check check) {
  int compared = 0;
  for (const Case& c : registry().cases()) {
    if (c.implementation != implementation || !c.runnable()) continue;
    const Case* other = find_case(c, partner);
    ASSERT_NE(other, nullptr) << c.id() << " has no runnable " << partner;
    const auto a = outputs(c, kShape, InputKind::special);
    const auto b = outputs(*other, kShape, InputKind::special);
    if (!a || !b) continue;
    ASSERT_EQ(a->size(), b->size());
    check(c, *a, *b);
    ++compared;
  }
  if (compared == 0) GTEST_SKIP() << "no " << implementation << " case can run here";
}

TEST(StrategyEquivalence, InplaceIsBitIdenticalToVectorised) {
  for_each_pair("inplace", "vectorised", [](const Case& c, const auto& a, const auto& b) {
    for (std::size_t i = 0; i < a.size(); ++i) {
      ASSERT_TRUE(same_value(a[i], b[i])) << c.id() << " element " << i << ": " << a[i] << " vs " << b[i];
    }
  });
}

// Counting the zeros must not change y: both statistics strategies store what vectorised stores.
TEST(StrategyEquivalence, ZeroStatsOutputIsBitIdenticalToVectorised) {
  for (const char* stats : {"fused_stats", "unfused_stats"}) {
    for_each_pair(stats, "vectorised", [](const Case& c, const auto& a, const auto& b) {
      for (std::size_t i = 0; i < a.size(); ++i) {
        ASSERT_TRUE(same_value(a[i], b[i])) << c.id() << " element " << i << ": " << a[i] << " vs " << b[i];
      }
    });
  }
}

TEST(StrategyEquivalence, FusedBiasMatchesUnfusedWithinTolerance) {
  for_each_pair("fused_bias", "unfused_bias", [](const Case& c, const auto& a, const auto& b) {
    // Each is within its own tolerance of the reference (unfused's includes the rounding of z = x + b
    // between its passes, harness/validate.cpp), so they are at most the sum of the two apart.
    const Tolerance fused = tolerance_for(c, kShape);
    const Tolerance unfused = tolerance_for(*find_case(c, "unfused_bias"), kShape);
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (std::isnan(a[i]) || std::isinf(a[i])) {
        ASSERT_TRUE(same_value(a[i], b[i])) << c.id() << " element " << i;
        continue;
      }
      ASSERT_LE(std::abs(a[i] - b[i]), fused.abs + unfused.abs + (fused.rel + unfused.rel) * std::abs(a[i]))
          << c.id() << " element " << i << ": " << a[i] << " vs " << b[i];
    }
  });
}

// A one-byte "cache" makes every CPU output stream; rows of 129 channels start at every alignment, so
// the channel-wise kernels also take their cached fallback for unaligned runs.
TEST(StrategyEquivalence, StreamingStoresAreBitIdenticalToCachedStores) {
  int compared = 0;
  for (const Case& c : registry().cases()) {
    if (c.device != Device::cpu || !c.runnable()) continue;
    std::optional<HostValues<double>> streamed, cached;
    const Shape shape = c.signature.gemm ? kLayer : kShape;
    try {
      streamed = outputs(c, shape, InputKind::special, {.threads = 2, .cache_bytes = 1});
      cached = outputs(c, shape, InputKind::special, {.threads = 2, .cache_bytes = 0});
    } catch (const std::runtime_error&) {
      continue;  // Prepare refused: a library that cannot express this case here
    }
    ASSERT_EQ(streamed->size(), cached->size());
    for (std::size_t i = 0; i < cached->size(); ++i) {
      ASSERT_TRUE(same_value((*streamed)[i], (*cached)[i])) << c.id() << " element " << i;
    }
    ++compared;
  }
  EXPECT_GT(compared, 0);
}

TEST(StrategyEquivalence, MaskBackwardEqualsPlainBackwardWithoutNaN) {
  int compared = 0;
  for (const Case& c : registry().cases()) {
    if (c.implementation != "mask" || c.direction != Direction::backward || !c.runnable()) continue;
    const Case* plain = find_case(c, "vectorised");
    ASSERT_NE(plain, nullptr) << c.id();
    // The mask cannot carry NaN (it is only x > 0), so compare on inputs without it.
    const auto a = outputs(c, kShape, InputKind::wide);
    const auto b = outputs(*plain, kShape, InputKind::wide);
    if (!a || !b) continue;
    for (std::size_t i = 0; i < a->size(); ++i) {
      ASSERT_TRUE(same_value((*a)[i], (*b)[i])) << c.id() << " element " << i;
    }
    ++compared;
  }
  if (compared == 0) GTEST_SKIP() << "no mask case can run here";
}

}  // namespace
}  // namespace actbench
