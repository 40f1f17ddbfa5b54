#pragma once
// What both cuDNN families share: the handle of the calling thread for the case's device, device
// memory the families own (legacy backward's y, graph workspaces) and the dtype mapping.
#include <cstddef>
#include <memory>

#include <cudnn.h>

#include "kernels/case.hpp"

namespace actbench::cudnn {

// The calling thread's handle for a device and the stream one case enqueues on. Every case prepared on
// the thread shares the handle, so a runner binds its own stream before each call (a host-side
// setting: no work on the GPU, nothing inside a captured graph).
struct StreamHandle {
  cudnnHandle_t handle = nullptr;
  void* stream = nullptr;  // cudaStream_t
  cudnnHandle_t bound() const;
};

// The calling thread's handle for ctx.device_index (created on first use, destroyed when the thread
// ends), with that device made current, paired with ctx.stream for every call to bind.
StreamHandle handle_for(const ExecContext& ctx);

struct DeviceFree {
  void operator()(void* p) const;
};
using DeviceMemory = std::unique_ptr<void, DeviceFree>;
// Memory on the current device; an empty pointer for 0 bytes. Throws when cudaMalloc fails.
DeviceMemory allocate_device(std::size_t bytes);

cudnnDataType_t data_type(DType d);
// What the math runs in: f32 for the 16-bit storage types (DESIGN.md), f64 for f64.
cudnnDataType_t compute_type(DType d);

}  // namespace actbench::cudnn
