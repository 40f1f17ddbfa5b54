#include "kernels/cuda/device_memory.hpp"

#include <stdexcept>
#include <string>

#include "kernels/cuda/cuda_check.hpp"

namespace actbench::cuda {

std::shared_ptr<void> allocate_device(int device_index, std::size_t bytes) {
  AB_CUDA_CHECK(cudaSetDevice(device_index));
  void* p = nullptr;
  const cudaError_t status = cudaMalloc(&p, bytes);
  if (status != cudaSuccess) {
    cudaGetLastError();  // an allocation failure is not sticky; keep it from surfacing at the next launch
    throw std::runtime_error("cannot allocate " + std::to_string(bytes) + " bytes of workspace on cuda:" +
                             std::to_string(device_index) + ": " + cudaGetErrorString(status));
  }
  // A deleter cannot throw; a failing cudaFree means the context is already gone.
  return std::shared_ptr<void>(p, [](void* q) { cudaFree(q); });
}

}  // namespace actbench::cuda
