// The vectorised CPU family: vectorised, inplace, fused_bias, unfused_bias, mask, fused_stats and
// unfused_stats. Every case runs Highway kernels (kernels/cpu/vector_loops-inl.hpp) for the ISA
// chosen when it is prepared, one or more passes over the tensor, each split between threads
// (kernels/cpu/parallel.hpp).
#include <algorithm>
#include <limits>
#include <memory>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "kernels/cpu/parallel.hpp"
#include "kernels/cpu/vector_kernels.hpp"
#include "kernels/register_family.hpp"
#include "kernels/registrations.hpp"

namespace actbench {
namespace {

// One sweep over the tensor with one kernel.
struct Pass {
  RangeKernel kernel;
  Operands op;
  Stores stores = Stores::cached;
};

// The bytes one pass over op touches: its output and each tensor it reads, once each (in place the
// output is its own input). doubling: 2 where CReLU's forward output or backward dy is 2C wide.
template <class T>
std::int64_t footprint_bytes(Direction direction, const Operands& op, std::int64_t doubling = 1) {
  const std::int64_t n = op.shape.elements();
  const std::int64_t tensor = n * static_cast<std::int64_t>(sizeof(T));
  const bool forward = direction == Direction::forward;
  const bool reads_mask = !forward && op.mask;  // instead of x
  std::int64_t bytes = tensor * (forward ? doubling : 1);
  if (op.x && op.x != op.out && !reads_mask) bytes += tensor;
  if (op.dy && op.dy != op.out) bytes += tensor * (forward ? 1 : doubling);
  if (op.mask) bytes += (n + 7) / 8;
  return bytes;
}

// The stores for the activation's own pass over op, by the same rule for every activation. With
// AVX-512 (2-core Zen 5 VM) the passes with exp/erf/tanh inside are memory-bound at DRAM sizes too:
// streaming took f32 at 16M elements from 47-54 to 60-69 GB/s (elu, gelu, gelu_tanh, silu, sigmoid
// and tanh, forward and backward, interleaved A/B runs). On the AVX2 Zen 2 VM, with the slower tanh
// and gelu_tanh of that time, they had been compute-bound and streaming had cost them 5-18%.
template <class Act, class T>
Stores activation_stores(Direction direction, const Operands& op, const ExecContext& ctx) {
  return stores_for(footprint_bytes<T>(direction, op, Act::kConcatNegated ? 2 : 1), ctx.cache_bytes);
}

// Where the per-channel totals of a reducing pass go (none, the bias gradient, the zero counts). The
// pass accumulates `width` Lane values per thread; the threads add them up as Total, store() takes
// each channel's total and finish() runs once they are all stored.
struct NoTotals {
  using Lane = char;
  using Total = char;
  std::int64_t width = 0;
  void store(std::int64_t, Total) const {}
  void finish() const {}
};

template <class T>
struct BiasGradTotals {
  using Lane = typename DTypeTraits<T>::Compute;
  using Total = Lane;
  T* bias_grad;
  std::int64_t width;  // channels
  void store(std::int64_t c, Total total) const { bias_grad[c] = DTypeTraits<T>::store(total); }
  void finish() const {}
};

template <class T>
struct ZeroCountTotals {
  using Lane = ZeroLane<T>;
  using Total = ZeroCount;
  ZeroCount* counts;
  std::int64_t width;  // output channels; counts[width] holds their total
  void store(std::int64_t c, Total total) const { counts[c] = total; }
  void finish() const { counts[width] = std::accumulate(counts, counts + width, ZeroCount{0}); }
};

// Runs its passes one after another, each over its whole tensor. With totals, the last pass
// accumulates per-channel values, one row of `width` per thread, which the threads then add up in
// thread order (the same order every run, so results are reproducible) and hand to the totals.
template <class Totals = NoTotals>
class SweepRunner {
 public:
  using Lane = typename Totals::Lane;

  SweepRunner(std::vector<Pass> passes, int workers, std::optional<Totals> totals = std::nullopt,
              std::shared_ptr<void> scratch = nullptr)
      : passes_(std::move(passes)), workers_(workers), totals_(totals), scratch_(std::move(scratch)) {
    if (totals_) {
      stride_ = (totals_->width + kLineLanes - 1) / kLineLanes * kLineLanes;
      lanes_.resize(static_cast<std::size_t>(workers_ * stride_ + kLineLanes));
    }
  }

  void operator()() {
    for (std::size_t p = 0; p < passes_.size(); ++p) {
      const Pass& pass = passes_[p];
      if (totals_ && p + 1 == passes_.size()) {
        reducing_sweep(pass, *totals_);
      } else {
        parallel_chunks(pass.op.shape.elements(), workers_, [&](std::int64_t begin, std::int64_t end, int, int) {
          pass.kernel(pass.op, begin, end, nullptr, pass.stores);
        });
      }
    }
  }

 private:
  void reducing_sweep(const Pass& pass, const Totals& totals) {
    const std::int64_t width = totals.width;
    Lane* const rows = first_row();
    const auto sweep = [&](std::int64_t begin, std::int64_t end, int thread, int threads) {
      Lane* mine = rows + thread * stride_;
      std::fill_n(mine, width, Lane{0});
      pass.kernel(pass.op, begin, end, mine, pass.stores);
      team_barrier();
      for (std::int64_t c = width * thread / threads; c < width * (thread + 1) / threads; ++c) {
        typename Totals::Total total = 0;
        for (int t = 0; t < threads; ++t) total += rows[t * stride_ + c];
        totals.store(c, total);
      }
    };
    parallel_chunks(pass.op.shape.elements(), workers_, sweep);
    totals.finish();
  }

  // Each thread's row starts on a line pair of its own. Packed end to end, two rows shared a line that
  // the cores then passed back and forth once per row of the tensor: on the 2-core Zen 5 VM, f32
  // fused_stats with 256 channels took 41 us for relu at 256K elements (15 us apart) and 210 us for
  // tanh at 1M (72 us apart). Two lines, because the adjacent-line prefetcher fetches them in pairs.
  static constexpr std::int64_t kLineLanes = 128 / sizeof(Lane);

  // A copy of the runner has its own lanes, so their aligned start is found at each sweep.
  Lane* first_row() {
    void* start = lanes_.data();
    std::size_t space = lanes_.size() * sizeof(Lane);
    std::align(kLineLanes * sizeof(Lane), sizeof(Lane), start, space);
    return static_cast<Lane*>(start);
  }

  std::vector<Pass> passes_;
  int workers_;
  std::optional<Totals> totals_;
  std::shared_ptr<void> scratch_;  // an intermediate tensor some passes use, shared by copies
  std::int64_t stride_ = 0;         // lanes from one thread's row to the next: width rounded up to kLineLanes
  std::vector<Lane> lanes_;
};

template <class Act>
int workers_for(const Operands& op, const ExecContext& ctx) {
  return worker_count<Act>(op.shape.elements(), ctx.threads);
}

template <class T>
VectorKernelTable table_for(Direction direction) {
  return direction == Direction::forward ? vector_kernels<T, Direction::forward>()
                                         : vector_kernels<T, Direction::backward>();
}

template <class Act, class T>
ActivationKernels kernels_for(Direction direction) {
  return table_for<T>(direction).activations[index_of<Act>(AllActivations{})];
}

template <class T>
std::optional<BiasGradTotals<T>> bias_grad_totals(Direction direction, const Operands& op) {
  if (direction == Direction::forward) return std::nullopt;
  return BiasGradTotals<T>{static_cast<T*>(op.bias_grad), op.shape.channels};
}

template <class Act, class T>
Runner vectorised_runner(Direction direction, const Operands& op, const ExecContext& ctx) {
  return SweepRunner<>({{kernels_for<Act, T>(direction).plain, op, activation_stores<Act, T>(direction, op, ctx)}},
                       workers_for<Act>(op, ctx));
}

template <class Act, class T>
Runner inplace_runner(Direction direction, const Operands& op, const ExecContext& ctx) {
  const void* overwritten = direction == Direction::forward ? op.x : op.dy;
  if (op.out != overwritten) {
    throw std::runtime_error("inplace needs out to be the same buffer as " +
                             std::string(direction == Direction::forward ? "x" : "dy"));
  }
  return vectorised_runner<Act, T>(direction, op, ctx);
}

// One pass: the bias add inside the activation (forward), the bias-gradient sum inside its
// derivative (backward), like cuBLASLt's BIAS and DRELU_BGRAD epilogues.
template <class Act, class T>
Runner fused_bias_runner(Direction direction, const Operands& op, const ExecContext& ctx) {
  const Pass pass{kernels_for<Act, T>(direction).with_bias, op, activation_stores<Act, T>(direction, op, ctx)};
  return SweepRunner<BiasGradTotals<T>>({pass}, workers_for<Act>(op, ctx), bias_grad_totals<T>(direction, op));
}

// The same results in separate passes, as a framework without fusion runs them. Forward: z = x + b
// into the output, then the activation in place on it (CReLU, whose output is twice as wide,
// stages z in a temporary). Backward: the activation's backward, then a column sum of dx.
template <class Act, class T>
Runner unfused_bias_runner(Direction direction, const Operands& op, const ExecContext& ctx) {
  const VectorKernelTable table = table_for<T>(direction);
  const ActivationKernels& act = table.activations[index_of<Act>(AllActivations{})];
  const int workers = workers_for<Act>(op, ctx);
  const Stores stores = activation_stores<Act, T>(direction, op, ctx);
  if (direction == Direction::backward) {
    Operands sum = op;
    sum.x = op.out;
    return SweepRunner<BiasGradTotals<T>>({{act.plain, op, stores}, {table.bias_pass, sum}}, workers,
                                          bias_grad_totals<T>(direction, op));
  }
  std::shared_ptr<T[]> scratch;
  void* z = op.out;
  if constexpr (Act::kConcatNegated) {
    scratch = std::make_shared<T[]>(static_cast<std::size_t>(op.shape.elements()));
    z = scratch.get();
  }
  Operands add = op;
  add.out = z;
  Operands activate = op;
  activate.x = z;
  activate.bias = nullptr;
  return SweepRunner<>({{table.bias_pass, add, stores_for(footprint_bytes<T>(direction, add), ctx.cache_bytes)}, {act.plain, activate, stores}},
                       workers, std::nullopt, scratch);
}

template <class Act, class T>
Runner mask_runner(Direction direction, const Operands& op, const ExecContext& ctx) {
  return SweepRunner<>({{kernels_for<Act, T>(direction).mask, op, activation_stores<Act, T>(direction, op, ctx)}},
                       workers_for<Act>(op, ctx));
}

// The zero counts of the forward output's channels (2C for CReLU).
template <class Act, class T>
ZeroCountTotals<T> zero_count_totals(const Operands& op) {
  using Lane = ZeroLane<T>;
  if (op.shape.rows > std::numeric_limits<Lane>::max()) {
    throw std::runtime_error("more rows than a thread's " + std::to_string(8 * sizeof(Lane)) +
                             "-bit zero counters can count");
  }
  return {op.zero_counts, op.shape.channels * (Act::kConcatNegated ? 2 : 1)};
}

// Forward only (registration withdraws backward): the zeros are counted as y is stored, in one pass.
template <class Act, class T>
Runner fused_stats_runner(Direction, const Operands& op, const ExecContext& ctx) {
  const Pass pass{kernels_for<Act, T>(Direction::forward).zero_counting, op,
                  activation_stores<Act, T>(Direction::forward, op, ctx)};
  return SweepRunner<ZeroCountTotals<T>>({pass}, workers_for<Act>(op, ctx), zero_count_totals<Act, T>(op));
}

// The plain forward, then a second pass that re-reads y to count its zeros, as a monitoring hook after
// the layer would.
template <class Act, class T>
Runner unfused_stats_runner(Direction, const Operands& op, const ExecContext& ctx) {
  const VectorKernelTable table = table_for<T>(Direction::forward);
  const ZeroCountTotals<T> totals = zero_count_totals<Act, T>(op);
  Operands count;
  count.x = op.out;
  count.shape = Shape{op.shape.rows, totals.width};
  return SweepRunner<ZeroCountTotals<T>>(
      {{table.activations[index_of<Act>(AllActivations{})].plain, op, activation_stores<Act, T>(Direction::forward, op, ctx)},
       {table.zero_count_pass, count}},
      workers_for<Act>(op, ctx), totals);
}

// Registers `implementation` for every activation of the list, with `runner` as its prepare.
template <class Activations, auto runner>
void register_strategy(Registry& r, const std::string& implementation, Signature extra) {
  register_family<Activations>(r, implementation, Device::cpu, [extra]<class Act, class T>(Case& c) {
    const bool forward = c.direction == Direction::forward;
    c.signature.bias = forward && extra.bias;
    c.signature.bias_grad = !forward && extra.bias_grad;
    c.signature.mask_out = forward && extra.mask_out;
    c.signature.mask_in = !forward && extra.mask_in;
    c.signature.inplace = extra.inplace;
    c.signature.zero_stats = forward && extra.zero_stats;
    if (extra.zero_stats && !forward) {
      c.unsupported = kZeroStatsForwardOnly;
      return;
    }
    if (extra.inplace && Act::kConcatNegated) {
      c.unsupported = "CReLU writes twice as many elements as it reads, so its output cannot overwrite its input";
      return;
    }
    c.prepare = [d = c.direction](const Operands& op, const ExecContext& ctx) {
      return runner.template operator()<Act, T>(d, op, ctx);
    };
  });
}

// The activations whose derivative is 0 or 1, so that their backward can read a 1-bit mask.
template <class... Lists>
struct Concat;
template <class... A>
struct Concat<TypeList<A...>> {
  using type = TypeList<A...>;
};
template <class... A, class... B, class... Rest>
struct Concat<TypeList<A...>, TypeList<B...>, Rest...> : Concat<TypeList<A..., B...>, Rest...> {};
template <class... Acts>
auto mask_activations(TypeList<Acts...>) ->
    typename Concat<TypeList<>, std::conditional_t<Acts::kMaskBackward, TypeList<Acts>, TypeList<>>...>::type;

}  // namespace

void register_cpu_vectorised(Registry& r) {
  constexpr auto vectorised = []<class Act, class T>(Direction d, const Operands& op, const ExecContext& ctx) {
    return vectorised_runner<Act, T>(d, op, ctx);
  };
  constexpr auto inplace = []<class Act, class T>(Direction d, const Operands& op, const ExecContext& ctx) {
    return inplace_runner<Act, T>(d, op, ctx);
  };
  constexpr auto fused = []<class Act, class T>(Direction d, const Operands& op, const ExecContext& ctx) {
    return fused_bias_runner<Act, T>(d, op, ctx);
  };
  constexpr auto unfused = []<class Act, class T>(Direction d, const Operands& op, const ExecContext& ctx) {
    return unfused_bias_runner<Act, T>(d, op, ctx);
  };
  constexpr auto mask = []<class Act, class T>(Direction d, const Operands& op, const ExecContext& ctx) {
    return mask_runner<Act, T>(d, op, ctx);
  };
  constexpr auto fused_stats = []<class Act, class T>(Direction d, const Operands& op, const ExecContext& ctx) {
    return fused_stats_runner<Act, T>(d, op, ctx);
  };
  constexpr auto unfused_stats = []<class Act, class T>(Direction d, const Operands& op, const ExecContext& ctx) {
    return unfused_stats_runner<Act, T>(d, op, ctx);
  };
  register_strategy<AllActivations, vectorised>(r, "vectorised", {});
  register_strategy<AllActivations, inplace>(r, "inplace", {.inplace = true});
  register_strategy<AllActivations, fused>(r, "fused_bias", {.bias = true, .bias_grad = true});
  register_strategy<AllActivations, unfused>(r, "unfused_bias", {.bias = true, .bias_grad = true});
  using MaskActivations = decltype(mask_activations(AllActivations{}));
  register_strategy<MaskActivations, mask>(r, "mask", {.mask_out = true, .mask_in = true});
  register_strategy<AllActivations, fused_stats>(r, "fused_stats", {.zero_stats = true});
  register_strategy<AllActivations, unfused_stats>(r, "unfused_stats", {.zero_stats = true});
}

}  // namespace actbench
