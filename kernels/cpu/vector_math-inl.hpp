// The Highway arithmetic backend of the activation functors (the vector twin of ScalarMath in
// kernels/scalar_math.hpp) and the loads and stores of each storage dtype. Compiled once per ISA:
// Highway's foreach_target includes this file again for every target, hence the toggle guard.
#if defined(ACTBENCH_KERNELS_CPU_VECTOR_MATH_INL_HPP_) == defined(HWY_TARGET_TOGGLE)
#ifdef ACTBENCH_KERNELS_CPU_VECTOR_MATH_INL_HPP_
#undef ACTBENCH_KERNELS_CPU_VECTOR_MATH_INL_HPP_
#else
#define ACTBENCH_KERNELS_CPU_VECTOR_MATH_INL_HPP_
#endif

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include <hwy/contrib/math/math-inl.h>
#include <hwy/highway.h>

#include "kernels/cpu/native_bf16.hpp"
#include "kernels/cpu/sleef_erf.hpp"
#include "kernels/dtype.hpp"

HWY_BEFORE_NAMESPACE();
namespace actbench::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Full vectors of the compute type C (float or double), with ScalarMath's names. kSixteenBitStorage:
// the results are stored as f16 or bf16, whose half ulp (2^-12 and 2^-9 relative) leaves room for
// cheaper polynomials than f32's where their terms are what bounds the loop (tanh, exp, expm1).
template <class D, bool kSixteenBitStorage = false>
struct HwyMath {
  using C = hn::TFromD<D>;
  using V = hn::Vec<D>;
  using Mask = hn::Mask<D>;

  static HWY_INLINE V c(double v) { return hn::Set(D(), static_cast<C>(v)); }
  static HWY_INLINE V select(Mask m, V a, V b) { return hn::IfThenElse(m, a, b); }
  static HWY_INLINE Mask lt(V a, V b) { return hn::Lt(a, b); }
  static HWY_INLINE Mask le(V a, V b) { return hn::Le(a, b); }
  static HWY_INLINE Mask gt(V a, V b) { return hn::Gt(a, b); }
  static HWY_INLINE Mask ge(V a, V b) { return hn::Ge(a, b); }
  static HWY_INLINE Mask eq(V a, V b) { return hn::Eq(a, b); }
  static HWY_INLINE V exp(V x) {
    if constexpr (kSingle) {
      const Reduced e = reduce(x);
      const V y = scale(e, exp_poly(e.r));
      return with_limits(x, hn::IfThenZeroElse(hn::Lt(x, c(kExpUnderflow)), y));
    } else {
      return with_limits(x, hn::IfThenElse(hn::IsNaN(x), x, hn::Exp(D(), x)));
    }
  }
  // expm1 where ELU and SELU take it, x <= 0 (and NaN): no overflow to guard against.
  static HWY_INLINE V expm1_nonpositive(V x) {
    return hn::IfThenElse(hn::Lt(x, c(kExpUnderflow)), c(-1), expm1_in_range(x));
  }
  // f32: tanh(x) = x P(x^2) / Q(x^2) on |x| <= 9 (beyond, tanh rounds to +-1), a rational fit made by
  // kernels/cpu/rational_fit.py: at most 3.6e-7 relative error (6.1 ulp) in f32 evaluation, in eight
  // multiply-adds, two multiplies and a division, where the expm1 form costs an exp's reduction and
  // polynomial besides its division and selects.
  // f16/bf16 storage: the same form in four and four terms, fitted on |x| <= 7 (`rational_fit.py
  // tanh16`): at most 1.7e-6 relative error (at the limit), under 1/250 of an f16 ulp, so 12 of the
  // 63486 finite nonzero f16 inputs and none of bf16's round to a neighbour of the correctly rounded
  // result (rational_fit.py and tests/test_every_16bit_value.cpp count them). The limit is the
  // backward's: past 7, 1 - tanh^2 < 3.4e-6 is within its absolute tolerance (65 f32 eps). Two
  // multiply-adds fewer: the 16-bit passes took 7-18% less time on one Zen 4 core at 64K elements.
  // f64: tanh(|x|) = e / (e + 2) = 1 - 2 / (e + 2), e = expm1(2|x|). Highway's Tanh uses the first
  // form everywhere and saturates at 18.7; near 1 that form rounds e + 2 to e and returns exactly 1 too
  // early (from |x| ~ 17), so 1 - tanh^2, the derivative, vanishes where it should not. The second
  // form is accurate there, the first near 0: one division serves both.
  static HWY_INLINE V tanh(V x) {
    if constexpr (kSingle && kSixteenBitStorage) {
      constexpr double kP[] = {4.023909727328616e-06, 0.0022999100413956543, 0.12330364874980522,
                               0.9999995951729636};
      constexpr double kQ[] = {0.00014467895676088146, 0.021185082632427077, 0.4566313281161243, 1.0};
      return odd_rational_or_sign(x, kP, kQ, 7.0);
    } else if constexpr (kSingle) {
      constexpr double kP[] = {1.8415824420969784e-11, -1.2855251327412859e-08, 9.296580461262471e-06,
                               0.002924329743343056,   0.1292270693302032,      0.99999997845682};
      constexpr double kQ[] = {0.00022857033108049377, 0.023778240891081694, 0.46256005405395656, 1.0};
      return odd_rational_or_sign(x, kP, kQ, 9.0);
    } else {
      const V abs = hn::Abs(x);
      const V e = expm1_in_range(abs + abs);
      const V r = c(1) / (e + c(2));
      const V t = hn::IfThenElse(hn::Lt(abs, c(0.5)), e * r, c(1) - (r + r));
      return hn::CopySignToAbs(hn::IfThenElse(hn::Gt(abs, c(kTanhIsOne)), c(1), t), x);
    }
  }
  // f32: erf(x) = x P(x^2) / Q(x^2) on |x| <= 4 (beyond, erf rounds to +-1), a rational fit made
  // by kernels/cpu/rational_fit.py: at most 3.75e-7 relative error (6.25 ulp) in f32
  // evaluation, denormals included, in ten multiply-adds, two multiplies and a division. SLEEF's
  // 1-ulp erff cost 5 ns per element on AVX2 (five times oneDNN's whole GELU), and the exp-based
  // Abramowitz-Stegun form that oneDNN uses costs twice this one and is only absolutely accurate.
  // f64 keeps SLEEF (the f64 tolerance is 64 ulp), or libm on ISAs that SLEEF's x86 builds do not
  // cover.
  static HWY_INLINE V erf(V x) {
    if constexpr (kSingle) {
      constexpr double kP[] = {1.9099010595269306e-08, -1.9219610018564315e-06, 0.0001433714828126657,
                               0.0038401060306575015,  0.05105772632159815,     0.20369928979489463,
                               1.1283791438676316};
      constexpr double kQ[] = {0.0009836319776019842, 0.014656822484405653, 0.11654189733158901, 0.5138558477540436,
                               1.0};
      return odd_rational_or_sign(x, kP, kQ, 4.0);
    } else {
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
      return V{Sleef_erfd8_u10avx512f(x.raw)};
#elif HWY_ARCH_X86 && HWY_TARGET == HWY_AVX2
      return V{Sleef_erfd4_u10avx2(x.raw)};
#else
      const D d;
      HWY_ALIGN C lanes[hn::MaxLanes(d)];
      hn::Store(x, d, lanes);
      for (std::size_t i = 0; i < hn::Lanes(d); ++i) lanes[i] = std::erf(lanes[i]);
      return hn::Load(d, lanes);
#endif
    }
  }

 private:
  static constexpr bool kSingle = sizeof(C) == 4;
  using DI = hn::RebindToSigned<D>;
  // e^r - 1 on |r| <= ln2/2. f32: Highway's polynomial, degree 7 in eight operations. f16/bf16
  // storage: Taylor's to degree 5 in five, within 2.6e-6 (absolute; 3.3e-6 relative to e^r, 7.9e-6 to
  // e^r - 1): a fiftieth of an f16 half ulp, and within the backward passes' absolute tolerance.
  static HWY_INLINE V exp_poly(V r) {
    if constexpr (kSixteenBitStorage) {
      const V p = hn::MulAdd(hn::MulAdd(hn::MulAdd(c(1.0 / 120), r, c(1.0 / 24)), r, c(1.0 / 6)), r, c(0.5));
      return hn::MulAdd(p, r * r, r);
    } else {
      return hn::impl::ExpImpl<C>().ExpPoly(D(), r);
    }
  }

  // x P(x^2) / Q(x^2) on |x| <= limit and +-1 beyond it: the odd rational fits of
  // kernels/cpu/rational_fit.py, coefficients highest power first. NaN fails the comparison and
  // stays NaN through the fit.
  template <std::size_t kPTerms, std::size_t kQTerms>
  static HWY_INLINE V odd_rational_or_sign(V x, const double (&p)[kPTerms], const double (&q)[kQTerms], double limit) {
    const V z = x * x;
    V num = c(p[0]);
    for (std::size_t i = 1; i < kPTerms; ++i) num = hn::MulAdd(num, z, c(p[i]));
    V den = c(q[0]);
    for (std::size_t i = 1; i < kQTerms; ++i) den = hn::MulAdd(den, z, c(q[i]));
    return hn::IfThenElse(hn::Gt(hn::Abs(x), c(limit)), hn::CopySign(c(1), x), x * num / den);
  }
  // From here the f64 tanh rounds to 1 (1 - tanh(x) ~ 2 exp(-2x) is below half an ulp of 1); below it
  // 2|x| stays inside Expm1's valid range.
  static constexpr double kTanhIsOne = 19.5;
  // exp(x) overflows to +inf above log(max finite). Below kExpUnderflow it is 0 and expm1 is -1: for
  // f32 from ln(2^-125), flushing the denormal results (below 2.4e-38, far under any tolerance) so
  // that scale() needs one multiply; for f64 from Highway's documented bound.
  static constexpr double kExpOverflow = kSingle ? 88.72283905206835 : 709.782712893384;
  static constexpr double kExpUnderflow = kSingle ? -86.64339 : -1000.0;

  // x = n ln2 + r with |r| <= ln2/2, the reduction of Highway's Exp, with n rounded by adding
  // 1.5 * 2^23: the sum's float spacing is 1, so the addition rounds x/ln2 to nearest and leaves n as
  // an integer in the low mantissa bits, from which one integer subtraction makes the exponent field of
  // 2^(n-1). That skips Highway's float-to-int conversion with its overflow fix-ups and its two-step
  // scaling (together a third of the cost of its Exp on AVX2). Valid for n in [-125, 128]: e^r <=
  // sqrt 2, so 2 e^r 2^(n-1) only leaves the normal range at the final multiply, whose rounding is the
  // IEEE one (to +inf at the top). Callers select their limits outside that range; NaN stays NaN
  // through r.
  struct Reduced {
    V r;
    V half_scale;  // 2^(n-1)
  };
  static HWY_INLINE Reduced reduce(V x) {
    constexpr float kMagic = 12582912.0f;  // 1.5 * 2^23, whose bits are 0x4B400000
    constexpr std::int32_t kMagicBits = 0x4B400000;
    const V shifted = hn::MulAdd(x, c(1.44269504088896341), c(kMagic));
    const V n = shifted - c(kMagic);
    const V r = hn::MulAdd(n, c(-1.428606765330187045e-6), hn::MulAdd(n, c(-0.693145751953125), x));
    // bits(shifted) - kMagicBits = n; the exponent field of 2^(n-1) is n - 1 + 127.
    const auto exponent = hn::BitCast(DI(), shifted) - hn::Set(DI(), kMagicBits - 126);
    return {r, hn::BitCast(D(), hn::ShiftLeft<23>(exponent))};
  }
  // e^x from its reduction and p = e^r - 1.
  static HWY_INLINE V scale(const Reduced& e, V p) { return hn::MulAdd(p, c(2), c(2)) * e.half_scale; }

  // expm1 on (kExpUnderflow, 88]: 2^n e^r - 1 = p 2^n + (2^n - 1) in one multiply-add, where
  // 2^n - 1 is exact for |n| <= 24 and is 0 at n = 0, so near 0 the result is the polynomial p itself
  // and nothing cancels. 2^n overflows at n = 128 (x > 127.5 ln 2), beyond what callers ask. This
  // form, without the select between p and scale()'s product, took f32 elu from 24 to 31 GB/s in cache
  // on the 2-core EPYC VM and from 1.4 to 0.9 ulp.
  static HWY_INLINE V expm1_in_range(V x) {
    if constexpr (kSingle) {
      const Reduced e = reduce(x);
      const V p = exp_poly(e.r);
      const V two_n = e.half_scale + e.half_scale;
      return hn::MulAdd(p, two_n, two_n - c(1));
    } else {
      return hn::IfThenElse(hn::IsNaN(x), x, hn::Expm1(D(), x));
    }
  }

  // Highway's Exp/Expm1 give garbage far above their range (the exponent field wraps) and map NaN
  // to 0; the functors rely on IEEE results: exp(+inf) = +inf, exp(NaN) = NaN (sigmoid(NaN) must stay
  // NaN, not become 1). y is already right for NaN and below the overflow bound.
  static HWY_INLINE V with_limits(V x, V y) {
    return hn::IfThenElse(hn::Gt(x, c(kExpOverflow)), c(std::numeric_limits<double>::infinity()), y);
  }
};

// Loads a storage dtype into compute vectors (unaligned: row segments start anywhere), and narrows
// compute vectors to a vector of the storage's bits, rounding once, for write_bits() to store.
template <class T>
struct Storage {
  // f32 and f64 compute in themselves.
  template <class D>
  static HWY_INLINE hn::Vec<D> load(D d, const T* p) {
    return hn::LoadU(d, p);
  }
  template <class D>
  static HWY_INLINE hn::Vec<D> narrow(D /*d*/, hn::Vec<D> v) {
    return v;
  }
};

// bf16 is the top half of an f32: widening is a shift. Narrowing rounds to nearest even by hand
// (Highway 1.0.3's DemoteTo truncates on x86 without AVX512_BF16) and keeps NaN quiet, exactly as
// to_bf16 in kernels/dtype.hpp.
template <>
struct Storage<bf16> {
  template <class D>
  static HWY_INLINE hn::Vec<D> load(D d, const bf16* p) {
    const hn::Rebind<std::uint16_t, D> d16;
    const hn::RebindToUnsigned<D> du;
    const auto half = hn::LoadU(d16, reinterpret_cast<const std::uint16_t*>(p));
    return hn::BitCast(d, hn::ShiftLeft<16>(hn::PromoteTo(du, half)));
  }
  template <class D>
  static HWY_INLINE auto narrow(D /*d*/, hn::Vec<D> v) {
    const hn::Rebind<std::uint16_t, D> d16;
    const hn::RebindToUnsigned<D> du;
    const hn::RebindToSigned<D> di;
    const auto bits = hn::BitCast(du, v);
    const auto high = hn::ShiftRight<16>(bits);
    const auto round_up = hn::Add(hn::Set(du, 0x7fffu), hn::And(high, hn::Set(du, 1u)));
    const auto rounded = hn::ShiftRight<16>(hn::Add(bits, round_up));
    const auto quiet_nan = hn::Or(high, hn::Set(du, 0x40u));
    const auto narrow = hn::IfThenElse(hn::RebindMask(du, hn::IsNaN(v)), quiet_nan, rounded);
    // Every lane is now below 2^16, so the saturating i32 -> u16 demotion is exact.
    return hn::DemoteTo(d16, hn::BitCast(di, narrow));
  }
};

#if ACTBENCH_NATIVE_BF16_TARGET(HWY_TARGET)
// The same bits as Storage<bf16> with one instruction (kernels/cpu/native_bf16.hpp), written as inline
// assembly because Highway's AVX-512 target does not enable AVX512_BF16 for the compiler's
// intrinsics. VCVTNEPS2BF16 rounds to nearest even and quiets NaN as to_bf16 does, but flushes
// denormal inputs to zero, so a vector that holds one (rare) is narrowed by hand.
template <>
struct Storage<NativeBf16> : Storage<bf16> {  // loads as bf16
  template <class D>
  static HWY_INLINE auto narrow(D d, hn::Vec<D> v) {
    static_assert(hn::MaxLanes(D()) == 16, "one full AVX-512 vector of f32");
    constexpr int kDenormal = 0x20;
    if (HWY_UNLIKELY(_mm512_fpclass_ps_mask(v.raw, kDenormal) != 0)) return Storage<bf16>::narrow(d, v);
    __m256i bits;
    asm("vcvtneps2bf16 %1, %0" : "=v"(bits) : "v"(v.raw));
    return hn::Vec<hn::Rebind<std::uint16_t, D>>{bits};
  }
};
#endif

// f16: the F16C instructions on x86 (round to nearest even, exact on denormals, Inf and NaN). Highway
// 1.0.3's portable fallback truncates and turns Inf/NaN into finite values, so the fallback
// converts with integer arithmetic instead, bit for bit as kernels/dtype.hpp.
template <>
struct Storage<f16> {
  static constexpr bool kHardware = HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX2;

  template <class D>
  static HWY_INLINE hn::Vec<D> load(D d, const f16* p) {
    if constexpr (kHardware) {
      const hn::Rebind<hwy::float16_t, D> dh;
      return hn::PromoteTo(d, hn::LoadU(dh, reinterpret_cast<const hwy::float16_t*>(p)));
    } else {
      const hn::Rebind<std::uint16_t, D> d16;
      const hn::RebindToSigned<D> di;
      const auto h = hn::PromoteTo(di, hn::LoadU(d16, reinterpret_cast<const std::uint16_t*>(p)));
      const auto sign = hn::ShiftLeft<16>(hn::And(h, hn::Set(di, 0x8000)));
      const auto magnitude = hn::And(h, hn::Set(di, 0x7fff));
      const auto exponent = hn::And(h, hn::Set(di, 0x7c00));
      const auto mantissa = hn::And(h, hn::Set(di, 0x3ff));
      // Normal: rebias the exponent (127 - 15). Inf/NaN: all-ones exponent, NaN made quiet.
      const auto normal = hn::Add(hn::ShiftLeft<13>(magnitude), hn::Set(di, 112 << 23));
      const auto special = hn::Or(hn::Or(hn::Set(di, 0x7f800000), hn::ShiftLeft<13>(mantissa)),
                                  hn::IfThenElseZero(hn::Gt(mantissa, hn::Zero(di)), hn::Set(di, 0x400000)));
      // Denormal or zero: mantissa * 2^-24, exact in f32.
      const auto tiny = hn::BitCast(di, hn::Mul(hn::ConvertTo(d, mantissa), hn::Set(d, 5.9604644775390625e-8f)));
      const auto is_special = hn::Eq(exponent, hn::Set(di, 0x7c00));
      const auto is_tiny = hn::Eq(exponent, hn::Zero(di));
      const auto bits = hn::IfThenElse(is_special, special, hn::IfThenElse(is_tiny, tiny, normal));
      return hn::BitCast(d, hn::Or(sign, bits));
    }
  }

  template <class D>
  static HWY_INLINE auto narrow(D d, hn::Vec<D> v) {
    if constexpr (kHardware) {
      return hn::DemoteTo(hn::Rebind<hwy::float16_t, D>(), v);
    } else {
      const hn::Rebind<std::uint16_t, D> d16;
      const hn::RebindToSigned<D> di;
      const auto bits = hn::BitCast(di, v);
      const auto sign = hn::And(hn::ShiftRight<16>(bits), hn::Set(di, 0x8000));
      const auto abs = hn::And(bits, hn::Set(di, 0x7fffffff));
      const auto nan = hn::Or(hn::Set(di, 0x7e00), hn::And(hn::ShiftRight<13>(abs), hn::Set(di, 0x3ff)));
      // Normal: round to nearest even at bit 13, then rebias the exponent.
      const auto odd = hn::And(hn::ShiftRight<13>(abs), hn::Set(di, 1));
      const auto normal = hn::ShiftRight<13>(hn::Sub(hn::Add(abs, hn::Add(hn::Set(di, 0xfff), odd)),
                                                    hn::Set(di, 0x38000000)));
      // Below the smallest normal half: count units of 2^-24, rounded to nearest even.
      const auto tiny = hn::NearestInt(hn::Mul(hn::BitCast(d, abs), hn::Set(d, 16777216.0f)));
      const auto narrow =
          hn::IfThenElse(hn::Gt(abs, hn::Set(di, 0x7f800000)), nan,
                         hn::IfThenElse(hn::Ge(abs, hn::Set(di, 0x477ff000)), hn::Set(di, 0x7c00),
                                        hn::IfThenElse(hn::Lt(abs, hn::Set(di, 0x38800000)), tiny, normal)));
      return hn::DemoteTo(d16, hn::Or(sign, narrow));
    }
  }
};

// The bytes one compute vector of D occupies in memory as T.
template <class T, class D>
constexpr std::size_t storage_vector_bytes(D d) {
  return hn::MaxLanes(d) * sizeof(T);
}

// Non-temporal stores need whole vectors: Highway's x86 Stream writes 16 bytes even for a narrower
// partial vector (bf16 and f16 from 4 f32 lanes are 8 bytes on SSE4), so those always store cached.
template <class T, class D>
constexpr bool can_stream(D d) {
  return storage_vector_bytes<T>(d) >= 16;
}

// Stores bits, a vector that Storage<T>::narrow made, at p: through the cache, or with a non-temporal
// store when `stream` (p is then aligned to storage_vector_bytes), which skips the read for ownership
// of the line.
template <class T, class D, class Bits>
HWY_INLINE void write_bits(D /*d*/, Bits bits, T* p, bool stream) {
  using Lane = hn::TFromV<Bits>;
  const hn::Rebind<Lane, D> ds;
  auto* out = reinterpret_cast<Lane*>(p);
  if constexpr (can_stream<T>(D())) {
    if (stream) {
      hn::Stream(bits, ds, out);
      return;
    }
  }
  hn::StoreU(bits, ds, out);
}

}  // namespace actbench::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
