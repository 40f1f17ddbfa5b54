#pragma once
// How a CPU pass writes its output, and when: shared by the vectorised kernels and the copy that
// the CPU roofline times (harness/cpu_copy_bandwidth.cpp), so that both store alike at every size.
#include <cstdint>

namespace actbench {

// Through the cache, or with non-temporal stores where the output is too large for the cache to
// keep until anything reads it again (they skip the read for ownership of every output line: a
// third of the traffic of a one-input pass). Streaming falls back to cached stores wherever a run of
// the output is not aligned to the vector.
enum class Stores : bool { cached, streaming };

// Streaming stores once a pass touches more than the last-level cache holds (cache_bytes; 0:
// unknown, never): its output would be evicted before anything reads it again, so reading each line
// for ownership first is wasted. On the 2-core EPYC VM (16 MiB LLC) this rule, rather than "the
// output alone fills the LLC", took f32 relu at 3M elements (24 MiB touched) from 29-32 to 43 GB/s;
// at 2M (16 MiB) cached stores are kept, since the input then sometimes stays in the cache (46-124
// GB/s cached against 43-45 streaming).
inline Stores stores_for(std::int64_t footprint, std::int64_t cache_bytes) {
  return cache_bytes > 0 && footprint > cache_bytes ? Stores::streaming : Stores::cached;
}

}  // namespace actbench
