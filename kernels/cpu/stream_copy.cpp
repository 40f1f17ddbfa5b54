#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/cpu/stream_copy.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <algorithm>
#include <cstdint>
#include <cstring>

#include <hwy/cache_control.h>
#include <hwy/highway.h>

#include "kernels/cpu/stream_copy.hpp"

HWY_BEFORE_NAMESPACE();
namespace actbench::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
namespace {

constexpr std::size_t kLine = 64;

// Head and tail through memcpy; in between, one 64-byte line per iteration, so that each line's
// write-combining buffer fills at once (a 16-byte store per iteration was slower on a Zen 2 VM).
template <bool kStreaming>
void copy_lines(unsigned char* to, const unsigned char* from, std::size_t bytes) {
  const hn::ScalableTag<std::uint8_t> d;
  const std::size_t lanes = hn::Lanes(d);
  const std::size_t head = std::min(bytes, (kLine - reinterpret_cast<std::uintptr_t>(to) % kLine) % kLine);
  std::memcpy(to, from, head);
  std::size_t i = head;
  if (lanes <= kLine) {
    for (; i + kLine <= bytes; i += kLine) {
      for (std::size_t j = i; j < i + kLine; j += lanes) {
        if constexpr (kStreaming) {
          hn::Stream(hn::LoadU(d, from + j), d, to + j);
        } else {
          hn::Store(hn::LoadU(d, from + j), d, to + j);
        }
      }
    }
  }
  if constexpr (kStreaming) hwy::FlushStream();
  std::memcpy(to + i, from + i, bytes - i);
}

void copy_lines_streaming(unsigned char* to, const unsigned char* from, std::size_t bytes) {
  copy_lines<true>(to, from, bytes);
}
void copy_lines_cached(unsigned char* to, const unsigned char* from, std::size_t bytes) {
  copy_lines<false>(to, from, bytes);
}

}  // namespace
}  // namespace actbench::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace actbench {
HWY_EXPORT(copy_lines_streaming);
HWY_EXPORT(copy_lines_cached);

void stream_copy(void* to, const void* from, std::size_t bytes) {
  HWY_DYNAMIC_DISPATCH(copy_lines_streaming)(static_cast<unsigned char*>(to), static_cast<const unsigned char*>(from), bytes);
}

void vector_copy(void* to, const void* from, std::size_t bytes) {
  HWY_DYNAMIC_DISPATCH(copy_lines_cached)(static_cast<unsigned char*>(to), static_cast<const unsigned char*>(from), bytes);
}
}  // namespace actbench
#endif
