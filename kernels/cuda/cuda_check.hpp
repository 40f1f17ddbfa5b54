#pragma once
// Every CUDA runtime call of actbench goes through AB_CUDA_CHECK, and every kernel launch is followed
// by AB_CUDA_CHECK_LAUNCH: a failure becomes a std::runtime_error naming the call, where it was made
// and the runtime's own words, which Prepare passes on as the reason a case is skipped. The runtime's
// pending error is cleared on the way (where it can be: a sticky error outlives any clearing).
#include <cuda_runtime_api.h>

namespace actbench::cuda {

[[noreturn]] void throw_cuda_error(cudaError_t error, const char* call, const char* file, int line);

}  // namespace actbench::cuda

#define AB_CUDA_CHECK(call)                                                                         \
  do {                                                                                              \
    const cudaError_t ab_cuda_error_ = (call);                                                      \
    if (ab_cuda_error_ != cudaSuccess)                                                              \
      ::actbench::cuda::throw_cuda_error(ab_cuda_error_, #call, __FILE__, __LINE__);                \
  } while (0)

// A launch reports bad configurations (and earlier asynchronous faults) through cudaGetLastError.
#define AB_CUDA_CHECK_LAUNCH(kernel_name)                                                           \
  do {                                                                                              \
    const cudaError_t ab_cuda_error_ = cudaGetLastError();                                          \
    if (ab_cuda_error_ != cudaSuccess)                                                              \
      ::actbench::cuda::throw_cuda_error(ab_cuda_error_, "launch of " kernel_name, __FILE__, __LINE__); \
  } while (0)
