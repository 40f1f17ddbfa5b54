#include "kernels/cudnn/cudnn_context.hpp"

#include "kernels/cuda/library_handles.hpp"
#include "kernels/cudnn/cudnn_check.hpp"

namespace actbench::cudnn {

cudnnHandle_t StreamHandle::bound() const {
  AB_CUDNN_CHECK(cudnnSetStream(handle, static_cast<cudaStream_t>(stream)));
  return handle;
}

StreamHandle handle_for(const ExecContext& ctx) {
  thread_local cuda::ThreadDeviceHandles<cudnnHandle_t, cudnnDestroy> handles;
  AB_CUDA_CHECK(cudaSetDevice(ctx.device_index));
  cudnnHandle_t handle = handles.get(ctx.device_index, [] {
    cudnnHandle_t created = nullptr;
    AB_CUDNN_CHECK(cudnnCreate(&created));
    return created;
  });
  return StreamHandle{handle, ctx.stream};
}

void DeviceFree::operator()(void* p) const {
  // Freeing cannot be reported from a destructor; a failure here would already have surfaced on the
  // stream's last checked call.
  static_cast<void>(cudaFree(p));
}

DeviceMemory allocate_device(std::size_t bytes) {
  if (bytes == 0) return DeviceMemory{};
  void* p = nullptr;
  AB_CUDA_CHECK(cudaMalloc(&p, bytes));
  return DeviceMemory{p};
}

cudnnDataType_t data_type(DType d) {
  switch (d) {
    case DType::f32: return CUDNN_DATA_FLOAT;
    case DType::f64: return CUDNN_DATA_DOUBLE;
    case DType::f16: return CUDNN_DATA_HALF;
    case DType::bf16: return CUDNN_DATA_BFLOAT16;
  }
  return CUDNN_DATA_FLOAT;
}

cudnnDataType_t compute_type(DType d) { return d == DType::f64 ? CUDNN_DATA_DOUBLE : CUDNN_DATA_FLOAT; }

}  // namespace actbench::cudnn
