#include "harness/cuda/clock_probe.hpp"

#include <array>
#include <cstdint>

#include "harness/cuda/global_timer.cuh"
#include "kernels/cuda/cuda_check.hpp"
#include "kernels/cuda/device_memory.hpp"

namespace actbench::cuda {
namespace {

// %globaltimer ticks in steps of up to 1 us on some GPUs: below this interval the ratio is noise.
constexpr double kMinimumIntervalNs = 10'000;

// One thread per block and one block per SM, so that one of them lands on SM 0, the SM whose cycle
// counter both probes read (each SM has its own counter).
__global__ void record_sm0_timestamps(unsigned long long* stamps) {
  unsigned sm = 0;
  asm volatile("mov.u32 %0, %%smid;" : "=r"(sm));
  if (sm != 0) return;
  stamps[0] = global_timer_ns();
  stamps[1] = static_cast<unsigned long long>(clock64());
}

}  // namespace

ClockProbe::ClockProbe(int device) : stamps_(allocate_device(device, 4 * sizeof(unsigned long long))) {
  int sms = 0;
  AB_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  sms_ = static_cast<unsigned>(sms);
  // start() runs behind RegionTimer's gate. Under lazy module loading (CUDA's default) a kernel's
  // first launch loads it, and loading waits for the device to drain: for the gate, which waits for
  // the host, so the first sample would time out (nvbench issue 136). Taking the kernel's handle
  // here loads it first.
  cudaFuncAttributes attributes{};
  AB_CUDA_CHECK(cudaFuncGetAttributes(&attributes, record_sm0_timestamps));
}

void ClockProbe::start(cudaStream_t stream) {
  AB_CUDA_CHECK(cudaMemsetAsync(stamps_.get(), 0, 4 * sizeof(unsigned long long), stream));
  record_sm0_timestamps<<<sms_, 1, 0, stream>>>(static_cast<unsigned long long*>(stamps_.get()));
  AB_CUDA_CHECK_LAUNCH("record_sm0_timestamps");
}

void ClockProbe::stop(cudaStream_t stream) {
  record_sm0_timestamps<<<sms_, 1, 0, stream>>>(static_cast<unsigned long long*>(stamps_.get()) + 2);
  AB_CUDA_CHECK_LAUNCH("record_sm0_timestamps");
}

double ClockProbe::mhz() const {
  std::array<unsigned long long, 4> s{};
  AB_CUDA_CHECK(cudaMemcpy(s.data(), stamps_.get(), sizeof s, cudaMemcpyDeviceToHost));
  if (s[0] == 0 || s[2] == 0) return 0;
  const double ns = static_cast<double>(s[2] - s[0]);
  if (ns < kMinimumIntervalNs) return 0;
  return static_cast<double>(s[3] - s[1]) / ns * 1e3;  // cycles per ns = GHz
}

}  // namespace actbench::cuda
