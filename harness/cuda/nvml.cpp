#include "harness/cuda/nvml.hpp"

#include <dlfcn.h>

#include <array>

namespace actbench::nvml {
namespace {

// From nvml.h: nvmlReturn_t is an int-sized enum with NVML_SUCCESS = 0, nvmlDevice_t an opaque pointer,
// nvmlClockType_t NVML_CLOCK_SM = 1 and NVML_CLOCK_MEM = 2.
using Return = int;
using DeviceHandle = void*;
constexpr Return kSuccess = 0;
constexpr int kClockSm = 1;
constexpr int kClockMemory = 2;

// The library, loaded and initialised once per process; every pointer stays null if that failed.
class Library {
 public:
  static const Library& get() {
    static const Library library;
    return library;
  }
  bool loaded() const { return initialised_; }

  Return (*system_driver_version)(char*, unsigned) = nullptr;
  Return (*handle_by_pci_bus_id)(const char*, DeviceHandle*) = nullptr;
  Return (*clock_info)(DeviceHandle, int, unsigned*) = nullptr;
  Return (*power_usage)(DeviceHandle, unsigned*) = nullptr;

 private:
  Library() {
    handle_ = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!handle_) return;
    init_ = symbol<Return (*)()>("nvmlInit_v2");
    shutdown_ = symbol<Return (*)()>("nvmlShutdown");
    system_driver_version = symbol<decltype(system_driver_version)>("nvmlSystemGetDriverVersion");
    handle_by_pci_bus_id = symbol<decltype(handle_by_pci_bus_id)>("nvmlDeviceGetHandleByPciBusId_v2");
    clock_info = symbol<decltype(clock_info)>("nvmlDeviceGetClockInfo");
    power_usage = symbol<decltype(power_usage)>("nvmlDeviceGetPowerUsage");
    initialised_ = init_ && shutdown_ && system_driver_version && handle_by_pci_bus_id && clock_info &&
                   power_usage && init_() == kSuccess;
  }
  ~Library() {
    if (initialised_) shutdown_();
    if (handle_) dlclose(handle_);
  }
  template <class F>
  F symbol(const char* name) const {
    return reinterpret_cast<F>(dlsym(handle_, name));
  }

  void* handle_ = nullptr;
  bool initialised_ = false;
  Return (*init_)() = nullptr;
  Return (*shutdown_)() = nullptr;
};

}  // namespace

std::optional<std::string> driver_version() {
  const Library& nvml = Library::get();
  if (!nvml.loaded()) return std::nullopt;
  std::array<char, 96> text{};  // NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE is 80
  if (nvml.system_driver_version(text.data(), text.size()) != kSuccess) return std::nullopt;
  return std::string(text.data());
}

Gpu::Gpu(const std::string& pci_bus_id) {
  const Library& nvml = Library::get();
  DeviceHandle handle = nullptr;
  if (nvml.loaded() && nvml.handle_by_pci_bus_id(pci_bus_id.c_str(), &handle) == kSuccess) handle_ = handle;
}

Reading Gpu::read() const {
  Reading r;
  if (!handle_) return r;
  const Library& nvml = Library::get();
  unsigned value = 0;
  if (nvml.power_usage(handle_, &value) == kSuccess) r.power_watts = value / 1000.0;  // milliwatts
  if (nvml.clock_info(handle_, kClockSm, &value) == kSuccess) r.sm_clock_mhz = value;
  if (nvml.clock_info(handle_, kClockMemory, &value) == kSuccess) r.memory_clock_mhz = value;
  return r;
}

}  // namespace actbench::nvml
