#include "kernels/onednn/onednn_error.hpp"

#include <oneapi/dnnl/dnnl_debug.h>

#include <stdexcept>
#include <string>

namespace actbench::onednn {

void throw_error(std::string_view context, const dnnl::error& e) {
  throw std::runtime_error("onednn: " + std::string(context) + ": " + e.what() + " (" +
                           dnnl_status2str(e.status) + ")");
}

}  // namespace actbench::onednn
