#pragma once
// The set-up and validation loops (inputs, reference, dtype conversions, comparison) split between
// OpenMP threads only from this many elements. Below it, waking the team costs more than the loop
// saves, and with two test processes on two cores (ctest -j2) a wake could wait for a scheduler time
// slice: the C++ suite, thousands of small cases, took 8.3 minutes with every loop parallel.
#include <cstdint>

namespace actbench {

inline constexpr std::int64_t kParallelSetupFrom = std::int64_t{1} << 18;

}  // namespace actbench
