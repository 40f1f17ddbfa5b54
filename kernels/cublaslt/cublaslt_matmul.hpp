#pragma once
// cuBLASLt's matmul over a GEMM case's buffers (Signature::gemm) on the case's stream: the plain
// product y = x W, or the layer y = f(x W + b) with the bias and the activation in the matmul's
// epilogue. Descriptors, the algorithm (cuBLASLt's first heuristic choice) and the workspace are set
// up here, outside any timed region; the runner only enqueues the matmul.
#include "kernels/case.hpp"

namespace actbench::cublaslt {

// The epilogues cuBLASLt offers for a forward layer's activation. GELU_BIAS is the tanh form;
// RELU_AUX_BIAS also writes the ReLU mask a backward pass reads (bit i of y set where x W + b > 0).
enum class Epilogue { none, relu_bias, gelu_bias, relu_aux_bias };

// Throws std::runtime_error with cuBLASLt's words when it has no algorithm for the dtype or shape, or
// refuses to run it (the matmul runs once here), and for a mask whose rows would not start on
// cuBLASLt's 128-bit boundaries (channels not a multiple of 128).
Runner prepare_matmul(Epilogue epilogue, DType dtype, const Operands& operands, const ExecContext& ctx);

}  // namespace actbench::cublaslt
