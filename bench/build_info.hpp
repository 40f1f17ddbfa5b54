#pragma once
// How this actbench binary was built: recorded in every results file so a number can be traced to
// the code and the toolchain that produced it.
#include <string>

namespace actbench::cli {

struct BuildInfo {
  std::string version;           // the CMake project version
  std::string git_commit;        // HEAD when built, "-dirty" if the tree differed; "unknown" outside git
  std::string build_type;        // Release, Debug, ...
  std::string compiler;          // "GNU 12.2.0"
  std::string google_benchmark;  // the version CMake found
};

const BuildInfo& build_info();

}  // namespace actbench::cli
