#include "kernels/cuda/launch.hpp"

#include <stdexcept>
#include <string>

#include "kernels/cuda/cuda_check.hpp"
#include "kernels/cuda/tuning.hpp"

namespace actbench::cuda {

LaunchTarget launch_target(const ExecContext& ctx) {
  AB_CUDA_CHECK(cudaSetDevice(ctx.device_index));
  return LaunchTarget{ctx.device_index, static_cast<cudaStream_t>(ctx.stream)};
}

Runner after_trial_run(Runner run, const ExecContext& ctx) {
  const LaunchTarget target = launch_target(ctx);
  run();
  AB_CUDA_CHECK(cudaStreamSynchronize(target.stream));
  return run;
}

int resident_blocks(const void* kernel, int device, std::size_t dynamic_shared_bytes) {
  int sms = 0;
  int per_sm = 0;
  AB_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  AB_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, kBlockThreads, dynamic_shared_bytes));
  if (per_sm == 0) {
    throw std::runtime_error("a kernel does not fit on an SM of cuda:" + std::to_string(device) + " at " +
                             std::to_string(kBlockThreads) + " threads per block");
  }
  return sms * per_sm;
}

}  // namespace actbench::cuda
