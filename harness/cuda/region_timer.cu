#include "harness/cuda/region_timer.hpp"

#include <atomic>
#include <new>
#include <stdexcept>
#include <string>

#include "harness/cuda/global_timer.cuh"
#include "kernels/cuda/cuda_check.hpp"

namespace actbench::cuda {
namespace {

// A gate waits this long at most, so that a host that never releases it (a runner that waits on its
// own stream inside the region) costs a second and an error, not a hang. Enqueueing a region takes
// microseconds; even a descheduled host thread comes back within milliseconds.
constexpr unsigned long long kGateTimeoutNs = 1'000'000'000;

// One thread polls the host's flag; on timeout it records which gate gave up.
__global__ void gate(const volatile unsigned long long* open, volatile unsigned long long* timed_out,
                     unsigned long long generation) {
  const unsigned long long start = global_timer_ns();
  while (*open < generation) {
    if (global_timer_ns() - start > kGateTimeoutNs) {
      *timed_out = generation;
      return;
    }
  }
}

}  // namespace

struct RegionTimer::Flags {
  unsigned long long open = 0;       // the last gate the host released
  unsigned long long timed_out = 0;  // the last gate that stopped waiting on its own
};

RegionTimer::RegionTimer(cudaStream_t stream) : stream_(stream) {
  void* p = nullptr;
  AB_CUDA_CHECK(cudaHostAlloc(&p, sizeof(Flags), cudaHostAllocMapped | cudaHostAllocPortable));
  flags_ = new (p) Flags;
  void* device = nullptr;
  const cudaError_t mapped = cudaHostGetDevicePointer(&device, p, 0);
  if (mapped != cudaSuccess) cudaFreeHost(p);
  AB_CUDA_CHECK(mapped);
  device_flags_ = static_cast<Flags*>(device);
}

RegionTimer::~RegionTimer() {
  // After an exception inside a region, a released gate may still be about to read the flags.
  cudaStreamSynchronize(stream_);
  cudaFreeHost(flags_);
}

void RegionTimer::hold() {
  ++generation_;
  gate<<<1, 1, 0, stream_>>>(&device_flags_->open, &device_flags_->timed_out, generation_);
  AB_CUDA_CHECK_LAUNCH("gate");
}

void RegionTimer::release() {
  std::atomic_ref<unsigned long long>(flags_->open).store(generation_, std::memory_order_release);
}

void RegionTimer::record_start() { AB_CUDA_CHECK(cudaEventRecord(start_.get(), stream_)); }

void RegionTimer::record_stop() { AB_CUDA_CHECK(cudaEventRecord(stop_.get(), stream_)); }

double RegionTimer::elapsed() {
  AB_CUDA_CHECK(cudaEventSynchronize(stop_.get()));
  float ms = 0;
  AB_CUDA_CHECK(cudaEventElapsedTime(&ms, start_.get(), stop_.get()));
  return ms * 1e-3;
}

void RegionTimer::check_gate() const {
  if (std::atomic_ref<unsigned long long>(flags_->timed_out).load(std::memory_order_acquire) == generation_) {
    throw std::runtime_error("the GPU waited " + std::to_string(kGateTimeoutNs / 1'000'000) +
                             " ms for the host to enqueue a timed region (a runner that waits on its own stream, "
                             "a kernel loaded for the first time inside the region, or a stalled host), so its "
                             "time would include the host's launch latency");
  }
}

}  // namespace actbench::cuda
