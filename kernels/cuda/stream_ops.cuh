#pragma once
// The bodies of the streaming kernels: what one thread does with a pack of W consecutive elements
// starting at element i (channel c). map_kernel.cuh issues every load() of a thread's packs before
// the first store(), so the loads overlap; tail() handles one unit past the last whole warp of packs
// with the scalar bodies of kernels/elementwise.hpp. Ops that feed a bias-gradient column sum
// (column_sum.cuh) also offer accumulate(), which stores and adds the result to per-lane sums.
//
// No __restrict__ and no read-only (.nc) loads anywhere: the in-place cases alias out with x or dy,
// and each element is read before it is written by the same thread, which plain loads keep correct.
#include <cstdint>

#include "kernels/cuda/pack.cuh"
#include "kernels/elementwise.hpp"

namespace actbench::cuda {

__device__ __forceinline__ std::int64_t next_channel(std::int64_t c, std::int64_t channels) {
  return c + 1 == channels ? 0 : c + 1;
}

template <class Act, class T>
__device__ __forceinline__ ComputeOf<T> channel_slope(const Typed<T>& t, std::int64_t c) {
  if constexpr (Act::kPerChannelSlope) return DTypeTraits<T>::load(t.slope[c]);
  else return ComputeOf<T>(0);
}

// The load of the ops that stream x alone.
template <class T>
struct StreamsX {
  template <int W>
  struct Loaded {
    Pack<T, W> x;
  };

  Typed<T> t;

  template <int W>
  __device__ Loaded<W> load(std::int64_t i, std::int64_t) const {
    return {load_pack<W>(t.x, i)};
  }
};

// y = f(x) (kBias: f(x + bias[c])); CReLU writes f(x) and f(-x) into the two halves of a 2C-wide row.
template <class Act, class T, bool kBias>
struct ForwardOp : StreamsX<T> {
  static constexpr bool kNeedsChannel = Act::kPerChannelSlope || Act::kConcatNegated || kBias;
  static constexpr int kTailElements = 1;
  using M = ScalarMath<ComputeOf<T>>;
  template <int W>
  using Loaded = typename StreamsX<T>::template Loaded<W>;
  using StreamsX<T>::t;

  // The pack's outputs as stored (y_neg: CReLU's f(-x) half), for ops that also inspect them.
  template <int W>
  struct Stored {
    Pack<T, W> y, y_neg;
  };

  template <int W>
  __device__ void store(const Loaded<W>& in, std::int64_t i, std::int64_t c0) const {
    compute_and_store(in, i, c0);
  }

  template <int W>
  __device__ Stored<W> compute_and_store(const Loaded<W>& in, std::int64_t i, std::int64_t c0) const {
    typename M::V x[W], y[W], y_neg[W];
    widen(in.x, x);
    std::int64_t c = c0;
#pragma unroll
    for (int j = 0; j < W; ++j) {
      if constexpr (kBias) x[j] = x[j] + DTypeTraits<T>::load(t.bias[c]);
      const auto slope = channel_slope<Act>(t, c);
      y[j] = activate<Act, M>(x[j], slope);
      if constexpr (Act::kConcatNegated) y_neg[j] = activate<Act, M>(M::c(0) - x[j], slope);
      if constexpr (kNeedsChannel) c = next_channel(c, t.channels);
    }
    Stored<W> out;
    out.y = narrow<T, W>(y);
    if constexpr (Act::kConcatNegated) {
      // Row r starts at element rC of x and 2rC of y, so y's index is 2(i - c0) + c0. A pack never
      // crosses a row here: the launcher uses W > 1 for CReLU only when C % W == 0.
      const std::int64_t base = 2 * i - c0;
      out.y_neg = narrow<T, W>(y_neg);
      store_pack<W>(t.out, base, out.y);
      store_pack<W>(t.out, base + t.channels, out.y_neg);
    } else {
      store_pack<W>(t.out, i, out.y);
    }
    return out;
  }

  __device__ void tail(std::int64_t i) const { forward_element<Act, T>(t, i); }
};

// dx = dy * f'(x); CReLU reads dy from both halves of its 2C-wide row.
template <class Act, class T>
struct BackwardOp {
  static constexpr bool kNeedsChannel = Act::kPerChannelSlope || Act::kConcatNegated;
  static constexpr int kTailElements = 1;
  using M = ScalarMath<ComputeOf<T>>;
  using Acc = ComputeOf<T>;
  template <int W>
  struct Loaded {
    Pack<T, W> x, dy, dy_neg;  // dy_neg: CReLU only
  };

  Typed<T> t;

  template <int W>
  __device__ Loaded<W> load(std::int64_t i, std::int64_t c) const {
    Loaded<W> in;
    in.x = load_pack<W>(t.x, i);
    if constexpr (Act::kConcatNegated) {
      const std::int64_t base = 2 * i - c;
      in.dy = load_pack<W>(t.dy, base);
      in.dy_neg = load_pack<W>(t.dy, base + t.channels);
    } else {
      in.dy = load_pack<W>(t.dy, i);
    }
    return in;
  }

  template <int W>
  __device__ void gradient(const Loaded<W>& in, std::int64_t c, typename M::V (&dx)[W]) const {
    typename M::V x[W], dy[W], dy_neg[W];
    widen(in.x, x);
    widen(in.dy, dy);
    if constexpr (Act::kConcatNegated) widen(in.dy_neg, dy_neg);
#pragma unroll
    for (int j = 0; j < W; ++j) {
      const auto slope = channel_slope<Act>(t, c);
      if constexpr (Act::kConcatNegated) {
        dx[j] = activate_grad<Act, M>(x[j], dy[j], slope) - activate_grad<Act, M>(M::c(0) - x[j], dy_neg[j], slope);
      } else {
        dx[j] = activate_grad<Act, M>(x[j], dy[j], slope);
      }
      if constexpr (kNeedsChannel) c = next_channel(c, t.channels);
    }
  }

  template <int W>
  __device__ void store(const Loaded<W>& in, std::int64_t i, std::int64_t c) const {
    typename M::V dx[W];
    gradient(in, c, dx);
    store_pack<W>(t.out, i, narrow<T, W>(dx));
  }

  // The fused bias-gradient pass: dz is stored and summed in the compute type, before rounding.
  template <int W>
  __device__ void accumulate(const Loaded<W>& in, std::int64_t i, std::int64_t c, Acc (&sum)[W]) const {
    typename M::V dx[W];
    gradient(in, c, dx);
    store_pack<W>(t.out, i, narrow<T, W>(dx));
#pragma unroll
    for (int j = 0; j < W; ++j) sum[j] += dx[j];
  }

  __device__ void tail(std::int64_t i) const { backward_element<Act, T>(t, i); }
};

// The first pass of the unfused forward: z = x + bias[c], rounded to the storage type.
template <class T>
struct BiasAddOp : StreamsX<T> {
  static constexpr bool kNeedsChannel = true;
  static constexpr int kTailElements = 1;
  template <int W>
  using Loaded = typename StreamsX<T>::template Loaded<W>;
  using StreamsX<T>::t;

  template <int W>
  __device__ void store(const Loaded<W>& in, std::int64_t i, std::int64_t c) const {
    ComputeOf<T> z[W];
    widen(in.x, z);
#pragma unroll
    for (int j = 0; j < W; ++j) {
      z[j] = z[j] + DTypeTraits<T>::load(t.bias[c]);
      c = next_channel(c, t.channels);
    }
    store_pack<W>(t.out, i, narrow<T, W>(z));
  }

  __device__ void tail(std::int64_t i) const {
    t.out[i] = DTypeTraits<T>::store(DTypeTraits<T>::load(t.x[i]) + DTypeTraits<T>::load(t.bias[i % t.channels]));
  }
};

// The second pass of the unfused backward: reads the stored dz for the column sum.
template <class T>
struct StoredGradientOp {
  using Acc = ComputeOf<T>;
  template <int W>
  struct Loaded {
    Pack<T, W> dz;
  };

  const T* dz;

  template <int W>
  __device__ Loaded<W> load(std::int64_t i, std::int64_t) const {
    return {load_pack<W>(dz, i)};
  }

  template <int W>
  __device__ void accumulate(const Loaded<W>& in, std::int64_t, std::int64_t, Acc (&sum)[W]) const {
    Acc v[W];
    widen(in.dz, v);
#pragma unroll
    for (int j = 0; j < W; ++j) sum[j] += v[j];
  }
};

// ReLU forward that also writes the 1-bit mask of x > 0 (bit i % 8 of byte i / 8). The 32 lanes of a
// warp hold 32 consecutive packs (map_kernel's layout), so lanes OR their W bits into whole 32-bit
// words with shuffles and one lane per word stores it: the mask is written in full words, coalesced.
template <class T>
struct MaskForwardOp : StreamsX<T> {
  static constexpr bool kNeedsChannel = false;
  static constexpr int kTailElements = 8;  // one mask byte
  using M = ScalarMath<ComputeOf<T>>;
  template <int W>
  using Loaded = typename StreamsX<T>::template Loaded<W>;
  using StreamsX<T>::t;

  std::uint8_t* mask;

  template <int W>
  __device__ void store(const Loaded<W>& in, std::int64_t i, std::int64_t) const {
    static_assert(32 % W == 0, "a pack's bits must sit inside one mask word");
    constexpr int kLanesPerWord = 32 / W;
    typename M::V x[W], y[W];
    widen(in.x, x);
    unsigned bits = 0;
#pragma unroll
    for (int j = 0; j < W; ++j) {
      y[j] = Relu::forward<M>(x[j]);
      bits |= static_cast<unsigned>(M::gt(x[j], M::c(0))) << j;
    }
    store_pack<W>(t.out, i, narrow<T, W>(y));
    const unsigned lane = threadIdx.x % 32;
    unsigned word = bits << ((lane % kLanesPerWord) * W);
#pragma unroll
    for (int offset = 1; offset < kLanesPerWord; offset <<= 1) word |= __shfl_xor_sync(0xffffffffu, word, offset);
    if (lane % kLanesPerWord == 0) reinterpret_cast<std::uint32_t*>(mask)[i / 32] = word;
  }

  // Elements i .. i+7 (fewer at the end) and their mask byte.
  __device__ void tail(std::int64_t i) const {
    const std::int64_t end = i + 8 < t.elements() ? i + 8 : t.elements();
    unsigned byte = 0;
    for (std::int64_t e = i; e < end; ++e) {
      forward_element<Relu, T>(t, e);
      byte |= static_cast<unsigned>(DTypeTraits<T>::load(t.x[e]) > 0) << (e - i);
    }
    mask[i / 8] = static_cast<std::uint8_t>(byte);
  }
};

// ReLU backward from the mask: dx = dy * (bit ? 1 : 0), which is dy * relu'(x) for every x that is
// not NaN, signed zeros included (the mask cannot carry NaN: it holds x > 0 only).
template <class T>
struct MaskBackwardOp {
  static constexpr bool kNeedsChannel = false;
  static constexpr int kTailElements = 1;
  using M = ScalarMath<ComputeOf<T>>;
  template <int W>
  struct Loaded {
    Pack<T, W> dy;
    unsigned bits;
  };

  Typed<T> t;
  const std::uint8_t* mask;

  __device__ static ComputeOf<T> gradient(ComputeOf<T> dy, unsigned bit) {
    return dy * M::select(bit != 0, M::c(1), M::c(0));
  }

  template <int W>
  __device__ Loaded<W> load(std::int64_t i, std::int64_t) const {
    const unsigned word = reinterpret_cast<const std::uint32_t*>(mask)[i / 32];
    return {load_pack<W>(t.dy, i), word >> (i % 32)};
  }

  template <int W>
  __device__ void store(const Loaded<W>& in, std::int64_t i, std::int64_t) const {
    typename M::V dx[W];
    widen(in.dy, dx);
#pragma unroll
    for (int j = 0; j < W; ++j) dx[j] = gradient(dx[j], (in.bits >> j) & 1u);
    store_pack<W>(t.out, i, narrow<T, W>(dx));
  }

  __device__ void tail(std::int64_t i) const {
    const unsigned bit = (mask[i / 8] >> (i % 8)) & 1u;
    t.out[i] = DTypeTraits<T>::store(gradient(DTypeTraits<T>::load(t.dy[i]), bit));
  }
};

}  // namespace actbench::cuda
