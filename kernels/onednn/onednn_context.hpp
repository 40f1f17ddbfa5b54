#pragma once
// What every oneDNN case shares: one CPU engine and one in-order stream, created on first use, and
// the bound on oneDNN's worker threads.
#include <oneapi/dnnl/dnnl.hpp>

namespace actbench::onednn {

dnnl::engine& cpu_engine();
dnnl::stream& cpu_stream();

// Debian's oneDNN runs on OpenMP (DNNL_CPU_RUNTIME == DNNL_RUNTIME_OMP; libdnnl.so.2 links libgomp)
// and sizes every parallel region from omp_get_max_threads() of the calling thread: there is no
// per-call thread argument and the threadpool interop exists only in threadpool-runtime builds. So
// a case bounds oneDNN by setting the calling thread's OpenMP thread count for the scope of primitive
// creation (some primitives size per-thread scratchpads then, and cache primitives per thread count)
// and of every execution, and restores the caller's own count afterwards.
class ThreadLimit {
 public:
  explicit ThreadLimit(int threads);
  ~ThreadLimit();
  ThreadLimit(const ThreadLimit&) = delete;
  ThreadLimit& operator=(const ThreadLimit&) = delete;

 private:
  int previous_;
};

}  // namespace actbench::onednn
