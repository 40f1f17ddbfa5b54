#pragma once
// The cuDNN library actually loaded, for the results' environment record.
#include <string>

namespace actbench {

// "9.19.0": the runtime version (cudnnGetVersion), which may differ from the headers built against.
std::string cudnn_version();

}  // namespace actbench
