// The f16/bf16 conversions every host path relies on: exact round trips and round-to-nearest-even.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "kernels/dtype.hpp"

namespace actbench {
namespace {

TEST(Float16, EveryBitPatternRoundTrips) {
  for (std::uint32_t bits = 0; bits <= 0xffff; ++bits) {
    const f16 h{static_cast<std::uint16_t>(bits)};
    const float f = to_float(h);
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(to_float(to_f16(f)))) << bits;
      continue;
    }
    EXPECT_EQ(to_f16(f).bits, h.bits) << std::hex << bits;
  }
}

TEST(Float16, KnownValuesAndRounding) {
  EXPECT_EQ(to_f16(1.0f).bits, 0x3c00);
  EXPECT_EQ(to_f16(-2.0f).bits, 0xc000);
  EXPECT_EQ(to_f16(65504.0f).bits, 0x7bff);              // largest finite
  EXPECT_EQ(to_f16(65520.0f).bits, 0x7c00);              // rounds up to +Inf
  EXPECT_EQ(to_f16(5.9604644775390625e-8f).bits, 0x0001);  // smallest denormal
  EXPECT_EQ(to_f16(2.98023223876953125e-8f).bits, 0x0000);  // half of it: ties to even (0)
  EXPECT_EQ(to_f16(1.0f + 1.0f / 2048).bits, 0x3c00);   // tie between 1 and 1+2^-10: even wins
  EXPECT_EQ(to_f16(1.0f + 3.0f / 2048).bits, 0x3c02);   // tie: rounds up to even
  EXPECT_EQ(to_f16(-0.0f).bits, 0x8000);
  EXPECT_FLOAT_EQ(to_float(f16{0x3555}), 0.333251953125f);
}

TEST(BFloat16, RoundTripsAndRounds) {
  for (std::uint32_t bits = 0; bits <= 0xffff; ++bits) {
    const bf16 b{static_cast<std::uint16_t>(bits)};
    const float f = to_float(b);
    if (std::isnan(f)) continue;
    EXPECT_EQ(to_bf16(f).bits, b.bits) << std::hex << bits;
  }
  EXPECT_EQ(to_bf16(1.0f).bits, 0x3f80);
  EXPECT_EQ(to_bf16(1.0f + 1.0f / 256).bits, 0x3f80);      // tie: even
  EXPECT_EQ(to_bf16(1.0f + 3.0f / 256).bits, 0x3f82);      // tie: up to even
  EXPECT_TRUE(std::isnan(to_float(to_bf16(std::nanf("")))));
}

}  // namespace
}  // namespace actbench
