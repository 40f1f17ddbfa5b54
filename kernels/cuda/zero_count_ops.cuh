#pragma once
// The zero statistics on the GPU: per output channel, how many stored values are exactly zero (+0 or
// -0), then their total. A block counts into shared memory (map_kernel's block hooks), then adds its
// counts to the global counters with integer atomics: integer addition is exact and order-independent,
// so every run gives identical counts. The runner zeroes the global counters on the stream first.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "kernels/cuda/stream_ops.cuh"
#include "kernels/cuda/tuning.hpp"

namespace actbench::cuda {

// An op that counts zeros derives from this: it brings the block hooks map_kernel calls.
struct ZeroCounter {
  unsigned long long* counts;  // width per-channel counters, then their total (ZeroCount memory)
  std::int64_t width;          // output channels

  // Shared memory a block may use without opting in, less block_end's warp totals.
  static constexpr std::size_t kMaxCounterBytes = 48 * 1024 - kBlockThreads / 32 * sizeof(unsigned long long);

  // A block's counters: channel c at word c + c / 32. One add instruction takes element j of
  // consecutive packs, W channels apart across the lanes: packed, every 32 / W-th lane would hit the
  // same bank (8-way for 16-bit types), and shared atomics on one bank serialise. The padding word per
  // 32 channels moves each lane of such an add to its own bank, for every W.
  __host__ __device__ static constexpr std::int64_t slot(std::int64_t c) { return c + c / 32; }

  static ZeroCounter of(ZeroCount* counts, std::int64_t width) {
    const ZeroCounter counter{reinterpret_cast<unsigned long long*>(counts), width};
    if (counter.block_shared_bytes() > kMaxCounterBytes) {
      throw std::runtime_error(std::to_string(width) + " output channels do not fit a block's " +
                               std::to_string(kMaxCounterBytes) + " bytes of shared-memory zero counters");
    }
    return counter;
  }

  std::size_t block_shared_bytes() const { return static_cast<std::size_t>(slot(width - 1) + 1) * sizeof(unsigned); }

  __device__ static unsigned* block_counts() {
    extern __shared__ unsigned zero_counts_of_block[];
    return zero_counts_of_block;
  }

  __device__ void block_begin() const {
    for (std::int64_t c = threadIdx.x; c < width; c += kBlockThreads) block_counts()[slot(c)] = 0;
  }

  // The W stored values of a pack whose first element is in channel c.
  template <class T, int W>
  __device__ void add(const Pack<T, W>& stored, std::int64_t c) const {
#pragma unroll
    for (int j = 0; j < W; ++j) {
      add(stored.v[j], c);
      c = next_channel(c, width);
    }
  }

  template <class T>
  __device__ void add(T stored, std::int64_t c) const {
    if (DTypeTraits<T>::load(stored) == 0) atomicAdd(&block_counts()[slot(c)], 1u);
  }

  // One atomic per nonzero channel count, and one per block for the total (reduced in the block
  // first: the total is a single address every block adds to).
  __device__ void block_end() const {
    __shared__ unsigned long long warp_totals[kBlockThreads / 32];
    unsigned long long mine = 0;
    for (std::int64_t c = threadIdx.x; c < width; c += kBlockThreads) {
      const unsigned n = block_counts()[slot(c)];
      if (n != 0) atomicAdd(&counts[c], static_cast<unsigned long long>(n));
      mine += n;
    }
    for (int offset = 16; offset > 0; offset /= 2) mine += __shfl_xor_sync(0xffffffffu, mine, offset);
    if (threadIdx.x % 32 == 0) warp_totals[threadIdx.x / 32] = mine;
    __syncthreads();
    if (threadIdx.x == 0) {
      unsigned long long total = 0;
      for (unsigned long long w : warp_totals) total += w;
      if (total != 0) atomicAdd(&counts[width], total);
    }
  }
};

// The forward and its zero counts in one pass, counted as stored (after rounding to T).
template <class Act, class T>
struct ZeroCountingForwardOp : ForwardOp<Act, T, false>, ZeroCounter {
  using Base = ForwardOp<Act, T, false>;
  static constexpr bool kNeedsChannel = true;
  template <int W>
  using Loaded = typename Base::template Loaded<W>;

  template <int W>
  __device__ void store(const Loaded<W>& in, std::int64_t i, std::int64_t c) const {
    const auto out = this->compute_and_store(in, i, c);
    add(out.y, c);
    if constexpr (Act::kConcatNegated) add(out.y_neg, this->t.channels + c);
  }

  __device__ void tail(std::int64_t i) const {
    Base::tail(i);
    const std::int64_t channels = this->t.channels;
    const std::int64_t c = i % channels;
    if constexpr (Act::kConcatNegated) {
      const std::int64_t base = (i - c) * 2 + c;
      add(this->t.out[base], c);
      add(this->t.out[base + channels], channels + c);
    } else {
      add(this->t.out[i], c);
    }
  }
};

// The unfused statistics pass: re-reads a stored rows x width output and counts its zeros.
template <class T>
struct ZeroCountOp : ZeroCounter {
  static constexpr bool kNeedsChannel = true;
  static constexpr int kTailElements = 1;
  template <int W>
  struct Loaded {
    Pack<T, W> y;
  };

  const T* y;

  template <int W>
  __device__ Loaded<W> load(std::int64_t i, std::int64_t) const {
    return {load_pack<W>(y, i)};
  }

  template <int W>
  __device__ void store(const Loaded<W>& in, std::int64_t, std::int64_t c) const {
    add(in.y, c);
  }

  __device__ void tail(std::int64_t i) const { add(y[i], i % width); }
};

}  // namespace actbench::cuda
