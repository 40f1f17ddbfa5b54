#pragma once
// Which SIMD instruction set the vectorised CPU kernels run with on this machine, for the results'
// environment section.
#include <string>

namespace actbench {

// Highway's name of the target chosen at run time, e.g. "AVX3" (AVX-512) or "AVX2", and whether its
// bf16 stores use the CPU's conversion instruction (kernels/cpu/native_bf16.hpp).
std::string cpu_vector_target();

}  // namespace actbench
