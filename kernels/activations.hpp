#pragma once
// The activation functors in namespace actbench, for scalar host code, CUDA and the reference.
#include "kernels/scalar_math.hpp"
#include "kernels/type_list.hpp"

namespace actbench {
#include "kernels/activation_functors-inl.hpp"
}  // namespace actbench
