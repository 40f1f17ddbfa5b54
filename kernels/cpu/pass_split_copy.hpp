#pragma once
// A copy split between threads exactly as a vectorised pass splits the same tensor, for the
// in-place timing loop: it restores the input before each run, and where the restore's stores land
// decides where the run finds its input.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace actbench {

// Copies `elements` elements of `element_bytes` bytes each, every thread the chunk that the
// vectorised pass of `activation` with `threads` threads gives it, so that each chunk waits in the
// cache of the core whose pass overwrites it, as the steady state of an out-of-place loop leaves it.
// Throws std::invalid_argument for an unknown activation.
void pass_split_copy(std::string_view activation, int threads, void* to, const void* from, std::int64_t elements,
                     std::size_t element_bytes);

}  // namespace actbench
