#pragma once
// The second pass of an unfused GEMM layer: after a plain matrix product y = x W, the activation with
// its bias, y = f(y + b), in place. It is actbench's own registered fused_bias case of the same
// activation, device and dtype, so the unfused layer pays exactly what a framework without epilogue
// fusion pays: one more read and write of y.
#include <string_view>

#include "kernels/case.hpp"

namespace actbench {

// `layer` are the GEMM case's operands (its out holds x W when the runner is called). Throws
// std::runtime_error when no such fused_bias case is registered or it cannot run on these operands.
Runner prepare_bias_activation_pass(std::string_view activation, Device device, DType dtype, const Operands& layer,
                                    const ExecContext& ctx);

// The whole unfused layer (unfused_gemm on every device): the device's plain matmul (kernels/matmul.hpp),
// then that pass.
Runner prepare_unfused_layer(std::string_view activation, Device device, DType dtype, const Operands& layer,
                             const ExecContext& ctx);

}  // namespace actbench
