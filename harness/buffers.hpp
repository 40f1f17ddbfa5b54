#pragma once
// Memory on the case's device: 64-byte aligned host memory, or cudaMalloc'd device memory.
#include <cstddef>
#include <memory>
#include <string>

#include "kernels/case.hpp"

namespace actbench {

class Buffer {
 public:
  Buffer() = default;
  // Throws std::runtime_error naming the size and device when the allocation fails.
  Buffer(Device device, int device_index, std::size_t bytes);
  void* data() const { return data_.get(); }
  std::size_t bytes() const { return bytes_; }
  Device device() const { return device_; }
  void upload(const void* host, std::size_t bytes);
  void download(void* host, std::size_t bytes) const;
  // Makes this buffer's bytes equal to `from`'s, as far as both reach (same device).
  void copy_from(const Buffer& from);
  // Sets every byte to `value` (all ones is NaN in every floating-point dtype, and -1 in any integer).
  void fill_bytes(unsigned char value);

 private:
  struct Free {
    Device device;
    void operator()(void* p) const;
  };
  std::unique_ptr<void, Free> data_{nullptr, Free{Device::cpu}};
  std::size_t bytes_ = 0;
  Device device_ = Device::cpu;
  int device_index_ = 0;
};

// GPU availability, answered by the CUDA runtime (or "built without CUDA").
int gpu_count();
std::string gpu_unavailable_reason();
// Waits for the case's work: a no-op on the CPU, cudaStreamSynchronize on the GPU.
void synchronize(Device device, const ExecContext& ctx);
// Free device memory in bytes (host: available physical memory).
std::size_t free_memory(Device device, int device_index);

}  // namespace actbench
