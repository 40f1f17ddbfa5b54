#include "kernels/cudnn/cudnn_families.hpp"
#include "kernels/registrations.hpp"

namespace actbench {

void register_cudnn(Registry& r) {
  cudnn::register_legacy(r);
  cudnn::register_graph(r);
}

}  // namespace actbench
