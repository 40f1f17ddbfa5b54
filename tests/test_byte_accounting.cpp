// The bytes a case must move (DESIGN.md, "Counting bytes"), per kind of case: the numerator of every
// GB/s figure and of fraction_of_peak.
#include <gtest/gtest.h>

#include "kernels/registry.hpp"

namespace actbench {
namespace {

Case make_case(Direction direction, DType dtype, Signature signature) {
  Case c;
  c.activation = "test";
  c.direction = direction;
  c.implementation = "test";
  c.dtype = dtype;
  c.signature = signature;
  return c;
}

constexpr Shape kShape{16, 256};  // n = 4096 elements, C = 256 channels
constexpr std::int64_t kN = 4096;
constexpr std::int64_t kC = 256;

TEST(ByteAccounting, PlainForwardReadsXAndWritesY) {
  for (DType dtype : kAllDTypes) {
    const std::int64_t e = static_cast<std::int64_t>(size_of(dtype));
    EXPECT_EQ(minimum_bytes(make_case(Direction::forward, dtype, {}), kShape), 2 * kN * e) << name_of(dtype);
  }
}

TEST(ByteAccounting, PlainBackwardReadsXAndDyAndWritesDx) {
  for (DType dtype : kAllDTypes) {
    const std::int64_t e = static_cast<std::int64_t>(size_of(dtype));
    EXPECT_EQ(minimum_bytes(make_case(Direction::backward, dtype, {}), kShape), 3 * kN * e) << name_of(dtype);
  }
}

TEST(ByteAccounting, CreluWritesAndReadsTwiceTheChannels) {
  Signature crelu;
  crelu.out_factor = 2;
  // Forward: x (n) in, [f(x) | f(-x)] (2n) out. Backward: x (n) and dy (2n) in, dx (n) out.
  EXPECT_EQ(minimum_bytes(make_case(Direction::forward, DType::f32, crelu), kShape), 3 * kN * 4);
  EXPECT_EQ(minimum_bytes(make_case(Direction::backward, DType::f32, crelu), kShape), 4 * kN * 4);
}

TEST(ByteAccounting, PreluAlsoReadsOneSlopePerChannel) {
  Signature prelu;
  prelu.slope = true;
  EXPECT_EQ(minimum_bytes(make_case(Direction::forward, DType::bf16, prelu), kShape), 2 * kN * 2 + kC * 2);
  EXPECT_EQ(minimum_bytes(make_case(Direction::backward, DType::bf16, prelu), kShape), 3 * kN * 2 + kC * 2);
}

TEST(ByteAccounting, BiasForwardAlsoReadsOneBiasPerChannel) {
  Signature bias;
  bias.bias = true;
  EXPECT_EQ(minimum_bytes(make_case(Direction::forward, DType::f64, bias), kShape), 2 * kN * 8 + kC * 8);
}

TEST(ByteAccounting, BiasGradBackwardAlsoWritesOneGradientPerChannel) {
  Signature bias_grad;
  bias_grad.bias_grad = true;
  EXPECT_EQ(minimum_bytes(make_case(Direction::backward, DType::f16, bias_grad), kShape), 3 * kN * 2 + kC * 2);
}

TEST(ByteAccounting, MaskForwardAlsoWritesOneBitPerElement) {
  Signature mask_out;
  mask_out.mask_out = true;
  EXPECT_EQ(minimum_bytes(make_case(Direction::forward, DType::f32, mask_out), kShape), 2 * kN * 4 + kN / 8);
  // A partial last byte still counts.
  EXPECT_EQ(minimum_bytes(make_case(Direction::forward, DType::f32, mask_out), Shape{1, 4097}), 2 * 4097 * 4 + 513);
}

TEST(ByteAccounting, MaskBackwardReadsTheMaskInsteadOfX) {
  Signature mask_in;
  mask_in.mask_in = true;
  EXPECT_EQ(minimum_bytes(make_case(Direction::backward, DType::f32, mask_in), kShape), kN / 8 + 2 * kN * 4);
  EXPECT_EQ(minimum_bytes(make_case(Direction::backward, DType::f32, mask_in), Shape{3, 3}), 2 + 2 * 9 * 4);
}

TEST(ByteAccounting, ZeroStatsForwardAlsoWritesOneCountPerOutputChannelAndTheTotal) {
  Signature stats;
  stats.zero_stats = true;
  EXPECT_EQ(minimum_bytes(make_case(Direction::forward, DType::f32, stats), kShape), 2 * kN * 4 + (kC + 1) * 8);
  EXPECT_EQ(minimum_bytes(make_case(Direction::forward, DType::bf16, stats), kShape), 2 * kN * 2 + (kC + 1) * 8);
  // CReLU's output has 2C channels, each counted.
  stats.out_factor = 2;
  EXPECT_EQ(minimum_bytes(make_case(Direction::forward, DType::f32, stats), kShape), 3 * kN * 4 + (2 * kC + 1) * 8);
}

TEST(ByteAccounting, InPlaceMovesWhatOutOfPlaceMoves) {
  // Writing over the input saves memory, not traffic: the bytes are counted the same, so in-place
  // and out-of-place compare on time alone.
  Signature inplace;
  inplace.inplace = true;
  for (Direction d : {Direction::forward, Direction::backward}) {
    EXPECT_EQ(minimum_bytes(make_case(d, DType::f32, inplace), kShape), minimum_bytes(make_case(d, DType::f32, {}), kShape));
  }
}

TEST(ByteAccounting, GemmLayerReadsXWAndBiasAndWritesY) {
  Signature layer;
  layer.gemm = true;
  layer.bias = true;
  const Shape shape{8192, 3072, 768};  // M x N x K
  const Case c = make_case(Direction::forward, DType::bf16, layer);
  EXPECT_EQ(minimum_bytes(c, shape), (8192 * 768 + 768 * 3072 + 3072 + 8192 * 3072) * 2);
  EXPECT_EQ(matmul_flops(c, shape), std::int64_t{2} * 8192 * 3072 * 768);
  EXPECT_EQ(matmul_flops(make_case(Direction::forward, DType::bf16, {}), kShape), 0) << "elementwise cases have none";
}

TEST(ByteAccounting, EveryRegisteredCaseMovesAtLeastItsInputAndOutput) {
  constexpr Shape kLayer{16, 256, 32};  // a GEMM layer with kShape's output: x is 16 x 32, W 32 x 256
  for (const Case& c : registry().cases()) {
    const std::int64_t e = static_cast<std::int64_t>(size_of(c.dtype));
    if (c.signature.gemm) {  // layers are forward only: their backward cases say why and move nothing
      if (c.direction == Direction::forward) {
        EXPECT_GE(minimum_bytes(c, kLayer), (16 * 32 + 32 * kC + kN) * e) << c.id();
      }
      continue;
    }
    const std::int64_t floor = c.signature.mask_in ? kN / 8 + 2 * kN * e : 2 * kN * e;
    EXPECT_GE(minimum_bytes(c, kShape), floor) << c.id();
  }
}

}  // namespace
}  // namespace actbench
