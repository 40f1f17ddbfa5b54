#pragma once
// Which SIMD instruction set the vectorised CPU kernels run with on this machine, for the results'
// environment section.
#include <string>

namespace actbench {

// Highway's name of the target chosen at run time, e.g. "AVX3" (AVX-512) or "AVX2".
std::string cpu_vector_target();

}  // namespace actbench
