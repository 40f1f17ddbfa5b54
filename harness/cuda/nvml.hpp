#pragma once
// NVML, loaded at run time with dlopen("libnvidia-ml.so.1") as nvbench does: power and clocks where
// the driver provides the library, and simply nothing where it does not (containers without it, CI).
// Only the few entry points actbench reads are declared, with nvml.h's C ABI, so no NVML headers or
// link-time dependency are needed.
#include <optional>
#include <string>

namespace actbench::nvml {

struct Reading {
  std::optional<double> power_watts;
  std::optional<double> sm_clock_mhz;
  std::optional<double> memory_clock_mhz;
};

// The driver's version string ("580.65.06"), when NVML is there.
std::optional<std::string> driver_version();

// One GPU, found by its PCI bus id ("0000:3B:00.0", as cudaDeviceGetPCIBusId writes it).
class Gpu {
 public:
  explicit Gpu(const std::string& pci_bus_id);
  bool available() const { return handle_ != nullptr; }
  Reading read() const;  // each field empty when NVML cannot say

 private:
  void* handle_ = nullptr;  // nvmlDevice_t
};

}  // namespace actbench::nvml
