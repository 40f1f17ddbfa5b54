#include "bench/build_info.hpp"

#include "git_commit.hpp"  // generated at build time: bench/cmake/write_git_commit.cmake

namespace actbench::cli {

// The values come from bench/CMakeLists.txt, as compile definitions of this file only and the
// generated commit header, so a new commit recompiles one small file.
const BuildInfo& build_info() {
  static const BuildInfo info{ACTBENCH_VERSION, ACTBENCH_GIT_COMMIT, ACTBENCH_BUILD_TYPE, ACTBENCH_COMPILER,
                              ACTBENCH_GOOGLE_BENCHMARK_VERSION};
  return info;
}

}  // namespace actbench::cli
