// The CPU GEMM family: a whole Linear -> activation layer, y = f(x W + b), the everyday pattern where
// the activation rides on a matrix product.
//  - fused_gemm: one oneDNN matmul with the bias and the activation as post-ops (the epilogue).
//  - unfused_gemm: oneDNN's plain matmul, then actbench's fused_bias pass y = f(y + b) in place, as a
//    framework that does not fuse the layer runs it.
// The two differ by the activation pass's read and write of y: what fusing the epilogue buys.
#include <string>

#include "kernels/bias_activation_pass.hpp"
#include "kernels/gemm_cases.hpp"
#include "kernels/onednn/onednn_operation.hpp"
#include "kernels/onednn/onednn_primitives.hpp"
#include "kernels/register_family.hpp"
#include "kernels/registrations.hpp"

namespace actbench {
namespace {

template <bool kFused>
struct CpuGemm {
  template <class Act, class T>
  void operator()(Case& c) const {
    if (!gemm_case<Act>(c)) return;
    if (c.dtype == DType::f64) {
      c.unsupported = onednn::kNoF64;
      return;
    }
    if constexpr (kFused) {
      constexpr const onednn::Operation& op = onednn::kOperation<Act>;
      if constexpr (op.primitive == onednn::Operation::Primitive::none) {
        c.unsupported = op.unsupported;
      } else {
        c.deviations = std::string(kGemmDeviations) + "; " + onednn::kNonFiniteDeviations;
        c.prepare = [dtype = c.dtype](const Operands& operands, const ExecContext& ctx) {
          return onednn::prepare_matmul(dtype, &onednn::kOperation<Act>, operands, ctx);
        };
      }
    } else {
      c.deviations = kGemmDeviations;
      c.prepare = [dtype = c.dtype](const Operands& operands, const ExecContext& ctx) {
        return prepare_unfused_layer(Act::kName, Device::cpu, dtype, operands, ctx);
      };
    }
  }
};

}  // namespace

void register_cpu_gemm(Registry& r) {
  register_family<AllActivations>(r, "fused_gemm", Device::cpu, CpuGemm<true>{});
  register_family<AllActivations>(r, "unfused_gemm", Device::cpu, CpuGemm<false>{});
}

}  // namespace actbench
