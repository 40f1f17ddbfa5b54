#include "kernels/cudnn/cudnn_version.hpp"

#include <cudnn.h>

namespace actbench {

std::string cudnn_version() {
  // cuDNN 9 encodes its version as major * 10000 + minor * 100 + patch.
  const std::size_t v = cudnnGetVersion();
  return std::to_string(v / 10000) + "." + std::to_string(v % 10000 / 100) + "." + std::to_string(v % 100);
}

}  // namespace actbench
