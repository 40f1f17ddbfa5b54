#include "kernels/onednn/onednn_context.hpp"

#include <omp.h>

#include <algorithm>

#include "kernels/onednn/onednn_error.hpp"

static_assert(DNNL_CPU_RUNTIME == DNNL_RUNTIME_OMP,
              "ThreadLimit bounds oneDNN through OpenMP; this oneDNN build uses another CPU runtime");

namespace actbench::onednn {

dnnl::engine& cpu_engine() {
  static dnnl::engine engine = checked("create the CPU engine", [] { return dnnl::engine(dnnl::engine::kind::cpu, 0); });
  return engine;
}

dnnl::stream& cpu_stream() {
  static dnnl::stream stream = checked("create the CPU stream", [] { return dnnl::stream(cpu_engine()); });
  return stream;
}

ThreadLimit::ThreadLimit(int threads) : previous_(omp_get_max_threads()) { omp_set_num_threads(std::max(threads, 1)); }

ThreadLimit::~ThreadLimit() { omp_set_num_threads(previous_); }

}  // namespace actbench::onednn
