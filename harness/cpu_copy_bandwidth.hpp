#pragma once
// The CPU roofline: how fast this machine copies memory with a given number of threads.
#include <cstddef>

namespace actbench {

// (read + write bytes) / median time of a multi-threaded copy of `bytes` (each thread copies its
// own contiguous slice, between two barriers): the faster of memcpy and a loop of the kernels'
// vector width that stores as they would at this size (kernels/cpu/stores.hpp: non-temporal once
// the copy's 2 x bytes exceed last_level_cache_bytes, through the cache below), so the roofline is
// what the memory allows, not what one library call reaches. Any size: a buffer that fits in a
// cache is copied again and again within a pass, warm, so the figure is that cache's copy bandwidth.
// Throws std::runtime_error if the buffers cannot be allocated or threads < 1.
double measure_cpu_copy_gbps(int threads, std::size_t bytes, std::size_t last_level_cache_bytes);

// A copy size that streams from DRAM: four times the last-level cache per buffer, and at least
// 64 MiB when the cache size is unknown or small, capped at a quarter of the available memory.
std::size_t dram_copy_bytes(std::size_t last_level_cache_bytes, std::size_t available_bytes);

}  // namespace actbench
