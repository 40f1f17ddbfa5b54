// Registers the CUDA families for every activation x dtype x direction (mask: ReLU only; the
// statistics: forward only), with the signature flags that say what each case reads and writes.
#include "kernels/cuda/cuda_families.hpp"
#include "kernels/register_family.hpp"
#include "kernels/registrations.hpp"

namespace actbench {
namespace {

using cuda::Family;

// adjust.template operator()<Act>(c) sets the family's signature flags (and may withdraw the case).
template <class Activations, class Adjust>
void register_cuda_family(Registry& r, const char* name, Family family, Adjust adjust) {
  register_family<Activations>(r, name, Device::cuda, [&]<class Act, class T>(Case& c) {
    c.prepare = cuda::cuda_prepare<T>(Act::kName, family, c.direction);
    adjust.template operator()<Act>(c);
  });
}

}  // namespace

void register_cuda_kernels(Registry& r) {
  const auto plain = []<class Act>(Case&) {};
  const auto bias = []<class Act>(Case& c) {
    (c.direction == Direction::forward ? c.signature.bias : c.signature.bias_grad) = true;
  };
  register_cuda_family<AllActivations>(r, "naive", Family::naive, plain);
  register_cuda_family<AllActivations>(r, "vectorised", Family::vectorised, plain);
  register_cuda_family<AllActivations>(r, "inplace", Family::inplace, []<class Act>(Case& c) {
    c.signature.inplace = true;
    if constexpr (Act::kConcatNegated) {
      c.prepare = {};
      c.unsupported = "CReLU writes twice as many elements as it reads, so its output cannot overwrite its input";
    }
  });
  register_cuda_family<AllActivations>(r, "fused_bias", Family::fused_bias, bias);
  register_cuda_family<AllActivations>(r, "unfused_bias", Family::unfused_bias, bias);
  register_cuda_family<TypeList<Relu>>(r, "mask", Family::mask, []<class Act>(Case& c) {
    (c.direction == Direction::forward ? c.signature.mask_out : c.signature.mask_in) = true;
  });
  const auto zero_stats = []<class Act>(Case& c) {
    if (c.direction == Direction::forward) {
      c.signature.zero_stats = true;
    } else {
      c.prepare = {};
      c.unsupported = kZeroStatsForwardOnly;
    }
  };
  register_cuda_family<AllActivations>(r, "fused_stats", Family::fused_stats, zero_stats);
  register_cuda_family<AllActivations>(r, "unfused_stats", Family::unfused_stats, zero_stats);
}

}  // namespace actbench
