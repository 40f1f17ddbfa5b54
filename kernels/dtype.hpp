#pragma once
// Storage types of the suite and their conversions. f16 and bf16 are 16-bit storage only: the math
// runs in f32 and rounds once on store (DESIGN.md), so they need nothing but exact conversions.
#include <cstdint>
#include <cstring>
#include <string_view>

#include "kernels/portability.hpp"

#if defined(__CUDACC__)
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#endif

namespace actbench {

enum class DType { f32, f64, f16, bf16 };

struct f16 {
  std::uint16_t bits;
};
struct bf16 {
  std::uint16_t bits;
};

AB_HD std::uint32_t bits_of(float f) {
#if defined(__CUDA_ARCH__)
  return __float_as_uint(f);
#else
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
#endif
}
AB_HD float float_of(std::uint32_t u) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(u);
#else
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
#endif
}

// IEEE binary16 <-> binary32, round to nearest even, NaN kept quiet, denormals exact.
AB_HD float to_float(f16 h) {
#if defined(__CUDA_ARCH__)
  return __half2float(__ushort_as_half(h.bits));
#else
  const std::uint32_t sign = static_cast<std::uint32_t>(h.bits & 0x8000u) << 16;
  const std::uint32_t exp = (h.bits >> 10) & 0x1fu;
  std::uint32_t mant = h.bits & 0x3ffu;
  if (exp == 0x1f) return float_of(sign | 0x7f800000u | (mant << 13) | (mant ? 0x400000u : 0u));
  if (exp != 0) return float_of(sign | ((exp + 112u) << 23) | (mant << 13));
  if (mant == 0) return float_of(sign);
  // Denormal: value = mant * 2^-24, exact in f32.
  const float magnitude = static_cast<float>(mant) * 5.9604644775390625e-8f;
  return float_of(sign | bits_of(magnitude));
#endif
}

AB_HD f16 to_f16(float f) {
#if defined(__CUDA_ARCH__)
  return f16{__half_as_ushort(__float2half_rn(f))};
#else
  const std::uint32_t u = bits_of(f);
  const std::uint16_t sign = static_cast<std::uint16_t>((u >> 16) & 0x8000u);
  const std::uint32_t abs = u & 0x7fffffffu;
  if (abs > 0x7f800000u) return f16{static_cast<std::uint16_t>(sign | 0x7e00u | ((abs >> 13) & 0x3ffu))};
  if (abs >= 0x477ff000u) return f16{static_cast<std::uint16_t>(sign | 0x7c00u)};  // rounds to Inf
  if (abs < 0x38800000u) {
    // Result is a half denormal (or zero): scale into the denormal grid and round to nearest even.
    const float scaled = float_of(abs) * 16777216.0f;  // * 2^24: half denormal units
    const std::uint32_t whole = static_cast<std::uint32_t>(scaled);
    const float rest = scaled - static_cast<float>(whole);
    std::uint32_t q = whole;
    if (rest > 0.5f || (rest == 0.5f && (whole & 1u))) ++q;
    return f16{static_cast<std::uint16_t>(sign | q)};
  }
  const std::uint32_t rounded = abs + 0xfffu + ((abs >> 13) & 1u);
  return f16{static_cast<std::uint16_t>(sign | ((rounded - 0x38000000u) >> 13))};
#endif
}

AB_HD float to_float(bf16 b) { return float_of(static_cast<std::uint32_t>(b.bits) << 16); }

AB_HD bf16 to_bf16(float f) {
#if defined(__CUDA_ARCH__)
  return bf16{__bfloat16_as_ushort(__float2bfloat16_rn(f))};
#else
  const std::uint32_t u = bits_of(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return bf16{static_cast<std::uint16_t>((u >> 16) | 0x40u)};
  return bf16{static_cast<std::uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16)};
#endif
}

// What each storage type computes in, how it converts, and what it is called.
template <class T>
struct DTypeTraits;
template <>
struct DTypeTraits<float> {
  using Compute = float;
  static constexpr DType kId = DType::f32;
  static constexpr double kEpsilon = 1.1920928955078125e-07;  // 2^-23
  AB_HD static Compute load(float v) { return v; }
  AB_HD static float store(Compute v) { return v; }
};
template <>
struct DTypeTraits<double> {
  using Compute = double;
  static constexpr DType kId = DType::f64;
  static constexpr double kEpsilon = 2.220446049250313e-16;  // 2^-52
  AB_HD static Compute load(double v) { return v; }
  AB_HD static double store(Compute v) { return v; }
};
template <>
struct DTypeTraits<f16> {
  using Compute = float;
  static constexpr DType kId = DType::f16;
  static constexpr double kEpsilon = 9.765625e-04;  // 2^-10
  AB_HD static Compute load(f16 v) { return to_float(v); }
  AB_HD static f16 store(Compute v) { return to_f16(v); }
};
template <>
struct DTypeTraits<bf16> {
  using Compute = float;
  static constexpr DType kId = DType::bf16;
  static constexpr double kEpsilon = 7.8125e-03;  // 2^-7
  AB_HD static Compute load(bf16 v) { return to_float(v); }
  AB_HD static bf16 store(Compute v) { return to_bf16(v); }
};

// Calls f(T{}) with the storage type named by a run-time DType.
template <class F>
decltype(auto) visit_dtype(DType d, F&& f) {
  switch (d) {
    case DType::f32: return f(float{});
    case DType::f64: return f(double{});
    case DType::f16: return f(f16{});
    case DType::bf16: return f(bf16{});
  }
  return f(float{});
}

inline constexpr DType kAllDTypes[] = {DType::f32, DType::f64, DType::f16, DType::bf16};

constexpr std::size_t size_of(DType d) { return d == DType::f64 ? 8 : d == DType::f32 ? 4 : 2; }
constexpr double epsilon_of(DType d) {
  return d == DType::f32 ? DTypeTraits<float>::kEpsilon
         : d == DType::f64 ? DTypeTraits<double>::kEpsilon
         : d == DType::f16 ? DTypeTraits<f16>::kEpsilon
                           : DTypeTraits<bf16>::kEpsilon;
}
constexpr std::string_view name_of(DType d) {
  return d == DType::f32 ? "f32" : d == DType::f64 ? "f64" : d == DType::f16 ? "f16" : "bf16";
}

}  // namespace actbench
