#pragma once
// W consecutive elements moved as one access (16 bytes when W = kVectorWidth<T>), and their
// conversion to and from the compute type. f16/bf16 round in pairs: one F2FP instruction converts two
// floats on sm_80+, half the work of element-wise rounding; the result is the same round-to-nearest-even.
#include <cstdint>
#include <cstring>

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "kernels/dtype.hpp"

namespace actbench::cuda {

template <class T>
inline constexpr int kVectorWidth = static_cast<int>(16 / sizeof(T));

template <class T>
using ComputeOf = typename DTypeTraits<T>::Compute;

template <class T, int W>
struct alignas(sizeof(T) * W) Pack {
  T v[W];
};

// The unsigned type of an access's width, so every load and store is one instruction (LDG.E.128 for
// 16 bytes) whatever T is.
template <int Bytes>
struct RawAccess;
template <>
struct RawAccess<16> { using type = uint4; };
template <>
struct RawAccess<8> { using type = uint2; };
template <>
struct RawAccess<4> { using type = unsigned int; };
template <>
struct RawAccess<2> { using type = unsigned short; };

// Element offset i of p must be W-aligned (the launcher checks the base pointer and keeps i % W == 0).
template <int W, class T>
__device__ __forceinline__ Pack<T, W> load_pack(const T* p, std::int64_t i) {
  using Raw = typename RawAccess<sizeof(Pack<T, W>)>::type;
  const Raw raw = *reinterpret_cast<const Raw*>(p + i);
  Pack<T, W> out;
  std::memcpy(&out, &raw, sizeof out);
  return out;
}

template <int W, class T>
__device__ __forceinline__ void store_pack(T* p, std::int64_t i, const Pack<T, W>& v) {
  using Raw = typename RawAccess<sizeof(Pack<T, W>)>::type;
  Raw raw;
  std::memcpy(&raw, &v, sizeof raw);
  *reinterpret_cast<Raw*>(p + i) = raw;
}

template <int W, class T>
__device__ __forceinline__ void widen(const Pack<T, W>& p, ComputeOf<T> (&out)[W]) {
#pragma unroll
  for (int j = 0; j < W; ++j) out[j] = DTypeTraits<T>::load(p.v[j]);
}

// Two floats rounded to a 16-bit pair in one instruction, one overload per 16-bit storage type.
__device__ __forceinline__ void narrow_pair(float a, float b, f16* out) {
  const __half2 h = __float22half2_rn(make_float2(a, b));
  std::memcpy(out, &h, sizeof h);
}
__device__ __forceinline__ void narrow_pair(float a, float b, bf16* out) {
  const __nv_bfloat162 h = __float22bfloat162_rn(make_float2(a, b));
  std::memcpy(out, &h, sizeof h);
}

template <class T, int W>
__device__ __forceinline__ Pack<T, W> narrow(const ComputeOf<T> (&v)[W]) {
  Pack<T, W> out;
  if constexpr (sizeof(T) == 2 && W % 2 == 0) {
#pragma unroll
    for (int j = 0; j < W; j += 2) narrow_pair(v[j], v[j + 1], &out.v[j]);
  } else {
#pragma unroll
    for (int j = 0; j < W; ++j) out.v[j] = DTypeTraits<T>::store(v[j]);
  }
  return out;
}

}  // namespace actbench::cuda
