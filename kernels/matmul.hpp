#pragma once
// The plain matrix product y = x W of a GEMM case's operands (Signature::gemm), without bias or
// activation, on the case's device (oneDNN on the CPU, cuBLASLt on a GPU): the first pass of an
// unfused layer, and the roof that every layer is compared with (harness/matmul_roof.hpp).
#include "kernels/case.hpp"

namespace actbench {

// Throws std::runtime_error when the device's library cannot run the product in this dtype here.
Runner prepare_matmul(Device device, DType dtype, const Operands& operands, const ExecContext& ctx);

}  // namespace actbench
