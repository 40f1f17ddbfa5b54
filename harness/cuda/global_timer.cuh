#pragma once
// The GPU's nanosecond clock (%globaltimer), the same on every SM and independent of the SM clock.

namespace actbench::cuda {

__device__ inline unsigned long long global_timer_ns() {
  unsigned long long ns = 0;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(ns));
  return ns;
}

}  // namespace actbench::cuda
