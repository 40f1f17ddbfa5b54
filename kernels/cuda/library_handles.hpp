#pragma once
// Ownership of the CUDA libraries' opaque handles (cuDNN, cuBLASLt), written once for all of them.
// Their destroy functions return a status that no destructor can report: a failure there means the
// context is already gone, and leaking is the worst outcome, so it is ignored.
#include <map>
#include <memory>
#include <type_traits>

namespace actbench::cuda {

template <auto destroy>
struct Destroyer {
  template <class Handle>
  void operator()(Handle h) const {
    static_cast<void>(destroy(h));
  }
};

// A descriptor (a pointer to an opaque struct) destroyed with `destroy` when the owner goes.
template <class Handle, auto destroy>
using Owned = std::unique_ptr<std::remove_pointer_t<Handle>, Destroyer<destroy>>;

// A library handle per device for the calling thread (hold it thread_local): a handle belongs to the
// device current at its creation and is not meant to be shared between threads that set different
// streams. get() creates it on first use with create(), which throws on failure; all are destroyed
// when the thread ends.
template <class Handle, auto destroy>
class ThreadDeviceHandles {
 public:
  ThreadDeviceHandles() = default;
  ThreadDeviceHandles(const ThreadDeviceHandles&) = delete;
  ThreadDeviceHandles& operator=(const ThreadDeviceHandles&) = delete;
  ~ThreadDeviceHandles() {
    for (auto& [device, handle] : handles_) Destroyer<destroy>{}(handle);
  }

  template <class Create>
  Handle get(int device, const Create& create) {
    auto found = handles_.find(device);
    if (found != handles_.end()) return found->second;
    return handles_.emplace(device, create()).first->second;
  }

 private:
  std::map<int, Handle> handles_;
};

}  // namespace actbench::cuda
