#pragma once
// Host vectors for a point's inputs, reference and downloaded outputs, whose elements are left
// uninitialised until the parallel loop that fills them. A std::vector zero-fills its elements in
// one thread, and that first touch of fresh pages (the kernel clears each one) was most of a large
// point's set-up: a 64M-element f32 point spent 7.5 s outside its kernel on two Zen 4 cores, half of
// it in page faults under std::vector's memset. Filled by the loop, each thread touches its own share.
#include <cstddef>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace actbench {

template <class T>
struct NoInitAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = NoInitAllocator<U>;
  };
  NoInitAllocator() = default;
  template <class U>
  NoInitAllocator(const NoInitAllocator<U>&) noexcept {}

  // Value-initialisation (what vector(n) and resize(n) ask for) becomes default-initialisation.
  template <class U>
  void construct(U* p) noexcept(noexcept(::new(static_cast<void*>(p)) U)) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

template <class T>
using HostValues = std::vector<T, NoInitAllocator<T>>;

}  // namespace actbench
