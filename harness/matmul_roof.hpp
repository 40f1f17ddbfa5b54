#pragma once
// The roof of the GEMM layers: the plain product y = x W (no bias, no activation) timed on a layer's
// own shape, as the copy bandwidth is the roof of the elementwise cases. bench/peaks.hpp keeps, per
// device, thread count and dtype, the best of the run's layers: no layer's product can beat it, and
// its epilogue (or the unfused pass) shows as the fraction it loses.
#include "kernels/case.hpp"

namespace actbench {

// GFLOP/s (1e9 FLOP/s) of the best of a few runs after a warm-up, at least half a second of them on a
// CPU (on a GPU, samples timed with events as the layers are). `layer` is rows x channels x depth.
// Throws std::runtime_error when the product cannot run in this dtype here, or does not fit in memory.
double measure_matmul_gflops(Device device, DType dtype, Shape layer, const ExecContext& ctx);

}  // namespace actbench
