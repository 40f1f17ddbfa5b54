#pragma once
// What the sweep needs to know about this machine before anything runs: the CPU and its caches, and
// the GPUs that are visible (or why none is).
#include <string>
#include <vector>

#include "harness/environment.hpp"
#include "harness/gpu_timing.hpp"

namespace actbench::cli {

struct Machine {
  CpuInfo cpu;
  std::vector<GpuInfo> gpus;
  std::string no_gpu_reason;  // set when gpus is empty
};

Machine probe_machine();

}  // namespace actbench::cli
