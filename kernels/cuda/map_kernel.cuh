#pragma once
// The streaming kernel of every elementwise family and its launch plan.
//
// Layout: block b, iteration k covers a tile of kBlockThreads x kPacksPerThread consecutive packs;
// thread t takes packs t, t + kBlockThreads, ... of the tile, so every load instruction is coalesced
// across the warp, and it issues all its loads before its first store (independent 16-byte loads in
// flight). Grid-stride over a grid of exactly the blocks the device holds at once (SMs x occupancy):
// chosen over one tile per block because at the sizes that matter (>= 256M elements) every block then
// starts once, there is no block-launch churn and no partial last wave, and the per-thread setup
// (channel modulo) is paid once; small tensors get fewer blocks, one tile each.
#include <cstddef>
#include <cstdint>

#include "kernels/case.hpp"
#include "kernels/cuda/cuda_check.hpp"
#include "kernels/cuda/launch.hpp"
#include "kernels/cuda/tuning.hpp"

namespace actbench::cuda {

// Packs [0, vector_packs) of W elements, a multiple of 32 so a warp's 32 consecutive packs are all in
// or all out (the mask op shuffles across the warp); then tail_units units of Op::kTailElements
// elements from element vector_packs * W, through the op's scalar tail.
struct MapExtent {
  std::int64_t vector_packs = 0;
  std::int64_t tail_units = 0;
  std::int64_t channels = 1;
};

// An op that reduces over its elements (the zero statistics) keeps per-block state in
// op.block_shared_bytes() of dynamic shared memory; map_kernel brackets the block's work with
// op.block_begin() and op.block_end(), which every thread of the block calls.
template <class Op>
concept BlockReducing = requires(const Op& op) { op.block_shared_bytes(); };

__device__ __forceinline__ std::int64_t add_modulo(std::int64_t a, std::int64_t b, std::int64_t m) {
  const std::int64_t s = a + b;  // a, b < m
  return s >= m ? s - m : s;
}

template <class Op, int W>
__global__ void __launch_bounds__(kBlockThreads) map_kernel(const Op op, const MapExtent e) {
  constexpr int kSlots = kPacksPerThread;
  constexpr std::int64_t kTile = std::int64_t{kBlockThreads} * kSlots;
  const std::int64_t stride = kTile * gridDim.x;
  std::int64_t p = kTile * blockIdx.x + threadIdx.x;
  if constexpr (BlockReducing<Op>) {
    op.block_begin();
    __syncthreads();
  }

  // Channel of each pack's first element, by additions only: the steps between a thread's packs are
  // reduced modulo C once per thread instead of a 64-bit division per pack.
  std::int64_t c_first = 0, c_slot = 0, c_stride = 0;
  if constexpr (Op::kNeedsChannel) {
    c_first = (p * W) % e.channels;
    c_slot = (std::int64_t{kBlockThreads} * W) % e.channels;
    c_stride = (stride * W) % e.channels;
  }

  for (; p < e.vector_packs; p += stride) {
    typename Op::template Loaded<W> in[kSlots];
    std::int64_t c[kSlots];
#pragma unroll
    for (int k = 0; k < kSlots; ++k) {
      c[k] = k == 0 ? c_first : add_modulo(c[k - 1], c_slot, e.channels);
      const std::int64_t q = p + std::int64_t{k} * kBlockThreads;
      if (q < e.vector_packs) in[k] = op.template load<W>(q * W, c[k]);
    }
#pragma unroll
    for (int k = 0; k < kSlots; ++k) {
      const std::int64_t q = p + std::int64_t{k} * kBlockThreads;
      if (q < e.vector_packs) op.template store<W>(in[k], q * W, c[k]);
    }
    if constexpr (Op::kNeedsChannel) c_first = add_modulo(c_first, c_stride, e.channels);
  }

  const std::int64_t tail_first = e.vector_packs * W;
  for (std::int64_t u = std::int64_t{kBlockThreads} * blockIdx.x + threadIdx.x; u < e.tail_units;
       u += std::int64_t{kBlockThreads} * gridDim.x) {
    op.tail(tail_first + u * Op::kTailElements);
  }
  if constexpr (BlockReducing<Op>) {
    __syncthreads();
    op.block_end();
  }
}

// How a launch may touch memory: W-element packs; single elements through the same loop (operands
// not 16-byte aligned, or CReLU rows that a pack would straddle); or the scalar tail alone (a mask
// that is not 4-byte aligned cannot take whole words).
enum class Access { vector, scalar, tail_only };

template <class Op, int W>
Runner map_runner(const Op& op, std::int64_t elements, std::int64_t channels, Access access, const ExecContext& ctx) {
  const LaunchTarget target = launch_target(ctx);
  const int width = access == Access::vector ? W : 1;
  void (*const kernel)(Op, MapExtent) = access == Access::vector ? map_kernel<Op, W> : map_kernel<Op, 1>;

  MapExtent e;
  e.channels = channels;
  e.vector_packs = access == Access::tail_only ? 0 : elements / width / 32 * 32;
  e.tail_units = (elements - e.vector_packs * width + Op::kTailElements - 1) / Op::kTailElements;
  constexpr std::int64_t kTile = std::int64_t{kBlockThreads} * kPacksPerThread;
  std::int64_t blocks = (e.vector_packs + kTile - 1) / kTile;
  const std::int64_t tail_blocks = (e.tail_units + kBlockThreads - 1) / kBlockThreads;
  if (tail_blocks > blocks) blocks = tail_blocks;
  std::size_t shared_bytes = 0;
  if constexpr (BlockReducing<Op>) shared_bytes = op.block_shared_bytes();
  const std::int64_t resident = resident_blocks(reinterpret_cast<const void*>(kernel), target.device, shared_bytes);
  const unsigned grid = static_cast<unsigned>(blocks < 1 ? 1 : blocks < resident ? blocks : resident);

  return [=] {
    AB_CUDA_CHECK(cudaSetDevice(target.device));
    kernel<<<grid, kBlockThreads, shared_bytes, target.stream>>>(op, e);
    AB_CUDA_CHECK_LAUNCH("map_kernel");
  };
}

}  // namespace actbench::cuda
