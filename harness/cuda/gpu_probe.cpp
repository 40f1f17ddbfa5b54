// What each GPU is (probe_gpus) and how fast it copies (measure_d2d_copy_gbps): the identity and the
// roofline recorded next to every GPU result.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "harness/cuda/nvml.hpp"
#include "harness/cuda/region_timer.hpp"
#include "harness/gpu_timing.hpp"
#include "kernels/cuda/cuda_check.hpp"
#include "kernels/cuda/device_memory.hpp"

namespace actbench {
namespace {

// CUDA encodes versions as 1000 * major + 10 * minor.
std::string cuda_version_text(int v) { return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10); }

int attribute(cudaDeviceAttr what, int device) {
  int value = 0;
  AB_CUDA_CHECK(cudaDeviceGetAttribute(&value, what, device));
  return value;
}

}  // namespace

std::vector<GpuInfo> probe_gpus() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // no driver or no device: a CPU-only machine has no GPUs, not an error
    return {};
  }
  int driver = 0;
  int runtime = 0;
  AB_CUDA_CHECK(cudaDriverGetVersion(&driver));
  AB_CUDA_CHECK(cudaRuntimeGetVersion(&runtime));
  const auto nvml_driver = nvml::driver_version();
  const std::string driver_text = nvml_driver ? *nvml_driver + " (CUDA " + cuda_version_text(driver) + ")"
                                              : "CUDA " + cuda_version_text(driver);

  std::vector<GpuInfo> gpus;
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp p{};
    AB_CUDA_CHECK(cudaGetDeviceProperties(&p, i));
    GpuInfo g;
    g.index = i;
    g.name = p.name;
    g.compute_capability_major = p.major;
    g.compute_capability_minor = p.minor;
    g.sm_count = p.multiProcessorCount;
    g.memory_bytes = p.totalGlobalMem;
    g.l2_bytes = static_cast<std::size_t>(p.l2CacheSize);
    // CUDA 13 dropped clockRate and memoryClockRate from cudaDeviceProp; the attributes remain (kHz).
    const double memory_khz = attribute(cudaDevAttrMemoryClockRate, i);
    g.max_sm_clock_mhz = attribute(cudaDevAttrClockRate, i) / 1000;
    g.max_memory_clock_mhz = static_cast<int>(memory_khz / 1000);
    // Double data rate: two transfers per clock over a bus of p.memoryBusWidth bits.
    g.theoretical_bandwidth_gbps = 2.0 * memory_khz * 1e3 * (p.memoryBusWidth / 8.0) / 1e9;
    g.driver_version = driver_text;
    g.runtime_version = cuda_version_text(runtime);
    gpus.push_back(std::move(g));
  }
  return gpus;
}

double measure_d2d_copy_gbps(int device_index, std::size_t bytes) {
  constexpr int kRepeats = 11;
  constexpr std::size_t kL2Multiple = 8;  // so the copy streams from DRAM, not from L2
  AB_CUDA_CHECK(cudaSetDevice(device_index));
  int l2 = 0;
  AB_CUDA_CHECK(cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, device_index));
  bytes = std::max(bytes, kL2Multiple * static_cast<std::size_t>(l2));

  const auto src = cuda::allocate_device(device_index, bytes);
  const auto dst = cuda::allocate_device(device_index, bytes);
  const GpuStream stream(device_index);
  const auto s = static_cast<cudaStream_t>(stream.get());
  AB_CUDA_CHECK(cudaMemsetAsync(src.get(), 0x5a, bytes, s));  // never copy untouched or zero pages
  const auto copy = [&] { AB_CUDA_CHECK(cudaMemcpyAsync(dst.get(), src.get(), bytes, cudaMemcpyDeviceToDevice, s)); };
  copy();  // warm-up

  cuda::RegionTimer timer(s);
  std::array<double, kRepeats> seconds{};
  for (double& t : seconds) t = timer.seconds(copy);
  std::nth_element(seconds.begin(), seconds.begin() + kRepeats / 2, seconds.end());
  return 2.0 * static_cast<double>(bytes) / seconds[kRepeats / 2] / 1e9;  // read + write
}

}  // namespace actbench
