// The roofline's copies, non-temporal and cached: every byte arrives, whatever the alignment and
// length (head and tail bytes go through memcpy, whole lines through vector stores), and nothing
// beyond is touched.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/cpu/stream_copy.hpp"

namespace actbench {
namespace {

using Copy = void (*)(void*, const void*, std::size_t);
class RooflineCopy : public ::testing::TestWithParam<Copy> {};

TEST_P(RooflineCopy, CopiesEveryByteAtEveryAlignmentAndLength) {
  constexpr std::size_t kGuard = 64;
  std::vector<std::uint8_t> from(1024), to(1024 + 2 * kGuard);
  for (std::size_t i = 0; i < from.size(); ++i) from[i] = static_cast<std::uint8_t>(i * 7 + 1);
  for (std::size_t shift : {0, 1, 17, 63}) {
    for (std::size_t length : {0, 1, 63, 64, 65, 200, 1000 - 63}) {
      std::fill(to.begin(), to.end(), std::uint8_t{0xee});
      GetParam()(to.data() + kGuard + shift, from.data() + 3, length);
      for (std::size_t i = 0; i < to.size(); ++i) {
        const bool inside = i >= kGuard + shift && i < kGuard + shift + length;
        const std::uint8_t expected = inside ? from[i - kGuard - shift + 3] : std::uint8_t{0xee};
        ASSERT_EQ(to[i], expected) << "shift " << shift << " length " << length << " byte " << i;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(StreamAndVector, RooflineCopy, ::testing::Values(&stream_copy, &vector_copy));

}  // namespace
}  // namespace actbench
