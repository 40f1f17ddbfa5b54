// Every registered case, on every device it names, against the float64 reference: sizes from 1 to past
// a SIMD block, odd lengths and channel counts, and inputs that reach every branch and special value.
#include <gtest/gtest.h>

#include <stdexcept>

#include "case_names.hpp"
#include "harness/case_data.hpp"
#include "kernels/registry.hpp"

namespace actbench {
namespace {

class RegisteredCase : public ::testing::TestWithParam<std::size_t> {
 protected:
  const Case& the_case() const { return registry().cases()[GetParam()]; }
};

constexpr Shape kShapes[] = {{1, 1}, {1, 7}, {1, 31}, {3, 17}, {8, 125}, {64, 64}, {1, 4099}, {257, 256}};
constexpr InputKind kInputs[] = {InputKind::wide, InputKind::special, InputKind::mixed};

TEST_P(RegisteredCase, MatchesFloat64Reference) {
  const Case& c = the_case();
  if (!c.runnable()) {
    EXPECT_FALSE(c.unsupported.empty()) << "a case without an implementation must say why";
    GTEST_SKIP() << c.unsupported;
  }
  if (c.device == Device::cuda && gpu_count() == 0) GTEST_SKIP() << gpu_unavailable_reason();
  const ExecContext ctx{.threads = 2};
  std::uint64_t seed = 1;
  for (const Shape& shape : kShapes) {
    for (InputKind inputs : kInputs) {
      ValidationResult r;
      try {
        r = run_and_validate(c, shape, inputs, seed++, ctx);
      } catch (const std::runtime_error& e) {
        GTEST_SKIP() << "cannot run here: " << e.what();  // e.g. a library rejects this dtype on this CPU
      }
      ASSERT_TRUE(r.passed) << c.id() << " shape " << shape.rows << "x" << shape.channels << " input "
                            << name_of(inputs) << ": " << r.first_mismatch << " (" << r.mismatches
                            << " mismatches, tolerance abs " << r.tolerance.abs << " rel " << r.tolerance.rel << ")";
    }
  }
}

std::vector<std::size_t> all_indices() {
  std::vector<std::size_t> v(registry().cases().size());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = i;
  return v;
}

INSTANTIATE_TEST_SUITE_P(Registry, RegisteredCase, ::testing::ValuesIn(all_indices()),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return testing::test_name(registry().cases()[info.param]);
                         });

}  // namespace
}  // namespace actbench
