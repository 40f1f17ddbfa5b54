// The comparison with the reference is split between threads: it must still count every mismatch
// and report the lowest-index one, as one sequential loop would. A GEMM layer too large for a whole
// reference must still fail on an output row or mask row the kernel never wrote. The output's
// sparsity is counted as the values read.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "harness/case_data.hpp"
#include "harness/gemm_reference.hpp"
#include "harness/parallel_setup.hpp"
#include "harness/reference.hpp"
#include "kernels/registry.hpp"

namespace actbench {
namespace {

constexpr Shape kShape{1000, 300};  // 300K elements, past kParallelSetupFrom: every thread gets a share

TEST(Validation, CountsEveryMismatchAndReportsTheFirst) {
  static_assert(kShape.rows * kShape.channels >= kParallelSetupFrom);
  const Case* c = registry().find("relu/forward/vectorised/cpu/f32");
  ASSERT_NE(c, nullptr);
  CaseData data(*c, kShape, InputKind::mixed, 5);
  const ExecContext ctx{.threads = 2};
  const Runner run = c->prepare(data.operands(), ctx);
  data.reset();
  run();
  ASSERT_TRUE(data.validate().passed);

  auto* y = static_cast<float*>(data.operands().out);
  const std::int64_t late = kShape.elements() - 5;
  const std::int64_t early = 40'000;
  y[late] = 1e6f;
  y[early] = std::numeric_limits<float>::quiet_NaN();
  const ValidationResult r = data.validate();
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.mismatches, 2);
  EXPECT_EQ(r.first_mismatch.rfind("y element " + std::to_string(early) + ":", 0), 0u) << r.first_mismatch;
  EXPECT_TRUE(std::isinf(r.max_abs_error));
}

// max_tolerance_used is the closest an element came to failing: at most 1 when the case passed. Near
// gelu's zero the bias add's rounding makes relative errors and ULP large, which the absolute
// tolerance allows; the share stays a fraction there.
TEST(Validation, ReportsTheShareOfTheToleranceTheWorstElementUsed) {
  const Case* c = registry().find("gelu/forward/fused_bias/cpu/f32");
  ASSERT_NE(c, nullptr);
  CaseData data(*c, kShape, InputKind::mixed, 5);
  const Runner run = c->prepare(data.operands(), ExecContext{.threads = 2});
  data.reset();
  run();
  const ValidationResult clean = data.validate();
  ASSERT_TRUE(clean.passed);
  EXPECT_GT(clean.max_tolerance_used, 0.0);
  EXPECT_LE(clean.max_tolerance_used, 1.0);

  static_cast<float*>(data.operands().out)[kShape.elements() / 2] += 1.0f;
  const ValidationResult broken = data.validate();
  EXPECT_FALSE(broken.passed);
  EXPECT_GT(broken.max_tolerance_used, 1.0);
}

// validate() computes the reference block by block, the blocks split between threads. The checks that
// sum the blocks (the bias gradient, the zero counts) and the mask must still fail where the kernel
// erred, late in the tensor too, and crelu's second half must be held to its own input.
ValidationResult validate_after(const char* id, const std::function<void(const Operands&)>& corrupt) {
  static_assert(kShape.rows * kShape.channels >= kParallelSetupFrom);
  const Case* c = registry().find(id);
  if (c == nullptr) {
    ADD_FAILURE() << "no case " << id;
    return {};
  }
  CaseData data(*c, kShape, InputKind::mixed, 7);
  const Runner run = c->prepare(data.operands(), ExecContext{.threads = 2});
  data.reset();
  run();
  EXPECT_TRUE(data.validate().passed) << id;
  corrupt(data.operands());
  return data.validate();
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

TEST(Validation, BlockwiseChecksFailWhereTheKernelErred) {
  const std::int64_t n = kShape.elements();
  const std::int64_t channels = kShape.channels;

  const ValidationResult grad = validate_after("relu/backward/fused_bias/cpu/f32", [&](const Operands& op) {
    static_cast<float*>(op.bias_grad)[channels - 1] += 1.0f;
  });
  EXPECT_EQ(grad.mismatches, 1);
  EXPECT_TRUE(starts_with(grad.first_mismatch, "bias_grad element 299:")) << grad.first_mismatch;

  const ValidationResult counts = validate_after("crelu/forward/fused_stats/cpu/f32", [&](const Operands& op) {
    op.zero_counts[2 * channels - 1] += 1;  // the last channel of crelu's second half
  });
  EXPECT_EQ(counts.mismatches, 1);
  EXPECT_TRUE(starts_with(counts.first_mismatch, "zero count of channel 599 is ")) << counts.first_mismatch;

  const std::int64_t late = n - 3;
  const ValidationResult mask = validate_after("relu/forward/mask/cpu/f32", [&](const Operands& op) {
    static_cast<std::uint8_t*>(op.mask)[late / 8] ^= static_cast<std::uint8_t>(1u << (late % 8));
  });
  EXPECT_EQ(mask.mismatches, 1);
  EXPECT_TRUE(starts_with(mask.first_mismatch, "mask bit " + std::to_string(late) + " is ")) << mask.first_mismatch;

  // y[r, C + c] is relu(-x[r, c]): a wrong value there names x[r, c] as its input.
  const std::int64_t row = kShape.rows - 1, c = 5;
  std::string input;
  const ValidationResult crelu = validate_after("crelu/forward/vectorised/cpu/f32", [&](const Operands& op) {
    static_cast<float*>(op.out)[row * 2 * channels + channels + c] = 1e6f;
    std::ostringstream text;
    text.precision(9);
    text << "(input " << static_cast<double>(static_cast<const float*>(op.x)[row * channels + c]) << ",";
    input = text.str();
  });
  EXPECT_EQ(crelu.mismatches, 1);
  EXPECT_TRUE(starts_with(crelu.first_mismatch, "y element " + std::to_string(row * 2 * channels + channels + c) + ":"))
      << crelu.first_mismatch;
  EXPECT_NE(crelu.first_mismatch.find(input), std::string::npos) << crelu.first_mismatch << " lacks " << input;

  EXPECT_TRUE(validate_after("crelu/backward/vectorised/cpu/f32", [](const Operands&) {}).passed);
}

constexpr const char* kDTypes[] = {"f32", "f64", "f16", "bf16"};

// reset() poisons with all-ones bytes, which must read as NaN in every dtype.
TEST(Validation, AnUnwrittenOutputFailsEveryElement) {
  for (const char* dtype : kDTypes) {
    const Case* c = registry().find(std::string("gelu/forward/vectorised/cpu/") + dtype);
    ASSERT_NE(c, nullptr) << dtype;
    CaseData data(*c, kShape, InputKind::mixed, 6);
    data.reset();  // poisons y with NaN; the kernel never runs
    const ValidationResult r = data.validate();
    EXPECT_FALSE(r.passed) << dtype;
    EXPECT_EQ(r.mismatches, kShape.elements()) << dtype;
    EXPECT_EQ(r.first_mismatch.rfind("y element 0:", 0), 0u) << r.first_mismatch;
  }
}

// Counted on the output as stored, split between threads: the same fraction as the output's values.
TEST(Validation, SparsityIsTheFractionOfZeroOutputsInEveryDtype) {
  for (const char* dtype : kDTypes) {
    const Case* c = registry().find(std::string("relu/forward/vectorised/cpu/") + dtype);
    ASSERT_NE(c, nullptr) << dtype;
    CaseData data(*c, kShape, InputKind::mixed, 8);
    const Runner run = c->prepare(data.operands(), ExecContext{.threads = 2});
    data.reset();
    run();
    const auto y = data.output_values();
    const double zeros = static_cast<double>(std::count(y.begin(), y.end(), 0.0));
    EXPECT_DOUBLE_EQ(data.output_sparsity(), zeros / static_cast<double>(y.size())) << dtype;
    EXPECT_NEAR(data.output_sparsity(), 0.5, 0.01) << dtype << ": relu of a standard normal";
  }
}

// 1024 rows: the reference covers kSampledRows of them, spread evenly (0, 33, 66, ...), not row 1.
constexpr Shape kLayer{1024, 256, 512};
constexpr std::int64_t kUnsampledRow = 1;
static_assert(kLayer.rows * kLayer.channels * kLayer.depth > kWholeLayerMacs);

// Writes `saved` back to `to`, except row kUnsampledRow (of row_bytes each; none for 0), which keeps
// the poison reset() put there: the row as a kernel that skipped it would leave it.
void restore_all_but_one_row(void* to, const std::vector<std::uint8_t>& saved, std::size_t row_bytes) {
  auto* out = static_cast<std::uint8_t*>(to);
  const std::size_t skip_from = kUnsampledRow * row_bytes;
  const std::size_t skip_to = skip_from + row_bytes;
  std::memcpy(out, saved.data(), skip_from);
  std::memcpy(out + skip_to, saved.data() + skip_to, saved.size() - skip_to);
}

// Runs the case and validates it; then poisons the outputs again and puts them back, all but one row
// of y (or, with `mask_row`, all of y and all but one row of the mask).
ValidationResult validate_with_row_unwritten(const Case& c, bool mask_row) {
  CaseData data(c, kLayer, InputKind::mixed, 7);
  const Runner run = c.prepare(data.operands(), ExecContext{.threads = 2});
  data.reset();
  run();
  EXPECT_TRUE(data.validate().passed);

  const Operands& op = data.operands();
  const auto channels = static_cast<std::size_t>(kLayer.channels);
  std::vector<std::uint8_t> y(static_cast<std::size_t>(kLayer.rows) * channels * sizeof(float));
  std::memcpy(y.data(), op.out, y.size());
  std::vector<std::uint8_t> mask(mask_row ? y.size() / sizeof(float) / 8 : 0);
  if (mask_row) std::memcpy(mask.data(), op.mask, mask.size());
  data.reset();
  restore_all_but_one_row(op.out, y, mask_row ? 0 : channels * sizeof(float));
  if (mask_row) restore_all_but_one_row(op.mask, mask, channels / 8);
  return data.validate();
}

TEST(Validation, AnUnwrittenRowOutsideTheGemmReferenceFails) {
  const Case* c = registry().find("relu/forward/fused_gemm/cpu/f32");
  ASSERT_NE(c, nullptr);
  const ValidationResult r = validate_with_row_unwritten(*c, false);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.mismatches, kLayer.channels);
  const std::string first = "element " + std::to_string(kUnsampledRow * kLayer.channels) + " is NaN: never written";
  EXPECT_NE(r.first_mismatch.find(first), std::string::npos) << r.first_mismatch;
}

// The CPU has no fused_gemm_mask: the CPU layer, then its mask derived from y, as the epilogue writes it;
// `tamper` then changes the mask.
Case cpu_layer_with_mask(std::function<void(std::uint8_t* mask)> tamper = {}) {
  const Case* c = registry().find("relu/forward/fused_gemm/cpu/f32");
  EXPECT_NE(c, nullptr);
  Case masked = *c;
  masked.signature.mask_out = true;
  masked.prepare = [c, tamper](const Operands& op, const ExecContext& ctx) -> Runner {
    return [op, tamper, layer = c->prepare(op, ctx)] {
      layer();
      const auto* y = static_cast<const float*>(op.out);
      const auto bits = relu_mask(std::vector<double>(y, y + op.shape.elements()));
      std::copy(bits.begin(), bits.end(), static_cast<std::uint8_t*>(op.mask));
      if (tamper) tamper(static_cast<std::uint8_t*>(op.mask));
    };
  };
  return masked;
}

TEST(Validation, AnUnwrittenMaskRowOutsideTheGemmReferenceFails) {
  const ValidationResult r = validate_with_row_unwritten(cpu_layer_with_mask(), true);
  EXPECT_FALSE(r.passed);
  EXPECT_GT(r.mismatches, 0);
  EXPECT_EQ(r.first_mismatch.rfind("mask", 0), 0u) << r.first_mismatch;
}

TEST(Validation, AMaskBitSetWhereF32ReluIsZeroOutsideTheGemmReferenceFails) {
  const Case masked = cpu_layer_with_mask([](std::uint8_t* mask) {
    std::fill_n(mask + kUnsampledRow * kLayer.channels / 8, kLayer.channels / 8, std::uint8_t{0xFF});
  });
  CaseData data(masked, kLayer, InputKind::mixed, 7);
  const Runner run = masked.prepare(data.operands(), ExecContext{.threads = 2});
  data.reset();
  run();
  const auto* y = static_cast<const float*>(data.operands().out) + kUnsampledRow * kLayer.channels;
  const auto zeros = std::count(y, y + kLayer.channels, 0.0f);
  ASSERT_GT(zeros, 0);
  const ValidationResult r = data.validate();
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.mismatches, zeros);
  EXPECT_EQ(r.first_mismatch.rfind("mask", 0), 0u) << r.first_mismatch;
}

}  // namespace
}  // namespace actbench
