// The vectorised CPU kernels: one loop per kind of pass, written once over the activation functors
// and compiled once per ISA (Highway's foreach_target includes this file again for every target).
// Each kernel does elements [begin, end) of a row-major rows x channels tensor, so callers can hand
// each thread its own range.
#if defined(ACTBENCH_KERNELS_CPU_VECTOR_LOOPS_INL_HPP_) == defined(HWY_TARGET_TOGGLE)
#ifdef ACTBENCH_KERNELS_CPU_VECTOR_LOOPS_INL_HPP_
#undef ACTBENCH_KERNELS_CPU_VECTOR_LOOPS_INL_HPP_
#else
#define ACTBENCH_KERNELS_CPU_VECTOR_LOOPS_INL_HPP_
#endif

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <hwy/cache_control.h>
#include <hwy/highway.h>

#include "kernels/cpu/vector_kernels.hpp"
#include "kernels/cpu/vector_math-inl.hpp"
#include "kernels/portability.hpp"
#include "kernels/type_list.hpp"

HWY_BEFORE_NAMESPACE();
namespace actbench::HWY_NAMESPACE {

// The functors again, in this ISA's namespace, so that they carry its target attributes and the
// Highway operations inline into them.
#include "kernels/activation_functors-inl.hpp"

template <class T>
using ComputeOf = typename DTypeTraits<T>::Compute;
template <class T>
using TagOf = hn::ScalableTag<ComputeOf<T>>;
template <class T>
using MathOf = HwyMath<TagOf<T>, sizeof(T) == 2>;

template <class T>
HWY_INLINE hn::Vec<TagOf<T>> load(const T* p) {
  return Storage<T>::load(TagOf<T>(), p);
}
template <class T>
HWY_INLINE auto narrow(hn::Vec<TagOf<T>> v) {
  return Storage<T>::narrow(TagOf<T>(), v);
}
// Stores v at p as T and returns the bits it stored.
template <class T>
HWY_INLINE auto store(hn::Vec<TagOf<T>> v, T* p, bool stream) {
  const auto bits = narrow<T>(v);
  write_bits(TagOf<T>(), bits, p, stream);
  return bits;
}

// Whether stores to p may stream: asked to, and p aligned to the vector (null: nothing to align).
HWY_INLINE bool may_stream(const void* p, std::size_t vector_bytes, Stores stores) {
  return stores == Stores::streaming && (!p || reinterpret_cast<std::uintptr_t>(p) % vector_bytes == 0);
}

// The same for a run's output stream of T, which needs whole storage vectors (can_stream).
template <class T>
HWY_INLINE bool streams_to(const T* p, Stores stores) {
  return can_stream<T>(TagOf<T>()) && may_stream(p, storage_vector_bytes<T>(TagOf<T>()), stores);
}

// The streams of one run of consecutive elements inside a row; all advance together. Null where the
// pass does not use the stream. dy_hi/out_hi/counts_hi: the second half of CReLU's 2C-channel tensor.
// stream: out and out_hi take non-temporal stores.
template <class T>
struct Run {
  const T* x = nullptr;
  const T* dy = nullptr;
  const T* dy_hi = nullptr;
  const T* slope = nullptr;
  const T* bias = nullptr;
  T* out = nullptr;
  T* out_hi = nullptr;
  ComputeOf<T>* sums = nullptr;
  ZeroLane<T>* counts = nullptr;
  ZeroLane<T>* counts_hi = nullptr;
  bool stream = false;
};

// A thread's per-channel accumulators, when its pass reduces over rows: the bias gradient's sums, or
// the zero counts of the output's channels (2C for CReLU).
template <class T>
struct ChannelAccumulators {
  ComputeOf<T>* sums = nullptr;
  ZeroLane<T>* counts = nullptr;
};

template <class P>
HWY_INLINE P* offset(P* p, std::int64_t k) {
  return p ? p + k : nullptr;
}

// The last partial vector of a run: its lanes are copied into zero-padded buffers, computed as one
// whole vector by the same body (storing through the cache), and copied back, so no access leaves the
// caller's arrays and the result is the one a full vector gives (in-place and out-of-place agree bit
// for bit).
template <class T, class Body>
HWY_NOINLINE void staged(const Run<T>& run, std::size_t count, const Body& body) {
  constexpr std::size_t kMax = hn::MaxLanes(TagOf<T>());
  struct Buffers {
    T x[kMax], dy[kMax], dy_hi[kMax], slope[kMax], bias[kMax], out[kMax], out_hi[kMax];
    ComputeOf<T> sums[kMax];
    ZeroLane<T> counts[kMax], counts_hi[kMax];
  } b{};
  const auto in = [count](const auto* from, auto* to) -> decltype(to) {
    if (!from) return nullptr;
    std::copy_n(from, count, to);
    return to;
  };
  const Run<T> local{in(run.x, b.x),         in(run.dy, b.dy),          in(run.dy_hi, b.dy_hi),
                     in(run.slope, b.slope), in(run.bias, b.bias),      run.out ? b.out : nullptr,
                     run.out_hi ? b.out_hi : nullptr, in(run.sums, b.sums),
                     in(run.counts, b.counts),  in(run.counts_hi, b.counts_hi)};
  body(local, 0);
  if (run.out) std::copy_n(b.out, count, run.out);
  if (run.out_hi) std::copy_n(b.out_hi, count, run.out_hi);
  if (run.sums) std::copy_n(b.sums, count, run.sums);
  if (run.counts) std::copy_n(b.counts, count, run.counts);
  if (run.counts_hi) std::copy_n(b.counts_hi, count, run.counts_hi);
}

// body(run, k) handles the vector at element k of the run.
template <class T, class Body>
HWY_INLINE void for_each_vector(const Run<T>& run, std::size_t count, const Body& body) {
  const std::size_t lanes = hn::Lanes(TagOf<T>());
  std::size_t k = 0;
  for (; k + lanes <= count; k += lanes) body(run, k);
  if (k < count) {
    const Run<T> rest{offset(run.x, k),      offset(run.dy, k),     offset(run.dy_hi, k),
                      offset(run.slope, k),  offset(run.bias, k),   offset(run.out, k),
                      offset(run.out_hi, k), offset(run.sums, k),   offset(run.counts, k),
                      offset(run.counts_hi, k), false};
    staged(rest, count - k, body);
  }
}

// The run that starts at element i, channel c. CReLU's doubled tensor (its forward output, its
// backward dy) holds element (row, c) at row * 2C + c and its negated twin C further on.
template <class T>
HWY_INLINE Run<T> run_at(const Operands& op, const ChannelAccumulators<T>& acc, std::int64_t i, std::int64_t c,
                         bool doubled_out, bool doubled_dy, Stores stores) {
  const std::int64_t wide = (i - c) * 2 + c;
  const T* dy = static_cast<const T*>(op.dy);
  T* out = static_cast<T*>(op.out);
  Run<T> run;
  run.x = offset(static_cast<const T*>(op.x), i);
  run.slope = offset(static_cast<const T*>(op.slope), c);
  run.bias = offset(static_cast<const T*>(op.bias), c);
  run.sums = offset(acc.sums, c);
  run.counts = offset(acc.counts, c);
  run.counts_hi = doubled_out ? offset(acc.counts, c + op.shape.channels) : nullptr;
  run.dy = offset(dy, doubled_dy ? wide : i);
  run.dy_hi = doubled_dy ? offset(dy, wide + op.shape.channels) : nullptr;
  run.out = offset(out, doubled_out ? wide : i);
  run.out_hi = doubled_out ? offset(out, wide + op.shape.channels) : nullptr;
  run.stream = streams_to(run.out, stores) && streams_to(run.out_hi, stores);
  return run;
}

// Streamed stores are weakly ordered: fence them before the thread's range counts as written.
HWY_INLINE void finish_stores(Stores stores) {
  if (stores == Stores::streaming) hwy::FlushStream();
}

// Walks [begin, end): in one flat run when nothing depends on the channel, else row by row.
template <class T, bool kChannelWise, class Body>
HWY_INLINE void for_each_run(const Operands& op, std::int64_t begin, std::int64_t end,
                             const ChannelAccumulators<T>& acc, bool doubled_out, bool doubled_dy, Stores stores,
                             const Body& body) {
  if constexpr (!kChannelWise) {
    for_each_vector(run_at<T>(op, acc, begin, 0, false, false, stores), static_cast<std::size_t>(end - begin), body);
  } else {
    // Only the range's first row may begin past channel 0.
    for (std::int64_t i = begin, c = begin % op.shape.channels; i < end; c = 0) {
      const std::int64_t len = std::min(end - i, op.shape.channels - c);
      for_each_vector(run_at<T>(op, acc, i, c, doubled_out, doubled_dy, stores), static_cast<std::size_t>(len), body);
      i += len;
    }
  }
  finish_stores(stores);
}

template <class T>
using ZeroMask = hn::Mask<hn::RebindToSigned<TagOf<T>>>;

// The lanes of v that are exactly zero, of either sign.
template <class T>
HWY_INLINE ZeroMask<T> zero_lanes(hn::Vec<TagOf<T>> v) {
  return hn::RebindMask(hn::RebindToSigned<TagOf<T>>(), hn::Eq(v, hn::Zero(TagOf<T>())));
}

// The lanes whose stored bits (a vector that narrow<T> made) are +0 or -0. A 16-bit type is judged on
// its 16-bit bits, where rounding makes the zeros, and the mask is widened to the compute lanes. In
// registers: re-reading the output instead waited, past the LLC, for its non-temporal stores to reach
// memory (bf16 crelu at 64M elements: 7.2x the plain forward).
template <class T, class Bits>
HWY_INLINE ZeroMask<T> stored_zero_lanes(Bits bits) {
  if constexpr (std::is_same_v<T, ComputeOf<T>>) {
    return zero_lanes<T>(bits);
  } else {
    const hn::Rebind<std::int16_t, TagOf<T>> d16;
    const auto stored = hn::BitCast(d16, bits);
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
    // One VPTESTNMW into the mask register that the 16 compute lanes use (Highway's Not(TestBit) adds
    // a KNOT).
    static_assert(hn::MaxLanes(d16) == 16, "16-bit lanes of one AVX-512 f32 vector");
    return ZeroMask<T>{_mm256_testn_epi16_mask(stored.raw, hn::Set(d16, 0x7fff).raw)};
#else
    const hn::RebindToSigned<TagOf<T>> di;
    const auto zero = hn::Eq(hn::And(stored, hn::Set(d16, 0x7fff)), hn::Zero(d16));
    return hn::MaskFromVec(hn::PromoteTo(di, hn::VecFromMask(d16, zero)));
#endif
  }
}

// counts[j] += 1 for every lane j of `zero`. Cheapest of the forms tried (Zen 5, f16, one thread, 256K elements,
// fused over plain): skipping vectors with no zero lane (a mask test and a branch) left tanh at 1.3x and took
// relu from 1.5x to 2.0x; a 16-bit compare and a widening subtract, with no mask register, cost both more.
template <class T>
HWY_INLINE void count_zeros(ZeroMask<T> zero, ZeroLane<T>* counts) {
  const hn::RebindToSigned<TagOf<T>> di;
  const auto before = hn::LoadU(di, counts);
  hn::StoreU(hn::IfThenElse(zero, hn::Add(before, hn::Set(di, 1)), before), di, counts);  // one masked add
}

// Stores y at out + k and, for kCount, counts the lanes that stored as zero at counts + k, on the bits
// stored (y is narrowed once for both).
template <class T, bool kCount>
HWY_INLINE void store_counting(hn::Vec<TagOf<T>> y, T* out, ZeroLane<T>* counts, std::size_t k, bool stream) {
  const auto bits = store(y, out + k, stream);
  if constexpr (kCount) count_zeros<T>(stored_zero_lanes<T>(bits), counts + k);
}

template <class Act, class T, bool kBias, bool kCountZeros = false>
struct ForwardBody {
  HWY_INLINE void operator()(const Run<T>& r, std::size_t k) const {
    using M = MathOf<T>;
    auto x = load(r.x + k);
    if constexpr (kBias) x = x + load(r.bias + k);
    auto slope = M::c(0);
    if constexpr (Act::kPerChannelSlope) slope = load(r.slope + k);
    store_counting<T, kCountZeros>(activate<Act, M>(x, slope), r.out, r.counts, k, r.stream);
    if constexpr (Act::kConcatNegated) {
      store_counting<T, kCountZeros>(activate<Act, M>(M::c(0) - x, slope), r.out_hi, r.counts_hi, k, r.stream);
    }
  }
};

template <class Act, class T, bool kSums>
struct BackwardBody {
  HWY_INLINE void operator()(const Run<T>& r, std::size_t k) const {
    using M = MathOf<T>;
    const auto x = load(r.x + k);
    auto slope = M::c(0);
    if constexpr (Act::kPerChannelSlope) slope = load(r.slope + k);
    auto dx = activate_grad<Act, M>(x, load(r.dy + k), slope);
    if constexpr (Act::kConcatNegated) dx = dx - activate_grad<Act, M>(M::c(0) - x, load(r.dy_hi + k), slope);
    store(dx, r.out + k, r.stream);
    if constexpr (kSums) {
      const TagOf<T> d;
      hn::StoreU(hn::LoadU(d, r.sums + k) + dx, d, r.sums + k);
    }
  }
};

// The unfused passes: the bias add before the activation, the column sum after its backward.
template <class T>
struct BiasAddBody {
  HWY_INLINE void operator()(const Run<T>& r, std::size_t k) const {
    store(load(r.x + k) + load(r.bias + k), r.out + k, r.stream);
  }
};
template <class T>
struct ColumnSumBody {
  HWY_INLINE void operator()(const Run<T>& r, std::size_t k) const {
    const TagOf<T> d;
    hn::StoreU(hn::LoadU(d, r.sums + k) + load(r.x + k), d, r.sums + k);
  }
};
// The unfused statistics pass: re-reads the stored output (as x) and counts its zeros.
template <class T>
struct ZeroCountBody {
  HWY_INLINE void operator()(const Run<T>& r, std::size_t k) const {
    count_zeros<T>(zero_lanes<T>(load(r.x + k)), r.counts + k);
  }
};

template <class Act, class T, bool kBias>
void forward_kernel(const Operands& op, std::int64_t begin, std::int64_t end, void*, Stores stores) {
  constexpr bool kChannelWise = kBias || Act::kPerChannelSlope || Act::kConcatNegated;
  for_each_run<T, kChannelWise>(op, begin, end, {}, Act::kConcatNegated, false, stores, ForwardBody<Act, T, kBias>{});
}

// The forward and, in the same pass, the zero counts of its output's channels.
template <class Act, class T>
void zero_counting_forward_kernel(const Operands& op, std::int64_t begin, std::int64_t end, void* counts,
                                  Stores stores) {
  for_each_run<T, true>(op, begin, end, {.counts = static_cast<ZeroLane<T>*>(counts)}, Act::kConcatNegated, false,
                        stores, ForwardBody<Act, T, false, true>{});
}

template <class Act, class T, bool kSums>
void backward_kernel(const Operands& op, std::int64_t begin, std::int64_t end, void* sums, Stores stores) {
  constexpr bool kChannelWise = kSums || Act::kPerChannelSlope || Act::kConcatNegated;
  for_each_run<T, kChannelWise>(op, begin, end, {.sums = static_cast<ComputeOf<T>*>(sums)}, false,
                                Act::kConcatNegated, stores, BackwardBody<Act, T, kSums>{});
}

template <class T>
void bias_add_kernel(const Operands& op, std::int64_t begin, std::int64_t end, void*, Stores stores) {
  for_each_run<T, true>(op, begin, end, {}, false, false, stores, BiasAddBody<T>{});
}

template <class T>
void column_sum_kernel(const Operands& op, std::int64_t begin, std::int64_t end, void* sums, Stores) {
  // Only x and the sums are streams here: a staged tail copies back every output it is given.
  Operands reads = op;
  reads.out = nullptr;
  for_each_run<T, true>(reads, begin, end, {.sums = static_cast<ComputeOf<T>*>(sums)}, false, false, Stores::cached,
                        ColumnSumBody<T>{});
}

// op holds only x, the output of an earlier pass, and its rows x channels (2C for CReLU).
template <class T>
void zero_count_kernel(const Operands& op, std::int64_t begin, std::int64_t end, void* counts, Stores) {
  for_each_run<T, true>(op, begin, end, {.counts = static_cast<ZeroLane<T>*>(counts)}, false, false, Stores::cached,
                        ZeroCountBody<T>{});
}

// Bit i of the result is lane i of the mask.
template <class D>
HWY_INLINE std::uint64_t mask_bits(D d, hn::Mask<D> m) {
  std::uint8_t bytes[8] = {};
  hn::StoreMaskBits(d, m, bytes);
  std::uint64_t bits = 0;
  for (std::size_t b = 0; b < (hn::Lanes(d) + 7) / 8; ++b) bits |= std::uint64_t{bytes[b]} << (8 * b);
  return bits;
}
template <class D>
HWY_INLINE hn::Mask<D> mask_from_bits(D d, std::uint64_t bits) {
  std::uint8_t bytes[8];
  for (std::size_t b = 0; b < 8; ++b) bytes[b] = static_cast<std::uint8_t>(bits >> (8 * b));
  return hn::LoadMaskBits(d, bytes);
}

// The mask is handled 64 elements (8 bytes) at a time: every lane count divides 64, so vectors
// never straddle a word, and ranges start on word boundaries (kRangeAlignment).
constexpr std::int64_t kMaskWord = 64;
static_assert(kRangeAlignment % kMaskWord == 0);

// Forward that also saves the bit mask of x > 0 (the derivative of a ReLU-like activation).
template <class Act, class T>
void mask_forward_kernel(const Operands& op, std::int64_t begin, std::int64_t end, void*, Stores stores) {
  using M = MathOf<T>;
  const TagOf<T> d;
  auto* mask = static_cast<std::uint8_t*>(op.mask);
  for (std::int64_t word = begin; word < end; word += kMaskWord) {
    const std::int64_t count = std::min(kMaskWord, end - word);
    std::uint64_t bits = 0;
    std::size_t shift = 0;
    // Called once per vector in order, the staged tail last.
    const auto body = [&](const Run<T>& r, std::size_t k) {
      const auto x = load(r.x + k);
      store(Act::template forward<M>(x), r.out + k, r.stream);
      bits |= mask_bits(d, M::gt(x, M::c(0))) << shift;
      shift += hn::Lanes(d);
    };
    for_each_vector(run_at<T>(op, {}, word, 0, false, false, stores), static_cast<std::size_t>(count), body);
    for (std::int64_t b = 0; b < (count + 7) / 8; ++b) mask[word / 8 + b] = static_cast<std::uint8_t>(bits >> (8 * b));
  }
  finish_stores(stores);
}

// Backward from the mask: dx = bit ? dy : 0, a select on the raw storage bits (no conversion). The
// zero keeps dy's sign, as dy * 0 does in the plain backward, so the two agree bit for bit.
template <class T>
void mask_backward_kernel(const Operands& op, std::int64_t begin, std::int64_t end, void*, Stores stores) {
  using U = hwy::UnsignedFromSize<sizeof(T)>;
  const hn::ScalableTag<U> d;
  const std::size_t lanes = hn::Lanes(d);
  const std::uint64_t lane_mask = lanes == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << lanes) - 1;
  const auto sign = hn::Set(d, static_cast<U>(U{1} << (8 * sizeof(U) - 1)));
  const auto apply_mask = [&](std::uint64_t lane_bits, hn::Vec<decltype(d)> grad) {
    return hn::IfThenElse(mask_from_bits(d, lane_bits & lane_mask), grad, hn::And(grad, sign));
  };
  const U* dy = static_cast<const U*>(op.dy);
  U* out = static_cast<U*>(op.out);
  const auto* mask = static_cast<const std::uint8_t*>(op.mask);
  const bool stream = may_stream(out + begin, lanes * sizeof(U), stores);
  for (std::int64_t word = begin; word < end; word += kMaskWord) {
    const auto count = static_cast<std::size_t>(std::min(kMaskWord, end - word));
    std::uint64_t bits = 0;
    for (std::size_t b = 0; b < (count + 7) / 8; ++b) bits |= std::uint64_t{mask[word / 8 + b]} << (8 * b);
    std::size_t k = 0;
    for (; k + lanes <= count; k += lanes) {
      const auto dx = apply_mask(bits >> k, hn::LoadU(d, dy + word + k));
      if (stream) {
        hn::Stream(dx, d, out + word + k);
      } else {
        hn::StoreU(dx, d, out + word + k);
      }
    }
    if (k < count) {
      HWY_ALIGN U staged_dy[hn::MaxLanes(d)] = {};
      std::copy_n(dy + word + k, count - k, staged_dy);
      hn::Store(apply_mask(bits >> k, hn::Load(d, staged_dy)), d, staged_dy);
      std::copy_n(staged_dy, count - k, out + word + k);
    }
  }
  finish_stores(stores);
}

// Every kernel of one dtype and direction, in AllActivations order.
template <class T, Direction kDirection>
VectorKernelTable make_table() {
  VectorKernelTable table;
  std::size_t i = 0;
  for_each_type(AllActivations{}, [&](auto* tag) {
    using Act = std::remove_pointer_t<decltype(tag)>;
    ActivationKernels& k = table.activations[i++];
    if constexpr (kDirection == Direction::forward) {
      k.plain = &forward_kernel<Act, T, false>;
      k.with_bias = &forward_kernel<Act, T, true>;
      k.zero_counting = &zero_counting_forward_kernel<Act, T>;
      if constexpr (Act::kMaskBackward) k.mask = &mask_forward_kernel<Act, T>;
    } else {
      k.plain = &backward_kernel<Act, T, false>;
      k.with_bias = &backward_kernel<Act, T, true>;
      if constexpr (Act::kMaskBackward) k.mask = &mask_backward_kernel<T>;
    }
  });
  if constexpr (kDirection == Direction::forward) {
    table.bias_pass = &bias_add_kernel<T>;
    table.zero_count_pass = &zero_count_kernel<T>;
  } else {
    table.bias_pass = &column_sum_kernel<T>;
  }
  return table;
}

}  // namespace actbench::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
