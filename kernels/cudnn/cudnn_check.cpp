#include "kernels/cudnn/cudnn_check.hpp"

#include <array>
#include <stdexcept>
#include <string>

namespace actbench::cudnn {
namespace {

std::string where(const char* call, const char* file, int line) {
  return std::string(call) + " failed at " + file + ":" + std::to_string(line) + ": ";
}

}  // namespace

std::string last_error_detail() {
  std::array<char, 1024> detail{};
  cudnnGetLastErrorString(detail.data(), detail.size());
  return detail.data();
}

std::string status_message(cudnnStatus_t status) {
  std::string message = cudnnGetErrorString(status);
  // The status alone is often just NOT_SUPPORTED; cuDNN keeps the detailed reason per thread.
  if (const std::string detail = last_error_detail(); !detail.empty()) message += " (" + detail + ")";
  return message;
}

void throw_cudnn_error(cudnnStatus_t status, const char* call, const char* file, int line) {
  throw std::runtime_error(where(call, file, line) + status_message(status));
}

}  // namespace actbench::cudnn
