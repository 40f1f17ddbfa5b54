#pragma once
// The boundary between the Highway kernels (compiled once per ISA, kernels/cpu/vector_loops-inl.hpp)
// and the code that registers and threads them (kernels/cpu/vectorised_register.cpp). A kernel does
// elements [begin, end) of one case; callers split a tensor into such ranges, one per thread.
#include <array>
#include <cstdint>
#include <type_traits>

#include "kernels/activations.hpp"
#include "kernels/case.hpp"
#include "kernels/cpu/stores.hpp"

namespace actbench {

// A kernel reads and writes the operands' buffers (a pass of a multi-pass case may point x or out
// elsewhere). `sums` is this thread's per-channel accumulator for the kernels that reduce over rows
// (the compute type for bias gradients, ZeroLane for zero counts), null otherwise. Ranges start at
// a multiple of kRangeAlignment.
using RangeKernel = void (*)(const Operands& op, std::int64_t begin, std::int64_t end, void* sums, Stores stores);

// The mask kernels work in words of 64 elements (8 mask bytes), so threads must not share one; it
// also keeps threads off each other's cache lines for every dtype.
inline constexpr std::int64_t kRangeAlignment = 64;

// The zero-counting kernels' per-thread counters: integers as wide as the compute type, so that a
// vector of counters lines up lane for lane with a vector of values.
template <class T>
using ZeroLane = std::conditional_t<sizeof(typename DTypeTraits<T>::Compute) == 8, std::int64_t, std::int32_t>;

// The kernels of one activation in one direction.
struct ActivationKernels {
  RangeKernel plain = nullptr;      // forward: out = f(x); backward: out = dy * f'(x)
  RangeKernel with_bias = nullptr;  // forward: out = f(x + bias[c]); backward: plain, and sums[c] += dx
  RangeKernel zero_counting = nullptr;  // forward only: plain, and sums[c] += (y == 0) per output channel
  RangeKernel mask = nullptr;       // ReLU-like only. forward: plain and the bit mask of x > 0;
                                    // backward: out = mask bit ? dy : 0
};

template <class... Acts>
constexpr std::size_t count_of(TypeList<Acts...>) {
  return sizeof...(Acts);
}
// Position of Act in a type list: the kernel tables are indexed in AllActivations order.
template <class Act, class... Acts>
constexpr std::size_t index_of(TypeList<Acts...>) {
  std::size_t i = 0;
  ((std::is_same_v<Act, Acts> ? false : (++i, true)) && ...);
  return i;
}
inline constexpr std::size_t kActivationCount = count_of(AllActivations{});

// One dtype and direction, for the best ISA of this CPU.
struct VectorKernelTable {
  std::array<ActivationKernels, kActivationCount> activations;  // in AllActivations order
  RangeKernel bias_pass = nullptr;  // unfused passes. forward: out = x + bias[c]; backward: sums[c] += x
  RangeKernel zero_count_pass = nullptr;  // forward only: sums[c] += (x == 0), x being a forward's output
};

// Defined by kernels/cpu/vector_instances.cpp, one translation unit per dtype x direction. Each call
// dispatches on the ISA Highway chooses now (tests may restrict it).
template <class T, Direction D>
VectorKernelTable vector_kernels();

}  // namespace actbench
