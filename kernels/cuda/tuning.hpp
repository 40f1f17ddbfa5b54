#pragma once
// The compile-time knobs of the streaming kernels, in one place so a tuning run changes one line.
namespace actbench::cuda {

// 8 warps per block: 8 such blocks fill an sm_80/sm_90 SM (2048 threads) when registers allow, and
// the bias-gradient kernels reduce a block's partial sums in shared memory sized by it.
inline constexpr int kBlockThreads = 256;

// 16-byte accesses each thread issues per input before the first result is stored. Little's law on
// an H100 (3.35 TB/s x ~0.8 us of DRAM latency = ~2.7 MB in flight, ~20 KB per SM) asks for ~1.3
// accesses per thread at full occupancy; 4 leaves room for lower occupancy and for the second input
// of the backward pass.
inline constexpr int kPacksPerThread = 4;

}  // namespace actbench::cuda
