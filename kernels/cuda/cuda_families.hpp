#pragma once
// The CUDA implementation families and the one entry point registration needs. Each storage type's
// kernels compile in their own translation unit (generated from families_instance.cu.in), so the
// build spreads over cores; register_cuda.cpp reaches them through cuda_prepare.
#include <string_view>

#include "kernels/case.hpp"

namespace actbench::cuda {

enum class Family { naive, vectorised, inplace, fused_bias, unfused_bias, mask, fused_stats, unfused_stats };

// The Prepare of the case (activation, family, direction) with storage type T.
template <class T>
Prepare cuda_prepare(std::string_view activation, Family family, Direction direction);

}  // namespace actbench::cuda
