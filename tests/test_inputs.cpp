// Seeded inputs: the same seed gives the same values, drawn on one thread or many, and the draws
// shared between points are those values rounded to the dtype, handed out again without a new draw.
#include <gtest/gtest.h>

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

TEST(Inputs, RoundingToADtypeGivesItsNearestValue) {
  HostValues<double> v = {1.0 + 1e-9, 0.1, -3.0};
  round_to_dtype(v, DType::bf16);
  EXPECT_EQ(v[0], 1.0);
  EXPECT_EQ(v[1], 0.10009765625);  // bf16 keeps 8 significant bits
  EXPECT_EQ(v[2], -3.0);
}

}  // namespace
}  // namespace actbench
