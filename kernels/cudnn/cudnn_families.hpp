#pragma once
// The two cuDNN implementation families; register_cudnn (kernels/registrations.hpp) adds both.
#include "kernels/registry.hpp"

namespace actbench::cudnn {

void register_legacy(Registry& r);  // "cudnn": cudnnActivationForward/Backward
void register_graph(Registry& r);   // "cudnn_graph": backend API pointwise operations

}  // namespace actbench::cudnn
