#pragma once
// Every cuBLASLt call goes through AB_CUBLAS_CHECK: a failure becomes a std::runtime_error naming the
// call, where it was made and the library's status, which Prepare passes on as the reason a case is
// skipped.
#include <cublasLt.h>

namespace actbench::cublaslt {

[[noreturn]] void throw_cublas_error(cublasStatus_t status, const char* call, const char* file, int line);

}  // namespace actbench::cublaslt

#define AB_CUBLAS_CHECK(call)                                                                       \
  do {                                                                                              \
    const cublasStatus_t ab_cublas_status_ = (call);                                                \
    if (ab_cublas_status_ != CUBLAS_STATUS_SUCCESS)                                                 \
      ::actbench::cublaslt::throw_cublas_error(ab_cublas_status_, #call, __FILE__, __LINE__);       \
  } while (0)
