#include "bench/machine.hpp"

#include "harness/buffers.hpp"

namespace actbench::cli {

Machine probe_machine() {
  Machine m;
  m.cpu = probe_cpu();
  if (gpu_count() > 0) {
    m.gpus = probe_gpus();
  } else {
    m.no_gpu_reason = gpu_unavailable_reason();
  }
  return m;
}

}  // namespace actbench::cli
