#pragma once
// The bias gradient db[c] = sum over rows of dz[r, c], in two deterministic stages:
//  1. column_partials_kernel: blocks tile the rows x channels matrix; a block covers
//     columns_per_block packs of W channels (coalesced along the row) and rows_per_pass rows at a time
//     inside its chunk of rows, each thread summing its column down the chunk in registers (the fused
//     op also computes and stores dz on the way: one pass over the tensor). The block then folds its
//     rows pairwise in shared memory and writes one partial sum per channel per row chunk.
//  2. column_finish_kernel: lanes_per_channel lanes of a warp add a channel's partials (stored
//     contiguously) and a shuffle tree combines them; the sum is rounded once to the storage type.
// No atomics: the order of every addition is fixed by the launch geometry, so repeated runs give
// identical bits.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>

#include "kernels/case.hpp"
#include "kernels/cuda/cuda_check.hpp"
#include "kernels/cuda/device_memory.hpp"
#include "kernels/cuda/launch.hpp"
#include "kernels/cuda/pack.cuh"
#include "kernels/cuda/tuning.hpp"

namespace actbench::cuda {

struct ColumnGeometry {
  std::int64_t rows = 0;
  std::int64_t channels = 0;
  std::int64_t column_packs = 0;    // packs of W channels in a row
  int columns_per_block = 1;        // column packs one block covers
  int rows_per_pass = 1;            // a power of two; columns_per_block * rows_per_pass <= kBlockThreads
  std::int64_t rows_per_chunk = 0;  // rows of one blockIdx.y
};

template <class Op, int W>
__global__ void __launch_bounds__(kBlockThreads)
    column_partials_kernel(const Op op, const ColumnGeometry g, typename Op::Acc* partials) {
  using Acc = typename Op::Acc;
  constexpr int kSlots = kPacksPerThread;
  __shared__ Acc lanes[W][kBlockThreads];  // [lane of the pack][thread]: conflict-free across a warp

  const int tx = static_cast<int>(threadIdx.x) % g.columns_per_block;
  const int ty = static_cast<int>(threadIdx.x) / g.columns_per_block;
  const std::int64_t column = std::int64_t{g.columns_per_block} * blockIdx.x + tx;
  const std::int64_t c = column * W;
  const bool active = ty < g.rows_per_pass && column < g.column_packs;
  const std::int64_t row_begin = g.rows_per_chunk * blockIdx.y;
  const std::int64_t row_end = row_begin + g.rows_per_chunk < g.rows ? row_begin + g.rows_per_chunk : g.rows;

  Acc sum[W];
#pragma unroll
  for (int j = 0; j < W; ++j) sum[j] = Acc(0);
  if (active) {
    for (std::int64_t r = row_begin + ty; r < row_end; r += std::int64_t{g.rows_per_pass} * kSlots) {
      typename Op::template Loaded<W> in[kSlots];
#pragma unroll
      for (int k = 0; k < kSlots; ++k) {
        const std::int64_t row = r + std::int64_t{k} * g.rows_per_pass;
        if (row < row_end) in[k] = op.template load<W>(row * g.channels + c, c);
      }
#pragma unroll
      for (int k = 0; k < kSlots; ++k) {
        const std::int64_t row = r + std::int64_t{k} * g.rows_per_pass;
        if (row < row_end) op.template accumulate<W>(in[k], row * g.channels + c, c, sum);
      }
    }
#pragma unroll
    for (int j = 0; j < W; ++j) lanes[j][threadIdx.x] = sum[j];
  }
  __syncthreads();
  for (int half = g.rows_per_pass / 2; half > 0; half /= 2) {
    if (active && ty < half) {
#pragma unroll
      for (int j = 0; j < W; ++j) lanes[j][threadIdx.x] += lanes[j][threadIdx.x + half * g.columns_per_block];
    }
    __syncthreads();
  }
  if (active && ty == 0) {
#pragma unroll
    for (int j = 0; j < W; ++j) partials[(c + j) * gridDim.y + blockIdx.y] = lanes[j][threadIdx.x];
  }
}

// partials: [channel][chunk]. lanes_per_channel is a power of two <= 32, so a channel's lanes sit in
// one warp and the xor shuffles stay inside the group.
template <class T>
__global__ void __launch_bounds__(kBlockThreads)
    column_finish_kernel(const ComputeOf<T>* partials, int chunks, int lanes_per_channel, std::int64_t channels,
                         T* bias_grad) {
  const std::int64_t channel =
      std::int64_t{kBlockThreads / lanes_per_channel} * blockIdx.x + threadIdx.x / lanes_per_channel;
  const int lane = static_cast<int>(threadIdx.x) % lanes_per_channel;
  ComputeOf<T> s = 0;
  if (channel < channels) {
    for (int chunk = lane; chunk < chunks; chunk += lanes_per_channel) s += partials[channel * chunks + chunk];
  }
  for (int offset = lanes_per_channel / 2; offset > 0; offset /= 2) s += __shfl_xor_sync(0xffffffffu, s, offset);
  if (channel < channels && lane == 0) bias_grad[channel] = DTypeTraits<T>::store(s);
}

// Plans both stages for `op` over a rows x channels tensor; wide: W-channel packs (the streamed
// pointers are 16-byte aligned and C % W == 0), else single channels. The partial sums live in a
// workspace owned by the runner.
template <class Op, class T, int W>
Runner column_sum_runner(const Op& op, Shape shape, bool wide, T* bias_grad, const ExecContext& ctx) {
  using Acc = typename Op::Acc;
  const LaunchTarget target = launch_target(ctx);
  const int width = wide ? W : 1;
  void (*const partials_kernel)(Op, ColumnGeometry, Acc*) =
      wide ? column_partials_kernel<Op, W> : column_partials_kernel<Op, 1>;

  ColumnGeometry g;
  g.rows = shape.rows;
  g.channels = shape.channels;
  g.column_packs = shape.channels / width;
  g.columns_per_block = static_cast<int>(std::min<std::int64_t>(g.column_packs, kBlockThreads));
  g.rows_per_pass = static_cast<int>(std::bit_floor(static_cast<unsigned>(kBlockThreads / g.columns_per_block)));
  const std::int64_t blocks_x = (g.column_packs + g.columns_per_block - 1) / g.columns_per_block;
  if (blocks_x > std::numeric_limits<int>::max()) throw std::runtime_error("too many channels for one launch");

  // Enough row chunks to fill the device, but each thread makes at least one full unrolled pass.
  const std::int64_t resident = resident_blocks(reinterpret_cast<const void*>(partials_kernel), target.device);
  const std::int64_t rows_per_block_pass = std::int64_t{g.rows_per_pass} * kPacksPerThread;
  const std::int64_t max_chunks =
      std::min<std::int64_t>((g.rows + rows_per_block_pass - 1) / rows_per_block_pass, 65535);
  const std::int64_t wanted = std::clamp<std::int64_t>((resident + blocks_x - 1) / blocks_x, 1, max_chunks);
  g.rows_per_chunk = (g.rows + wanted - 1) / wanted;
  const int chunks = static_cast<int>((g.rows + g.rows_per_chunk - 1) / g.rows_per_chunk);

  const std::shared_ptr<void> workspace =
      allocate_device(target.device, static_cast<std::size_t>(shape.channels) * chunks * sizeof(Acc));
  Acc* const partials = static_cast<Acc*>(workspace.get());
  const int lanes = static_cast<int>(std::min(32u, std::bit_ceil(static_cast<unsigned>(chunks))));
  const std::int64_t channels_per_block = kBlockThreads / lanes;
  const std::int64_t finish_blocks = (shape.channels + channels_per_block - 1) / channels_per_block;
  const dim3 partials_grid(static_cast<unsigned>(blocks_x), static_cast<unsigned>(chunks));

  return [=] {
    AB_CUDA_CHECK(cudaSetDevice(target.device));
    partials_kernel<<<partials_grid, kBlockThreads, 0, target.stream>>>(op, g, partials);
    AB_CUDA_CHECK_LAUNCH("column_partials_kernel");
    column_finish_kernel<T><<<static_cast<unsigned>(finish_blocks), kBlockThreads, 0, target.stream>>>(
        partials, chunks, lanes, shape.channels, bias_grad);
    AB_CUDA_CHECK_LAUNCH("column_finish_kernel");
    (void)workspace;  // the runner owns the partial sums: freed with its last copy
  };
}

}  // namespace actbench::cuda
