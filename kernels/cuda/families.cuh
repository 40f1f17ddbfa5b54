#pragma once
// Runners of every CUDA family, built from the streaming kernel (map_kernel.cuh), the bias-gradient
// column sum (column_sum.cuh), the zero-counting ops (zero_count_ops.cuh) and the naive
// one-thread-per-element kernel. Semantics: kernels/case.hpp.
#include <climits>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "kernels/activation_lookup.hpp"
#include "kernels/cuda/column_sum.cuh"
#include "kernels/cuda/cuda_families.hpp"
#include "kernels/cuda/map_kernel.cuh"
#include "kernels/cuda/stream_ops.cuh"
#include "kernels/cuda/zero_count_ops.cuh"

namespace actbench::cuda {

// The textbook kernel: one thread per element, scalar loads, the functor's branches as written.
template <class Act, class T, bool kForward>
__global__ void __launch_bounds__(kBlockThreads) naive_kernel(const Typed<T> t) {
  const std::int64_t i = std::int64_t{kBlockThreads} * blockIdx.x + threadIdx.x;
  if (i >= t.elements()) return;
  if constexpr (kForward) forward_element<Act, T>(t, i);
  else backward_element<Act, T>(t, i);
}

template <class Act, class T>
Runner naive_runner(Direction direction, const Operands& op, const ExecContext& ctx) {
  const LaunchTarget target = launch_target(ctx);
  const Typed<T> t(op);
  const std::int64_t blocks = (t.elements() + kBlockThreads - 1) / kBlockThreads;
  if (blocks > INT_MAX) throw std::runtime_error("naive: " + std::to_string(t.elements()) + " elements need more than 2^31 blocks");
  void (*const kernel)(Typed<T>) =
      direction == Direction::forward ? naive_kernel<Act, T, true> : naive_kernel<Act, T, false>;
  return [=] {
    AB_CUDA_CHECK(cudaSetDevice(target.device));
    kernel<<<static_cast<unsigned>(blocks), kBlockThreads, 0, target.stream>>>(t);
    AB_CUDA_CHECK_LAUNCH("naive_kernel");
  };
}

// 16-byte packs need every streamed pointer 16-byte aligned (unused operands are null, which is).
inline bool vector_aligned(std::initializer_list<const void*> pointers) {
  for (const void* p : pointers) {
    if (!is_aligned(p, 16)) return false;
  }
  return true;
}

// CReLU's packs run along a row of its 2C-wide side: they must not straddle a row end.
template <class Act, class T>
Access elementwise_access(const Operands& op) {
  if (!vector_aligned({op.x, op.dy, op.out})) return Access::scalar;
  if (Act::kConcatNegated && op.shape.channels % kVectorWidth<T> != 0) return Access::scalar;
  return Access::vector;
}

// Packs of the column sum run along rows: C must be a whole number of packs.
template <class T>
bool columns_wide(const Operands& op) {
  return vector_aligned({op.x, op.dy, op.out}) && op.shape.channels % kVectorWidth<T> == 0;
}

// vectorised and inplace: the same kernel, the in-place case simply passes out == x (or out == dy).
template <class Act, class T>
Runner vectorised_runner(Direction direction, const Operands& op, const ExecContext& ctx) {
  const Typed<T> t(op);
  const Access access = elementwise_access<Act, T>(op);
  if (direction == Direction::forward) {
    return map_runner<ForwardOp<Act, T, false>, kVectorWidth<T>>({t}, t.elements(), t.channels, access, ctx);
  }
  return map_runner<BackwardOp<Act, T>, kVectorWidth<T>>({t}, t.elements(), t.channels, access, ctx);
}

// Forward y = f(x + b) in one pass; backward dz = dy * f'(z) and db = column sums of dz in one pass
// over the tensor (plus the finishing reduction of the per-chunk partial sums).
template <class Act, class T>
Runner fused_bias_runner(Direction direction, const Operands& op, const ExecContext& ctx) {
  const Typed<T> t(op);
  if (direction == Direction::forward) {
    return map_runner<ForwardOp<Act, T, true>, kVectorWidth<T>>({t}, t.elements(), t.channels,
                                                                elementwise_access<Act, T>(op), ctx);
  }
  return column_sum_runner<BackwardOp<Act, T>, T, kVectorWidth<T>>({t}, op.shape, columns_wide<T>(op),
                                                                     static_cast<T*>(op.bias_grad), ctx);
}

// The same results in separate passes, as a framework without fusion runs them. Forward: z = x + b
// into out, then f in place on out (CReLU's 2C-wide output cannot hold z in place of x, so z goes to
// a workspace). Backward: dz = dy * f'(z) into out, then the column sum re-reads dz.
template <class Act, class T>
Runner unfused_bias_runner(Direction direction, const Operands& op, const ExecContext& ctx) {
  if (direction == Direction::forward) {
    const std::shared_ptr<void> workspace =
        Act::kConcatNegated
            ? allocate_device(ctx.device_index, static_cast<std::size_t>(op.shape.elements()) * sizeof(T))
            : nullptr;
    void* const z = workspace ? workspace.get() : op.out;
    Operands add = op;
    add.out = z;
    Operands activate = op;
    activate.x = z;
    activate.bias = nullptr;
    const Typed<T> ta(add);
    const Access add_access = vector_aligned({add.x, add.out}) ? Access::vector : Access::scalar;
    const Runner bias_pass = map_runner<BiasAddOp<T>, kVectorWidth<T>>({ta}, ta.elements(), ta.channels, add_access, ctx);
    const Runner activation_pass = vectorised_runner<Act, T>(Direction::forward, activate, ctx);
    return [bias_pass, activation_pass, workspace] {
      bias_pass();
      activation_pass();
    };
  }
  const Runner gradient_pass = vectorised_runner<Act, T>(Direction::backward, op, ctx);
  const StoredGradientOp<T> stored{static_cast<const T*>(op.out)};
  const bool wide = vector_aligned({op.out}) && op.shape.channels % kVectorWidth<T> == 0;
  const Runner sum_pass =
      column_sum_runner<StoredGradientOp<T>, T, kVectorWidth<T>>(stored, op.shape, wide, static_cast<T*>(op.bias_grad), ctx);
  return [gradient_pass, sum_pass] {
    gradient_pass();
    sum_pass();
  };
}

// ReLU with a 1-bit mask: forward writes y and the mask, backward reads the mask instead of x.
template <class T>
Runner mask_runner(Direction direction, const Operands& op, const ExecContext& ctx) {
  const Typed<T> t(op);
  const bool words = is_aligned(op.mask, 4);
  if (direction == Direction::forward) {
    const Access access = !words ? Access::tail_only : vector_aligned({op.x, op.out}) ? Access::vector : Access::scalar;
    const MaskForwardOp<T> fwd{t, static_cast<std::uint8_t*>(op.mask)};
    return map_runner<MaskForwardOp<T>, kVectorWidth<T>>(fwd, t.elements(), t.channels, access, ctx);
  }
  const Access access = !words ? Access::tail_only : vector_aligned({op.dy, op.out}) ? Access::vector : Access::scalar;
  const MaskBackwardOp<T> bwd{t, static_cast<const std::uint8_t*>(op.mask)};
  return map_runner<MaskBackwardOp<T>, kVectorWidth<T>>(bwd, t.elements(), t.channels, access, ctx);
}

// The zero counters of a forward's output (2C channels for CReLU).
template <class Act>
ZeroCounter zero_counter(const Operands& op) {
  return ZeroCounter::of(op.zero_counts, op.shape.channels * (Act::kConcatNegated ? 2 : 1));
}

// Zeroes the counters on the case's stream, then runs the passes that add to them.
inline Runner counting_runner(const Operands& op, const ZeroCounter& zeros, const ExecContext& ctx, Runner passes) {
  const LaunchTarget target = launch_target(ctx);
  const std::size_t bytes = static_cast<std::size_t>(zeros.width + 1) * sizeof(ZeroCount);
  return [=, counts = op.zero_counts] {
    AB_CUDA_CHECK(cudaSetDevice(target.device));
    AB_CUDA_CHECK(cudaMemsetAsync(counts, 0, bytes, target.stream));
    passes();
  };
}

// Forward only (registration withdraws backward): y and its zero counts in one pass.
template <class Act, class T>
Runner fused_stats_runner(const Operands& op, const ExecContext& ctx) {
  const Typed<T> t(op);
  const ZeroCountingForwardOp<Act, T> fwd{{{t}}, zero_counter<Act>(op)};
  return counting_runner(op, fwd, ctx,
                         map_runner<ZeroCountingForwardOp<Act, T>, kVectorWidth<T>>(
                             fwd, t.elements(), t.channels, elementwise_access<Act, T>(op), ctx));
}

// The plain vectorised forward, then a second pass that re-reads y to count its zeros, as a
// monitoring hook after the layer would.
template <class Act, class T>
Runner unfused_stats_runner(const Operands& op, const ExecContext& ctx) {
  const ZeroCountOp<T> count{zero_counter<Act>(op), static_cast<const T*>(op.out)};
  const Access access = vector_aligned({op.out}) ? Access::vector : Access::scalar;
  const Runner forward_pass = vectorised_runner<Act, T>(Direction::forward, op, ctx);
  const Runner count_pass =
      map_runner<ZeroCountOp<T>, kVectorWidth<T>>(count, op.shape.rows * count.width, count.width, access, ctx);
  return counting_runner(op, count, ctx, [forward_pass, count_pass] {
    forward_pass();
    count_pass();
  });
}

template <class Act, class T>
Runner family_runner(Family family, Direction direction, const Operands& op, const ExecContext& ctx) {
  switch (family) {
    case Family::naive: return naive_runner<Act, T>(direction, op, ctx);
    case Family::vectorised:
    case Family::inplace: return vectorised_runner<Act, T>(direction, op, ctx);
    case Family::fused_bias: return fused_bias_runner<Act, T>(direction, op, ctx);
    case Family::unfused_bias: return unfused_bias_runner<Act, T>(direction, op, ctx);
    case Family::mask:
      if constexpr (Act::kMaskBackward) return mask_runner<T>(direction, op, ctx);
      break;
    case Family::fused_stats: return fused_stats_runner<Act, T>(op, ctx);
    case Family::unfused_stats: return unfused_stats_runner<Act, T>(op, ctx);
  }
  throw std::logic_error(std::string("no CUDA kernel of this family for ") + Act::kName);
}

template <class T>
Prepare cuda_prepare(std::string_view activation, Family family, Direction direction) {
  Prepare prepare;
  with_activation(activation, [&](auto* tag) {
    using Act = std::remove_pointer_t<decltype(tag)>;
    prepare = [family, direction](const Operands& op, const ExecContext& ctx) {
      return family_runner<Act, T>(family, direction, op, ctx);
    };
  });
  if (!prepare) throw std::logic_error("no CUDA kernels for activation " + std::string(activation));
  return prepare;
}

}  // namespace actbench::cuda
