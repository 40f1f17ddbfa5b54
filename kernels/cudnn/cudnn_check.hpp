#pragma once
// Every cuDNN call of the cuDNN families goes through AB_CUDNN_CHECK (CUDA runtime calls through
// AB_CUDA_CHECK): a failure
// becomes a std::runtime_error naming the call, where it was made and the library's own words, which
// Prepare passes on as the reason a case is skipped.
#include <cudnn.h>

#include "kernels/cuda/cuda_check.hpp"  // AB_CUDA_CHECK for the CUDA runtime calls

static_assert(CUDNN_MAJOR >= 9, "the cuDNN families need cuDNN 9 (cudnnGetLastErrorString, graph API modes)");

#include <string>

namespace actbench::cudnn {

// cuDNN's detailed message for this thread's last error ("" when it has none).
std::string last_error_detail();

// "CUDNN_STATUS_NOT_SUPPORTED (cuDNN's detailed message for this thread's last error)".
std::string status_message(cudnnStatus_t status);

[[noreturn]] void throw_cudnn_error(cudnnStatus_t status, const char* call, const char* file, int line);

}  // namespace actbench::cudnn

#define AB_CUDNN_CHECK(call)                                                                        \
  do {                                                                                              \
    const cudnnStatus_t ab_cudnn_status_ = (call);                                                  \
    if (ab_cudnn_status_ != CUDNN_STATUS_SUCCESS)                                                   \
      ::actbench::cudnn::throw_cudnn_error(ab_cudnn_status_, #call, __FILE__, __LINE__);            \
  } while (0)
