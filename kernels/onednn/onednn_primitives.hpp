#pragma once
// Builds the oneDNN primitive of one case over the case's own buffers (outside any timed region) and
// returns the runner that only executes it and waits on the stream.
#include "kernels/case.hpp"
#include "kernels/onednn/onednn_operation.hpp"

namespace actbench::onednn {

// Throws std::runtime_error with oneDNN's message when it cannot build the primitive, e.g. for a
// dtype that its kernels on this CPU do not support.
Runner prepare_primitive(const Operation& op, DType dtype, Direction direction, const Operands& operands,
                         const ExecContext& ctx);

// A GEMM case's matmul (Signature::gemm): y = x W when `epilogue` is null; otherwise y = f(x W + b) in
// one primitive, the bias and the activation being its post-ops (a framework's fused Linear + f).
// Throws like prepare_primitive.
Runner prepare_matmul(DType dtype, const Operation* epilogue, const Operands& operands, const ExecContext& ctx);

}  // namespace actbench::onednn
