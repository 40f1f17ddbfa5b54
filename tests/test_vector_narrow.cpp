// The vectorised kernels' store conversions (Storage<T>::narrow in kernels/cpu/vector_math-inl.hpp)
// against the scalar ones of kernels/dtype.hpp, bit for bit, and the zero statistics' test of which
// values store as zero (stored_zero_lanes) against the stored bits, on every Highway target this CPU
// runs. The kernels themselves only ever run the best target, and on a CPU with AVX512_BF16 only the
// native bf16 conversion, so each of the other paths is checked here.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "tests/test_vector_narrow.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <cstddef>
#include <cstdint>

#include <hwy/highway.h>

#include "kernels/cpu/native_bf16.hpp"
#include "kernels/cpu/vector_loops-inl.hpp"

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

// zero[i] = whether in[i] stores as zero in T, by the zero statistics' test.
template <class T>
void zero_test_all(const float* in, std::int32_t* zero, std::size_t n) {
  const TagOf<T> d;
  const hn::RebindToSigned<decltype(d)> di;
  for (std::size_t i = 0; i < n; i += hn::Lanes(d)) {
    hn::StoreU(hn::VecFromMask(di, stored_zero_lanes<T>(narrow<T>(hn::LoadU(d, in + i)))), di, zero + i);
  }
}

void narrow_to_f16(const float* in, std::uint16_t* out, std::size_t n) { narrow_all<f16>(in, out, n); }
void narrow_to_bf16(const float* in, std::uint16_t* out, std::size_t n) { narrow_all<bf16>(in, out, n); }
void zero_test_f16(const float* in, std::int32_t* zero, std::size_t n) { zero_test_all<f16>(in, zero, n); }
void zero_test_bf16(const float* in, std::int32_t* zero, std::size_t n) { zero_test_all<bf16>(in, zero, n); }
// NativeBf16 where this target has it; the tests call these only where narrows_bf16_natively holds.
#if ACTBENCH_NATIVE_BF16_TARGET(HWY_TARGET)
using MaybeNativeBf16 = NativeBf16;
#else
using MaybeNativeBf16 = bf16;
#endif
void narrow_to_native_bf16(const float* in, std::uint16_t* out, std::size_t n) {
  narrow_all<MaybeNativeBf16>(in, out, n);
}
void zero_test_native_bf16(const float* in, std::int32_t* zero, std::size_t n) {
  zero_test_all<MaybeNativeBf16>(in, zero, n);
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
HWY_EXPORT(zero_test_f16);
HWY_EXPORT(zero_test_bf16);
HWY_EXPORT(zero_test_native_bf16);

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

  // narrow: the vectorised conversion; scalar: kernels/dtype.hpp's.
  template <class Narrow, class Scalar>
  void expect_bits_equal(Narrow narrow, Scalar scalar) {
    const std::vector<float> in = hard_patterns();
    std::vector<std::uint16_t> out(in.size());
    narrow(in.data(), out.data(), in.size());
    expect_each(in, out, [&](float x) { return scalar(x).bits; });
  }

  // A value counts as zero (a lane of all ones) exactly where the scalar conversion stores +0 or -0.
  template <class ZeroTest, class Scalar>
  void expect_zero_where_stored_zero(ZeroTest zero_test, Scalar scalar) {
    const std::vector<float> in = hard_patterns();
    std::vector<std::int32_t> zero(in.size());
    zero_test(in.data(), zero.data(), in.size());
    expect_each(in, zero, [&](float x) { return (scalar(x).bits & 0x7fffu) == 0 ? -1 : 0; });
  }

 private:
  // got[i] against expected(in[i]), reporting the first few mismatches.
  template <class Value, class Expected>
  static void expect_each(const std::vector<float>& in, const std::vector<Value>& got, Expected expected) {
    int mismatches = 0;
    for (std::size_t i = 0; i < in.size() && mismatches < 10; ++i) {
      const Value want = static_cast<Value>(expected(in[i]));
      if (got[i] != want) {
        ++mismatches;
        ADD_FAILURE() << std::hex << "f32 bits 0x" << bits_of(in[i]) << ": 0x" << got[i] << ", expected 0x" << want;
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
  expect_zero_where_stored_zero(HWY_DYNAMIC_DISPATCH(zero_test_native_bf16), to_bf16);
}

TEST_P(VectorNarrow, ZeroStatisticsCountExactlyTheValuesThatStoreAsZero) {
  expect_zero_where_stored_zero(HWY_DYNAMIC_DISPATCH(zero_test_f16), to_f16);
  expect_zero_where_stored_zero(HWY_DYNAMIC_DISPATCH(zero_test_bf16), to_bf16);
}

}  // namespace
}  // namespace actbench
#endif
