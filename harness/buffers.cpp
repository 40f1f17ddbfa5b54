#include "harness/buffers.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>

#if defined(ACTBENCH_WITH_CUDA)
#include <cuda_runtime.h>
#endif

#include "harness/parallel_setup.hpp"

namespace actbench {
namespace {

constexpr std::size_t kHostAlignment = 64;  // a cache line, and an AVX-512 vector

// A host copy or fill of a large tensor is split between the set-up threads in contiguous shares:
// the first write to fresh pages costs a page fault and the kernel's clearing of the page, and one
// thread doing all of it was a second of a 64M-element point's set-up on two Zen 4 cores.
template <class Part>
void split_bytes(std::size_t bytes, const Part& part) {
  constexpr std::size_t kChunk = std::size_t{1} << 20;
  const auto chunks = static_cast<std::int64_t>((bytes + kChunk - 1) / kChunk);
  const bool parallel = bytes >= static_cast<std::size_t>(kParallelSetupFrom) * sizeof(float);
#pragma omp parallel for schedule(static) if (parallel)
  for (std::int64_t k = 0; k < chunks; ++k) {
    const std::size_t begin = static_cast<std::size_t>(k) * kChunk;
    part(begin, std::min(kChunk, bytes - begin));
  }
}

void copy_host(void* to, const void* from, std::size_t bytes) {
  split_bytes(bytes, [&](std::size_t begin, std::size_t count) {
    std::memcpy(static_cast<char*>(to) + begin, static_cast<const char*>(from) + begin, count);
  });
}

#if defined(ACTBENCH_WITH_CUDA)
void check_cuda(cudaError_t status, const char* what) {
  if (status != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(status));
}
#endif

#if !defined(ACTBENCH_WITH_CUDA)
[[noreturn]] void no_cuda() { throw std::runtime_error("actbench was built without CUDA"); }
#endif

}  // namespace

Buffer::Buffer(Device device, int device_index, std::size_t bytes)
    : data_(nullptr, Free{device}), bytes_(bytes), device_(device), device_index_(device_index) {
  const std::size_t padded = (bytes + kHostAlignment - 1) / kHostAlignment * kHostAlignment + kHostAlignment;
  void* p = nullptr;
  if (device == Device::cpu) {
    p = std::aligned_alloc(kHostAlignment, padded);
    if (!p) throw std::runtime_error("cannot allocate " + std::to_string(bytes) + " bytes of host memory");
  } else {
#if defined(ACTBENCH_WITH_CUDA)
    check_cuda(cudaSetDevice(device_index), "cudaSetDevice");
    const cudaError_t status = cudaMalloc(&p, padded);
    if (status != cudaSuccess) {
      cudaGetLastError();  // clear the sticky-free allocation error so later calls are not affected
      throw std::runtime_error("cannot allocate " + std::to_string(bytes) + " bytes on cuda:" +
                               std::to_string(device_index) + ": " + cudaGetErrorString(status));
    }
#else
    no_cuda();
#endif
  }
  data_.reset(p);
}

void Buffer::Free::operator()(void* p) const {
  if (!p) return;
  if (device == Device::cpu) {
    std::free(p);
  } else {
#if defined(ACTBENCH_WITH_CUDA)
    cudaFree(p);  // a destructor cannot throw; a failing free means the context is already gone
#endif
  }
}

void Buffer::upload(const void* host, std::size_t bytes) {
  if (bytes > bytes_) throw std::logic_error("Buffer::upload past the end");
  if (device_ == Device::cpu) {
    copy_host(data(), host, bytes);
    return;
  }
#if defined(ACTBENCH_WITH_CUDA)
  check_cuda(cudaSetDevice(device_index_), "cudaSetDevice");
  check_cuda(cudaMemcpy(data(), host, bytes, cudaMemcpyHostToDevice), "cudaMemcpy host to device");
#else
  no_cuda();
#endif
}

void Buffer::download(void* host, std::size_t bytes) const {
  if (bytes > bytes_) throw std::logic_error("Buffer::download past the end");
  if (device_ == Device::cpu) {
    copy_host(host, data(), bytes);
    return;
  }
#if defined(ACTBENCH_WITH_CUDA)
  check_cuda(cudaSetDevice(device_index_), "cudaSetDevice");
  check_cuda(cudaMemcpy(host, data(), bytes, cudaMemcpyDeviceToHost), "cudaMemcpy device to host");
#else
  no_cuda();
#endif
}

void Buffer::copy_from(const Buffer& from) {
  const std::size_t bytes = from.bytes_ < bytes_ ? from.bytes_ : bytes_;
  if (device_ == Device::cpu) {
    copy_host(data(), from.data(), bytes);
    return;
  }
#if defined(ACTBENCH_WITH_CUDA)
  check_cuda(cudaSetDevice(device_index_), "cudaSetDevice");
  check_cuda(cudaMemcpy(data(), from.data(), bytes, cudaMemcpyDeviceToDevice), "cudaMemcpy device to device");
#else
  no_cuda();
#endif
}

void Buffer::fill_bytes(unsigned char value) {
  if (device_ == Device::cpu) {
    split_bytes(bytes_, [&](std::size_t begin, std::size_t count) {
      std::memset(static_cast<char*>(data()) + begin, value, count);
    });
    return;
  }
#if defined(ACTBENCH_WITH_CUDA)
  // On the legacy default stream, which orders it before the case's next launch on its own stream.
  check_cuda(cudaSetDevice(device_index_), "cudaSetDevice");
  check_cuda(cudaMemset(data(), value, bytes_), "cudaMemset");
#else
  no_cuda();
#endif
}

int gpu_count() {
#if defined(ACTBENCH_WITH_CUDA)
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return n;
#else
  return 0;
#endif
}

std::string gpu_unavailable_reason() {
#if defined(ACTBENCH_WITH_CUDA)
  int n = 0;
  const cudaError_t status = cudaGetDeviceCount(&n);
  if (status != cudaSuccess) {
    cudaGetLastError();
    return std::string("no usable CUDA device: ") + cudaGetErrorString(status);
  }
  return n == 0 ? "no CUDA device present" : "";
#else
  return "actbench was built without CUDA (ACTBENCH_CUDA=OFF)";
#endif
}

void synchronize(Device device, const ExecContext& ctx) {
  if (device == Device::cpu) return;
#if defined(ACTBENCH_WITH_CUDA)
  check_cuda(cudaSetDevice(ctx.device_index), "cudaSetDevice");
  check_cuda(cudaStreamSynchronize(static_cast<cudaStream_t>(ctx.stream)), "cudaStreamSynchronize");
  check_cuda(cudaGetLastError(), "kernel execution");
#else
  (void)ctx;
  no_cuda();
#endif
}

std::size_t free_memory(Device device, int device_index) {
  if (device == Device::cpu) {
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    std::size_t kib = 0;
    std::string unit;
    while (meminfo >> key >> kib >> unit) {
      if (key == "MemAvailable:") return kib * 1024;
    }
    return 0;
  }
#if defined(ACTBENCH_WITH_CUDA)
  check_cuda(cudaSetDevice(device_index), "cudaSetDevice");
  std::size_t free_bytes = 0, total = 0;
  check_cuda(cudaMemGetInfo(&free_bytes, &total), "cudaMemGetInfo");
  return free_bytes;
#else
  (void)device_index;
  return 0;
#endif
}

}  // namespace actbench
