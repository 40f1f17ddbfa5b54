#pragma once
// The copies that the CPU roofline times (harness/cpu_copy_bandwidth.cpp): vector loads and stores
// as wide as the vectorised kernels' own, non-temporal (DRAM sizes) or not (cache sizes), so a kernel
// is placed against a copy built the way it is, not against a narrower one it can outrun.
#include <cstddef>

namespace actbench {

// Copies `bytes` from `from` to `to` (not overlapping), writing whole cache lines with non-temporal
// stores of the widest vector Highway picks on this CPU, then fences them.
void stream_copy(void* to, const void* from, std::size_t bytes);
// The same loop with ordinary stores: the lines stay in cache (and are read for ownership first).
void vector_copy(void* to, const void* from, std::size_t bytes);

}  // namespace actbench
