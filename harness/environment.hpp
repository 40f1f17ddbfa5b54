#pragma once
// What the host CPU is: identity, parallelism and cache hierarchy, read from /proc and /sys so that
// results name the machine they came from and the sweep can size its tensors against the caches.
#include <cstddef>
#include <string>
#include <vector>

namespace actbench {

struct CacheLevel {
  int level = 0;
  std::string type;  // "Data", "Instruction" or "Unified", as the kernel names them
  std::size_t size_bytes = 0;
};

struct CpuInfo {
  std::string model;
  int cores = 0;    // physical cores
  int threads = 0;  // logical CPUs this process may run on (its affinity mask)
  std::vector<CacheLevel> caches;  // of CPU 0, ordered by level

  // The level-1 data cache, and the largest data or unified cache (the last level); 0 when unknown.
  std::size_t l1_data_bytes() const;
  std::size_t last_level_bytes() const;
};

// Never throws: a field the system does not expose stays empty or zero.
CpuInfo probe_cpu();

}  // namespace actbench
