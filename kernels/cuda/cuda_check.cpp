#include "kernels/cuda/cuda_check.hpp"

#include <stdexcept>
#include <string>

namespace actbench::cuda {

void throw_cuda_error(cudaError_t error, const char* call, const char* file, int line) {
  // The runtime also keeps a failed call's error as the thread's last error, which the next point's
  // AB_CUDA_CHECK_LAUNCH would report as its own. Reading it clears a non-sticky error (a failed
  // allocation, an invalid argument); a sticky one (an illegal address) stays until the process ends.
  static_cast<void>(cudaGetLastError());
  throw std::runtime_error(std::string(call) + " failed at " + file + ":" + std::to_string(line) + ": " +
                           cudaGetErrorName(error) + ": " + cudaGetErrorString(error));
}

}  // namespace actbench::cuda
