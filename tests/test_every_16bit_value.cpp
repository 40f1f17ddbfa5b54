// Every f16 and bf16 value (InputKind::every16: all 2^16 bit patterns of each, NaNs, infinities, both
// zeros and the denormals included) through every elementwise case, CPU and GPU (skipped without
// one), against the float64 reference. The registered-case tests sample the 16-bit types; here none
// of their values is left out, which matters most where a 16-bit output takes cheaper math than
// f32's (the CPU's vectorised tanh, exp and expm1). The largest bf16 values reach f32's range too:
// selu of 3.24e38 is past it and must store as inf.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "case_names.hpp"
#include "harness/buffers.hpp"
#include "harness/case_data.hpp"
#include "harness/inputs.hpp"
#include "harness/reference.hpp"
#include "kernels/registry.hpp"

namespace actbench {
namespace {

constexpr Shape kShape{512, 256};  // 2^17 elements: every f16 value, then every bf16 value

std::vector<std::size_t> elementwise_cases() {
  std::vector<std::size_t> v;
  const auto& cases = registry().cases();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (!cases[i].signature.gemm) v.push_back(i);
  }
  return v;
}

class Every16BitValue : public ::testing::TestWithParam<std::size_t> {};

TEST_P(Every16BitValue, MatchesFloat64Reference) {
  static_assert(kShape.rows * kShape.channels == std::int64_t{2} << 16);
  const Case& c = registry().cases()[GetParam()];
  if (!c.runnable()) GTEST_SKIP() << c.unsupported;
  if (c.device == Device::cuda && gpu_count() == 0) GTEST_SKIP() << gpu_unavailable_reason();
  if (!c.deviations.empty()) GTEST_SKIP() << "departs from the reference on non-finite inputs: " << c.deviations;
  ValidationResult r;
  try {
    r = run_and_validate(c, kShape, InputKind::every16, 1, ExecContext{.threads = 2});
  } catch (const std::runtime_error& e) {
    GTEST_SKIP() << "cannot run here: " << e.what();  // e.g. oneDNN has no f16 on this CPU
  }
  EXPECT_TRUE(r.passed) << c.id() << ": " << r.first_mismatch << " (" << r.mismatches << " mismatches)";
}

INSTANTIATE_TEST_SUITE_P(Elementwise, Every16BitValue, ::testing::ValuesIn(elementwise_cases()),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return testing::test_name(registry().cases()[info.param]);
                         });

// The 16-bit tanh fit's accuracy, counted: how many of the type's own values come out other than the
// correctly rounded tanh (the reference rounded to the dtype): 12 in f16 and none in bf16, as
// kernels/cpu/rational_fit.py tanh16 counts them in numpy's f32 evaluation.
int misrounded_tanh(DType dtype) {
  const Case* c = registry().find(std::string("tanh/forward/vectorised/cpu/") + std::string(name_of(dtype)));
  if (c == nullptr) {
    ADD_FAILURE() << "no vectorised tanh in " << name_of(dtype);
    return -1;
  }
  CaseData data(*c, kShape, InputKind::every16, 1);
  const Runner run = c->prepare(data.operands(), ExecContext{.threads = 2});
  data.reset();
  run();
  const HostValues<double> got = data.output_values();
  HostValues<double> x = make_inputs(InputKind::every16, kShape.elements(), 1);
  round_to_dtype(x, dtype);
  HostValues<double> want = compute_reference(*c, kShape, {.x = x, .dy = {}, .slope = {}, .bias = {}}).out;
  round_to_dtype(want, dtype);
  // Each type's own values are the half of the tensor that holds its bit patterns.
  const std::int64_t first = dtype == DType::f16 ? 0 : std::int64_t{1} << 16;
  int wrong = 0;
  for (std::int64_t i = first; i < first + (std::int64_t{1} << 16); ++i) {
    const auto k = static_cast<std::size_t>(i);
    if (std::isnan(want[k]) ? !std::isnan(got[k]) : got[k] != want[k]) ++wrong;
  }
  return wrong;
}

TEST(Every16BitValue, TanhRoundsAsTheExactTanhSaveTwelveF16Values) {
  EXPECT_LE(misrounded_tanh(DType::f16), 12);
  EXPECT_EQ(misrounded_tanh(DType::bf16), 0);
}

}  // namespace
}  // namespace actbench
