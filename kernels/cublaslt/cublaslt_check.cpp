#include "kernels/cublaslt/cublaslt_check.hpp"

#include <stdexcept>
#include <string>

namespace actbench::cublaslt {

void throw_cublas_error(cublasStatus_t status, const char* call, const char* file, int line) {
  throw std::runtime_error(std::string(call) + " failed at " + file + ":" + std::to_string(line) + ": " +
                           cublasLtGetStatusName(status) + ": " + cublasLtGetStatusString(status));
}

}  // namespace actbench::cublaslt
