#include "kernels/matmul.hpp"

#include <stdexcept>

#include "kernels/onednn/onednn_primitives.hpp"
#if defined(ACTBENCH_WITH_CUDA)
#include "kernels/cublaslt/cublaslt_matmul.hpp"
#endif

namespace actbench {

Runner prepare_matmul(Device device, DType dtype, const Operands& operands, const ExecContext& ctx) {
  if (device == Device::cuda) {
#if defined(ACTBENCH_WITH_CUDA)
    return cublaslt::prepare_matmul(cublaslt::Epilogue::none, dtype, operands, ctx);
#else
    throw std::runtime_error("this build of actbench has no CUDA");
#endif
  }
  return onednn::prepare_matmul(dtype, nullptr, operands, ctx);
}

}  // namespace actbench
