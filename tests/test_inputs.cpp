// Seeded inputs: the same seed gives the same values, drawn on one thread or many, and the draws
// shared between points are those values rounded to the dtype, handed out again without a new draw.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "harness/inputs.hpp"
#include "harness/parallel_setup.hpp"

namespace actbench {
namespace {

TEST(Inputs, SeedsSizesAndKindsGiveTheirOwnValues) {
  const HostValues<double> base = make_inputs(InputKind::mixed, 4096, 5);
  EXPECT_EQ(make_inputs(InputKind::mixed, 4096, 5), base);
  EXPECT_NE(make_inputs(InputKind::mixed, 4096, 6), base);
  EXPECT_NE(make_inputs(InputKind::positive, 4096, 5), base);
  const HostValues<double> longer = make_inputs(InputKind::mixed, 8192, 5);
  ASSERT_EQ(longer.size(), 8192u);
  // Blocks are seeded by their index, so a longer draw starts with the shorter one.
  EXPECT_EQ(HostValues<double>(longer.begin(), longer.begin() + 4096), base);
}

// Both below and above the size from which the draw and the rounding split between threads.
TEST(Inputs, SharedInputsAreTheDrawRoundedToTheDtypeAndAreNotDrawnAgain) {
  for (const std::int64_t n : {std::int64_t{100000}, kParallelSetupFrom + 100000}) {
    for (const DType dtype : {DType::f32, DType::f64, DType::f16, DType::bf16}) {
      HostValues<double> want = make_inputs(InputKind::mixed, n, 5);
      round_to_dtype(want, dtype);
      const auto shared = shared_inputs(InputKind::mixed, n, 5, dtype);
      EXPECT_EQ(*shared, want) << n << " elements, " << name_of(dtype);
      EXPECT_EQ(shared_inputs(InputKind::mixed, n, 5, dtype), shared) << "the same values, not a new draw";
    }
  }
  EXPECT_NE(*shared_inputs(InputKind::mixed, 4096, 5, DType::f16),
            *shared_inputs(InputKind::mixed, 4096, 5, DType::f32));
}

// every16 holds each f16 bit pattern once, then each bf16 pattern: stored back in its own type, the
// element's value gives its index's bits (a NaN keeps its sign and stays NaN; payloads are not kept).
TEST(Inputs, Every16HoldsEachF16ThenEachBf16BitPattern) {
  const HostValues<double> v = make_inputs(InputKind::every16, std::int64_t{3} << 16, 9);
  for (std::uint32_t bits = 0; bits < (1u << 16); ++bits) {
    const double h = v[bits];
    const double b = v[(1u << 16) + bits];
    const bool nan_h = (bits & 0x7fffu) > 0x7c00u;
    const bool nan_b = (bits & 0x7fffu) > 0x7f80u;
    EXPECT_EQ(std::isnan(h), nan_h) << bits;
    EXPECT_EQ(std::isnan(b), nan_b) << bits;
    if (!nan_h) {
      EXPECT_EQ(DTypeTraits<f16>::store(static_cast<float>(h)).bits, bits) << bits;
    }
    if (!nan_b) {
      EXPECT_EQ(DTypeTraits<bf16>::store(static_cast<float>(b)).bits, bits) << bits;
    }
    EXPECT_EQ(std::signbit(h), (bits & 0x8000u) != 0) << bits;
  }
  EXPECT_EQ(v[std::size_t{2} << 16], v[0]) << "the pattern repeats";
}

TEST(Inputs, RoundingToADtypeGivesItsNearestValue) {
  HostValues<double> v = {1.0 + 1e-9, 0.1, -3.0};
  round_to_dtype(v, DType::bf16);
  EXPECT_EQ(v[0], 1.0);
  EXPECT_EQ(v[1], 0.10009765625);  // bf16 keeps 8 significant bits
  EXPECT_EQ(v[2], -3.0);
}

}  // namespace
}  // namespace actbench
