#pragma once
// bf16 narrowed by the CPU's own instruction, VCVTNEPS2BF16 (AVX512_BF16: AMD Zen 4 and later, Intel
// Cooper Lake and Sapphire Rapids and later), instead of the ~9 integer operations per vector that
// round by hand. Highway 1.0.3 has no target with that extension, so the AVX-512 kernels of bf16 are
// instantiated a second time on this type, which has bf16's storage and bits, and chosen at run time
// (kernels/cpu/vector_instances.cpp; the conversion: Storage<NativeBf16> in vector_math-inl.hpp).
#include <cstdint>

#include <hwy/detect_targets.h>

#include "kernels/dtype.hpp"

namespace actbench {

struct NativeBf16 : bf16 {};
template <>
struct DTypeTraits<NativeBf16> : DTypeTraits<bf16> {};

// Whether the AVX-512 Highway target can use the instruction (its x86 code only).
#define ACTBENCH_NATIVE_BF16_TARGET(target) (HWY_ARCH_X86 && (target) <= HWY_AVX3)

// Whether the kernels that Highway target `target` runs store bf16 through NativeBf16 on this CPU.
inline bool narrows_bf16_natively(std::int64_t target) {
#if HWY_ARCH_X86 && (defined(__GNUC__) || defined(__clang__))
  return ACTBENCH_NATIVE_BF16_TARGET(target) && __builtin_cpu_supports("avx512bf16");
#else
  static_cast<void>(target);
  return false;
#endif
}

}  // namespace actbench
