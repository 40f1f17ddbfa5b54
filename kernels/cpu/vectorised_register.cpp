// The vectorised CPU family: vectorised, inplace, fused_bias, unfused_bias and mask. Every case
// runs Highway kernels (kernels/cpu/vector_loops-inl.hpp) for the ISA chosen when it is prepared,
// one or more passes over the tensor, each split between threads (kernels/cpu/parallel.hpp).
#include <algorithm>
#include <memory>
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
};

// Runs its passes one after another, each over the whole tensor. With a bias gradient, the last pass
// accumulates per-channel sums, one row of C per thread, which the threads then add up in thread
// order (the same order every run, so results are reproducible) and store into bias_grad.
template <class T>
class SweepRunner {
 public:
  using Compute = typename DTypeTraits<T>::Compute;

  SweepRunner(std::vector<Pass> passes, int workers, T* bias_grad = nullptr, std::shared_ptr<void> scratch = nullptr)
      : passes_(std::move(passes)), shape_(passes_.front().op.shape), workers_(workers), bias_grad_(bias_grad),
        scratch_(std::move(scratch)) {
    if (bias_grad_) sums_.resize(static_cast<std::size_t>(workers_ * shape_.channels));
  }

  void operator()() {
    for (std::size_t p = 0; p < passes_.size(); ++p) {
      const Pass& pass = passes_[p];
      if (bias_grad_ && p + 1 == passes_.size()) {
        reducing_sweep(pass);
      } else {
        parallel_chunks(shape_.elements(), workers_, [&](std::int64_t begin, std::int64_t end, int, int) {
          pass.kernel(pass.op, begin, end, nullptr);
        });
      }
    }
  }

 private:
  void reducing_sweep(const Pass& pass) {
    const std::int64_t channels = shape_.channels;
    parallel_chunks(shape_.elements(), workers_, [&](std::int64_t begin, std::int64_t end, int thread, int threads) {
      Compute* mine = sums_.data() + thread * channels;
      std::fill_n(mine, channels, Compute{0});
      pass.kernel(pass.op, begin, end, mine);
      team_barrier();
      for (std::int64_t c = channels * thread / threads; c < channels * (thread + 1) / threads; ++c) {
        Compute total = 0;
        for (int t = 0; t < threads; ++t) total += sums_[static_cast<std::size_t>(t * channels + c)];
        bias_grad_[c] = DTypeTraits<T>::store(total);
      }
    });
  }

  std::vector<Pass> passes_;
  Shape shape_;
  int workers_;
  T* bias_grad_;
  std::shared_ptr<void> scratch_;  // an intermediate tensor some passes use, shared by copies
  std::vector<Compute> sums_;
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

template <class Act, class T>
Runner vectorised_runner(Direction direction, const Operands& op, const ExecContext& ctx) {
  return SweepRunner<T>({{kernels_for<Act, T>(direction).plain, op}}, workers_for<Act>(op, ctx));
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
  const RangeKernel kernel = kernels_for<Act, T>(direction).with_bias;
  T* bias_grad = direction == Direction::backward ? static_cast<T*>(op.bias_grad) : nullptr;
  return SweepRunner<T>({{kernel, op}}, workers_for<Act>(op, ctx), bias_grad);
}

// The same results in separate passes, as a framework without fusion runs them. Forward: z = x + b
// into the output, then the activation in place on it (CReLU, whose output is twice as wide,
// stages z in a temporary). Backward: the activation's backward, then a column sum of dx.
template <class Act, class T>
Runner unfused_bias_runner(Direction direction, const Operands& op, const ExecContext& ctx) {
  const VectorKernelTable table = table_for<T>(direction);
  const ActivationKernels& act = table.activations[index_of<Act>(AllActivations{})];
  const int workers = workers_for<Act>(op, ctx);
  if (direction == Direction::backward) {
    Operands sum = op;
    sum.x = op.out;
    return SweepRunner<T>({{act.plain, op}, {table.bias_pass, sum}}, workers,
                          static_cast<T*>(op.bias_grad));
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
  return SweepRunner<T>({{table.bias_pass, add}, {act.plain, activate}}, workers, nullptr, scratch);
}

template <class Act, class T>
Runner mask_runner(Direction direction, const Operands& op, const ExecContext& ctx) {
  return SweepRunner<T>({{kernels_for<Act, T>(direction).mask, op}}, workers_for<Act>(op, ctx));
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
  register_strategy<AllActivations, vectorised>(r, "vectorised", {});
  register_strategy<AllActivations, inplace>(r, "inplace", {.inplace = true});
  register_strategy<AllActivations, fused>(r, "fused_bias", {.bias = true, .bias_grad = true});
  register_strategy<AllActivations, unfused>(r, "unfused_bias", {.bias = true, .bias_grad = true});
  using MaskActivations = decltype(mask_activations(AllActivations{}));
  register_strategy<MaskActivations, mask>(r, "mask", {.mask_out = true, .mask_in = true});
}

}  // namespace actbench
