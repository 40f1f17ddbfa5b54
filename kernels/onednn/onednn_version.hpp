#pragma once
// The oneDNN library actually loaded, for the results' environment record.
#include <string>

namespace actbench {

// "2.6.3": the runtime version (dnnl_version), which may differ from the headers built against.
std::string onednn_version();

}  // namespace actbench
