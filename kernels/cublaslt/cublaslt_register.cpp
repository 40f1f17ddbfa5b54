// The GPU GEMM family: a whole Linear -> activation layer, y = f(x W + b), on cuBLASLt.
//  - fused_gemm: one cuBLASLt matmul whose epilogue adds the bias and applies the activation. cuBLASLt
//    has epilogues for ReLU and GELU only, and its GELU is the tanh form: relu and gelu_tanh.
//  - fused_gemm_mask: ReLU's fused layer that also writes the 1-bit mask its backward reads
//    (RELU_AUX_BIAS), what a training step's forward runs.
//  - unfused_gemm: cuBLASLt's plain matmul, then actbench's fused_bias kernel y = f(y + b) in place,
//    as a framework that does not fuse the layer runs it.
#include <type_traits>

#include "kernels/bias_activation_pass.hpp"
#include "kernels/cublaslt/cublaslt_matmul.hpp"
#include "kernels/gemm_cases.hpp"
#include "kernels/register_family.hpp"
#include "kernels/registrations.hpp"

namespace actbench {
namespace {

template <class Act>
constexpr cublaslt::Epilogue kEpilogue = std::is_same_v<Act, Relu>       ? cublaslt::Epilogue::relu_bias
                                         : std::is_same_v<Act, GeluTanh> ? cublaslt::Epilogue::gelu_bias
                                                                         : cublaslt::Epilogue::none;

template <bool kFused>
struct CudaGemm {
  template <class Act, class T>
  void operator()(Case& c) const {
    if (!gemm_case<Act>(c)) return;
    c.deviations = kGemmDeviations;
    if constexpr (kFused) {
      if constexpr (kEpilogue<Act> == cublaslt::Epilogue::none) {
        c.unsupported =
            "cuBLASLt's epilogues apply only ReLU and GELU (its GELU is the tanh form, gelu_tanh) after the bias";
      } else {
        c.prepare = [dtype = c.dtype](const Operands& operands, const ExecContext& ctx) {
          return cublaslt::prepare_matmul(kEpilogue<Act>, dtype, operands, ctx);
        };
      }
    } else {
      c.prepare = [dtype = c.dtype](const Operands& operands, const ExecContext& ctx) {
        return prepare_unfused_layer(Act::kName, Device::cuda, dtype, operands, ctx);
      };
    }
  }
};

}  // namespace

void register_cuda_gemm(Registry& r) {
  register_family<AllActivations>(r, "fused_gemm", Device::cuda, CudaGemm<true>{});
  register_family<TypeList<Relu>>(r, "fused_gemm_mask", Device::cuda, []<class Act, class T>(Case& c) {
    if (!gemm_case<Act>(c)) return;
    c.signature.mask_out = true;
    c.deviations = kGemmDeviations;
    c.prepare = [dtype = c.dtype](const Operands& operands, const ExecContext& ctx) {
      return cublaslt::prepare_matmul(cublaslt::Epilogue::relu_aux_bias, dtype, operands, ctx);
    };
  });
  register_family<AllActivations>(r, "unfused_gemm", Device::cuda, CudaGemm<false>{});
}

}  // namespace actbench
