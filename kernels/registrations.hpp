#pragma once
// The registration function of each implementation family; registry.cpp calls them all.
#include "kernels/registry.hpp"

namespace actbench {

void register_cpu_naive(Registry& r);
void register_cpu_vectorised(Registry& r);  // vectorised, inplace, fused_bias, unfused_bias, mask,
                                            // fused_stats, unfused_stats
void register_onednn(Registry& r);
void register_cpu_gemm(Registry& r);  // fused_gemm, unfused_gemm
#if defined(ACTBENCH_WITH_CUDA)
void register_cuda_kernels(Registry& r);  // naive, vectorised, inplace, fused_bias, unfused_bias, mask,
                                          // fused_stats, unfused_stats
void register_cudnn(Registry& r);         // cudnn (legacy API) and cudnn_graph
void register_cuda_gemm(Registry& r);     // fused_gemm, unfused_gemm on cuBLASLt
#endif

}  // namespace actbench
