// The vectorised kernels' store conversions (Storage<T>::narrow in kernels/cpu/vector_math-inl.hpp)
// against the scalar ones of kernels/dtype.hpp, bit for bit, on every Highway target this CPU runs.
// The kernels themselves only ever run the best target, and on a CPU with AVX512_BF16 only the native
// bf16 conversion, so each of the other paths is checked here.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "tests/test_vector_narrow.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <cstddef>
#include <cstdint>

#include <hwy/highway.h>

#include "kernels/cpu/native_bf16.hpp"
#include "kernels/cpu/vector_math-inl.hpp"

HWY_BEFORE_NAMESPACE();
namespace actbench::HWY_NAMESPACE {
namespace {

// out[i] = the stored bits of in[i] as T; n is a multiple of the vector length.
template <class T>
void narrow_all(const float* in, std::uint16_t* out, std::size_t n) {
  const hn::ScalableTag<float> d;
  const hn::Rebind<std::uint16_t, decltype(d)> d16;
  for (std::size_t i = 0; i < n; i += hn::Lanes(d)) {
    hn::StoreU(hn::BitCast(d16, Storage<T>::narrow(d, hn::LoadU(d, in + i))), d16, out + i);
  }
}

void narrow_to_f16(const float* in, std::uint16_t* out, std::size_t n) { narrow_all<f16>(in, out, n); }
void narrow_to_bf16(const float* in, std::uint16_t* out, std::size_t n) { narrow_all<bf16>(in, out, n); }
// Only called where narrows_bf16_natively(this target) holds.
void narrow_to_native_bf16(const float* in, std::uint16_t* out, std::size_t n) {
#if ACTBENCH_NATIVE_BF16_TARGET(HWY_TARGET)
  narrow_all<NativeBf16>(in, out, n);
#else
  narrow_all<bf16>(in, out, n);
#endif
}

}  // namespace
}  // namespace actbench::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <random>
#include <vector>

#include <gtest/gtest.h>
#include <hwy/tests/hwy_gtest.h>

namespace actbench {
namespace {

HWY_EXPORT(narrow_to_f16);
HWY_EXPORT(narrow_to_bf16);
HWY_EXPORT(narrow_to_native_bf16);

// f32 bit patterns where rounding goes wrong if it is wrong anywhere: for every sign and exponent
// (zero and denormal, normal, Inf and NaN), mantissas at and around the rounding ties of both 16-bit
// types, plus random patterns. The count is a multiple of every vector length.
std::vector<float> hard_patterns() {
  std::vector<std::uint32_t> mantissas = {0, 1, 0x7fff, 0x8000, 0x8001, 0x18000, 0x17fff, 0x0fff, 0x1000, 0x1001,
                                          0x3000, 0x2fff, 0x400000, 0x7fffff, 0x7f8000, 0x7fc000};
  std::vector<float> values;
  for (std::uint32_t sign : {0u, 0x80000000u}) {
    for (std::uint32_t exponent = 0; exponent < 256; ++exponent) {
      for (std::uint32_t mantissa : mantissas) values.push_back(float_of(sign | exponent << 23 | mantissa));
    }
  }
  std::mt19937 rng(20261202);
  while (values.size() % 64 != 0 || values.size() < 200000) values.push_back(float_of(static_cast<std::uint32_t>(rng())));
  return values;
}

// Each test runs once per target, which it makes the only one Highway dispatches to.
class VectorNarrow : public testing::TestWithParam<std::int64_t> {
 protected:
  void SetUp() override { hwy::SetSupportedTargetsForTest(GetParam()); }
  void TearDown() override { hwy::SetSupportedTargetsForTest(0); }

  template <class Narrow, class Scalar>
  void expect_bits_equal(Narrow narrow, Scalar scalar) {
    const std::vector<float> in = hard_patterns();
    std::vector<std::uint16_t> out(in.size());
    narrow(in.data(), out.data(), in.size());
    int mismatches = 0;
    for (std::size_t i = 0; i < in.size() && mismatches < 10; ++i) {
      const std::uint16_t expected = scalar(in[i]).bits;
      if (out[i] != expected) {
        ++mismatches;
        ADD_FAILURE() << std::hex << "f32 bits 0x" << bits_of(in[i]) << ": 0x" << out[i] << ", scalar 0x" << expected;
      }
    }
  }
};
HWY_TARGET_INSTANTIATE_TEST_SUITE_P(VectorNarrow);

TEST_P(VectorNarrow, F16MatchesScalarConversion) {
  expect_bits_equal(HWY_DYNAMIC_DISPATCH(narrow_to_f16), to_f16);
}

TEST_P(VectorNarrow, Bf16MatchesScalarConversion) {
  expect_bits_equal(HWY_DYNAMIC_DISPATCH(narrow_to_bf16), to_bf16);
}

TEST_P(VectorNarrow, NativeBf16MatchesScalarConversionDenormalsIncluded) {
  if (!narrows_bf16_natively(GetParam())) {
    GTEST_SKIP() << "this target or CPU has no AVX512_BF16 conversion (the kernels narrow bf16 by hand here)";
  }
  expect_bits_equal(HWY_DYNAMIC_DISPATCH(narrow_to_native_bf16), to_bf16);
}

}  // namespace
}  // namespace actbench
#endif
