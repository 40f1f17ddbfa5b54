// The GPU timing of a build without CUDA: no GPUs to find, and nothing else can be asked of it.
#include <stdexcept>

#include "harness/gpu_timing.hpp"

namespace actbench {
namespace {

[[noreturn]] void built_without_cuda() { throw std::runtime_error("built without CUDA"); }

}  // namespace

std::vector<GpuInfo> probe_gpus() { return {}; }

double measure_d2d_copy_gbps(int, std::size_t) { built_without_cuda(); }

GpuStream::GpuStream(int) { built_without_cuda(); }
GpuStream::~GpuStream() = default;

struct GpuSampler::Impl {};

GpuSampler::GpuSampler(Runner, const ExecContext&, bool, std::function<void()>) : impl_(nullptr) {
  built_without_cuda();
}
GpuSampler::~GpuSampler() = default;
GpuSample GpuSampler::sample() { built_without_cuda(); }
double GpuSampler::launch_overhead_seconds() { built_without_cuda(); }

}  // namespace actbench
