#include "kernels/cuda/cuda_check.hpp"

#include <stdexcept>
#include <string>

namespace actbench::cuda {

void throw_cuda_error(cudaError_t error, const char* call, const char* file, int line) {
  throw std::runtime_error(std::string(call) + " failed at " + file + ":" + std::to_string(line) + ": " +
                           cudaGetErrorName(error) + ": " + cudaGetErrorString(error));
}

}  // namespace actbench::cuda
