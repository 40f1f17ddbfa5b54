// The comparison with the reference is split between threads: it must still count every mismatch
// and report the lowest-index one, as one sequential loop would.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "harness/case_data.hpp"
#include "harness/parallel_setup.hpp"
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

TEST(Validation, AnUnwrittenOutputFailsEveryElement) {
  const Case* c = registry().find("gelu/forward/vectorised/cpu/f32");
  ASSERT_NE(c, nullptr);
  CaseData data(*c, kShape, InputKind::mixed, 6);
  data.reset();  // poisons y with NaN; the kernel never runs
  const ValidationResult r = data.validate();
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.mismatches, kShape.elements());
  EXPECT_EQ(r.first_mismatch.rfind("y element 0:", 0), 0u) << r.first_mismatch;
}

}  // namespace
}  // namespace actbench
