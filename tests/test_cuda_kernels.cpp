// The vectorised CUDA kernels on operands one element past a 16-byte boundary, where they must take
// their element-at-a-time path and write nothing outside the output. (Every cuda case is also checked
// against the float64 reference by test_registered_cases and against its partner strategy by
// test_strategy_equivalence.) Without a GPU every test skips with the reason.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "case_names.hpp"
#include "harness/case_data.hpp"
#include "harness/reference.hpp"
#include "kernels/registry.hpp"

namespace actbench {
namespace {

class CudaKernel : public ::testing::TestWithParam<std::size_t> {
 protected:
  const Case& the_case() const { return registry().cases()[GetParam()]; }
  void SetUp() override {
    if (!the_case().runnable()) GTEST_SKIP() << the_case().unsupported;
    if (gpu_count() == 0) GTEST_SKIP() << gpu_unavailable_reason();
  }
};

// Values of storage type T in a device buffer, starting one element past a 16-byte boundary, with a
// NaN guard element on each side that the kernel must leave alone.
class ShiftedOperand {
 public:
  ShiftedOperand(DType dtype, std::span<double> values) : dtype_(dtype), count_(values.size()) {
    buffer_ = Buffer(Device::cuda, 0, (count_ + 2) * size_of(dtype));
    visit_dtype(dtype, [&](auto storage) {
      using T = decltype(storage);
      using Compute = typename DTypeTraits<T>::Compute;
      std::vector<T> raw(count_ + 2, DTypeTraits<T>::store(std::numeric_limits<Compute>::quiet_NaN()));
      for (std::size_t i = 0; i < count_; ++i) {
        raw[i + 1] = DTypeTraits<T>::store(static_cast<Compute>(values[i]));
        values[i] = static_cast<double>(DTypeTraits<T>::load(raw[i + 1]));  // what the kernel sees
      }
      buffer_.upload(raw.data(), raw.size() * sizeof(T));
    });
  }
  void* data() const { return static_cast<char*>(buffer_.data()) + size_of(dtype_); }
  // The values, guards included (front guard first).
  std::vector<double> download() const {
    std::vector<double> out(count_ + 2);
    visit_dtype(dtype_, [&](auto storage) {
      using T = decltype(storage);
      std::vector<T> raw(count_ + 2);
      buffer_.download(raw.data(), raw.size() * sizeof(T));
      for (std::size_t i = 0; i < raw.size(); ++i) out[i] = static_cast<double>(DTypeTraits<T>::load(raw[i]));
    });
    return out;
  }

 private:
  DType dtype_;
  std::size_t count_;
  Buffer buffer_;
};

TEST_P(CudaKernel, VectorisedMatchesReferenceOnMisalignedOperands) {
  const Case& c = the_case();
  const bool forward = c.direction == Direction::forward;
  const int out_factor = c.signature.out_factor;
  for (const Shape shape : {Shape{65, 40}, shape_for(4096 + 3)}) {
    const auto n = static_cast<std::size_t>(shape.elements());
    HostValues<double> x = make_inputs(InputKind::wide, shape.elements(), 11);
    HostValues<double> dy = forward ? HostValues<double>{} : make_inputs(InputKind::mixed, shape.elements() * out_factor, 12);
    HostValues<double> slope = c.signature.slope ? make_inputs(InputKind::positive, shape.channels, 13) : HostValues<double>{};
    std::vector<double> out(forward ? n * out_factor : n, std::numeric_limits<double>::quiet_NaN());
    ShiftedOperand x_dev(c.dtype, x), out_dev(c.dtype, out);
    std::optional<ShiftedOperand> dy_dev, slope_dev;
    Operands op;
    op.shape = shape;
    op.x = x_dev.data();
    op.out = out_dev.data();
    if (!forward) op.dy = dy_dev.emplace(c.dtype, dy).data();
    if (c.signature.slope) op.slope = slope_dev.emplace(c.dtype, slope).data();

    const ExecContext ctx{};
    c.prepare(op, ctx)();
    synchronize(c.device, ctx);
    const ReferenceOutputs ref = compute_reference(c, shape, ReferenceInputs{x, dy, slope, {}});
    const std::vector<double> got = out_dev.download();
    ASSERT_TRUE(std::isnan(got.front()) && std::isnan(got.back())) << c.id() << " wrote outside its output";
    const Tolerance tol = tolerance_for(c, shape);
    double dy_scale = 1;  // backward: the derivative's absolute error scales with dy (harness/validate.hpp)
    for (double v : dy) dy_scale = std::max(dy_scale, std::abs(v));
    for (std::size_t i = 0; i < ref.out.size(); ++i) {
      ASSERT_LE(std::abs(got[i + 1] - ref.out[i]), tol.abs * dy_scale + tol.rel * std::abs(ref.out[i]))
          << c.id() << " shape " << shape.rows << "x" << shape.channels << " element " << i << ": got " << got[i + 1]
          << ", expected " << ref.out[i];
    }
  }
}

// Only vectorised chooses its access width by alignment.
std::vector<std::size_t> cuda_vectorised_indices() {
  std::vector<std::size_t> v;
  for (std::size_t i = 0; i < registry().cases().size(); ++i) {
    const Case& c = registry().cases()[i];
    if (c.device == Device::cuda && c.implementation == "vectorised") v.push_back(i);
  }
  return v;
}

INSTANTIATE_TEST_SUITE_P(Misaligned, CudaKernel, ::testing::ValuesIn(cuda_vectorised_indices()),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return testing::test_name(registry().cases()[info.param]);
                         });
// A CPU-only build registers no cuda case.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(CudaKernel);

}  // namespace
}  // namespace actbench
