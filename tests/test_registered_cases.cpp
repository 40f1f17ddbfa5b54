// Every registered case, on every device it names, against the float64 reference: sizes from 1 to past
// a SIMD block, odd lengths and channel counts, and inputs that reach every branch and special value.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

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
// GEMM layers (M x N x K): one element, odd sizes, past a block of oneDNN's and cuBLASLt's tiles, and
// rows of 256 outputs, the multiple of 128 bits that cuBLASLt's ReLU mask needs.
constexpr Shape kMaskedGemmShape{35, 256, 72};
constexpr Shape kGemmShapes[] = {{1, 1, 1}, {3, 17, 5}, {64, 64, 64}, {33, 130, 257}, {257, 96, 128}, kMaskedGemmShape};
// On the GPU also a tensor larger than one wave of the grid-stride kernels (~4M elements on an H100).
constexpr Shape kGpuShape{8193, 1024};
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
  int validated = 0;
  std::string rejected;
  std::vector<Shape> shapes(std::begin(kShapes), std::end(kShapes));
  if (c.signature.gemm) {
    shapes.assign(std::begin(kGemmShapes), std::end(kGemmShapes));
  } else if (c.device == Device::cuda) {
    shapes.push_back(kGpuShape);
  }
  for (const Shape& shape : shapes) {
    for (InputKind inputs : kInputs) {
      if (inputs == InputKind::special && !c.deviations.empty()) continue;  // documented: c.deviations
      if (shape.elements() == kGpuShape.elements() && inputs != InputKind::mixed) continue;  // one input suffices there
      CaseData data(c, shape, inputs, seed++);
      Runner run;
      try {
        run = c.prepare(data.operands(), ctx);
      } catch (const std::runtime_error& e) {
        // A library may reject a shape or dtype (cuDNN finds no engine for one element, oneDNN has no
        // f16 on this CPU): that shape is skipped with the reason; the others must still pass. Anything
        // thrown while running is a failure.
        rejected = e.what();
        continue;
      }
      data.reset();
      run();
      synchronize(c.device, ctx);
      const ValidationResult r = data.validate();
      ASSERT_TRUE(r.passed) << c.id() << " shape " << shape.rows << "x" << shape.channels << "x" << shape.depth << " input "
                            << name_of(inputs) << ": " << r.first_mismatch << " (" << r.mismatches
                            << " mismatches, tolerance abs " << r.tolerance.abs << " rel " << r.tolerance.rel << ")";
      ++validated;
    }
  }
  if (validated == 0) GTEST_SKIP() << "cannot run here: " << rejected;
}

// Above, a library that rejects every shape reads as skipped. On a GPU each of them must run the case
// they all have, f32 relu forward: a failure to build it there is a bug, not a skip.
TEST(GpuLibraries, RunF32ReluForward) {
  if (gpu_count() == 0) GTEST_SKIP() << gpu_unavailable_reason();
  const ExecContext ctx{.threads = 2};
  for (const char* implementation : {"cudnn", "cudnn_graph", "fused_gemm", "fused_gemm_mask", "unfused_gemm"}) {
    const std::string id = std::string("relu/forward/") + implementation + "/cuda/f32";
    const auto& cases = registry().cases();
    const auto c = std::find_if(cases.begin(), cases.end(), [&](const Case& k) { return k.id() == id; });
    ASSERT_NE(c, cases.end()) << id << " is not registered";
    CaseData data(*c, c->signature.gemm ? kMaskedGemmShape : Shape{64, 64}, InputKind::mixed, 1);
    Runner run;
    try {
      run = c->prepare(data.operands(), ctx);
    } catch (const std::runtime_error& e) {
      ADD_FAILURE() << id << " did not prepare on this GPU: " << e.what();
      continue;
    }
    data.reset();
    run();
    synchronize(c->device, ctx);
    const ValidationResult r = data.validate();
    EXPECT_TRUE(r.passed) << id << ": " << r.first_mismatch;
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
