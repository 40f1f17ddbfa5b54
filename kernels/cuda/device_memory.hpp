#pragma once
// Device memory owned by whoever holds the pointer (a runner's workspace, a timing buffer): freed when
// the last copy goes away, so runners stay copyable std::functions.
#include <cstddef>
#include <memory>

namespace actbench::cuda {

// cudaMalloc on `device_index`; throws std::runtime_error naming the size when it fails.
std::shared_ptr<void> allocate_device(int device_index, std::size_t bytes);

}  // namespace actbench::cuda
