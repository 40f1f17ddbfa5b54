// The in-place restore's copy: whatever the split between threads (one worker for a small tensor,
// several for a large one, more threads than elements), every element arrives and nothing beyond is
// touched.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "kernels/cpu/pass_split_copy.hpp"

namespace actbench {
namespace {

TEST(PassSplitCopy, CopiesEveryElementForEverySplit) {
  constexpr std::size_t kGuard = 8;
  for (const char* activation : {"relu", "sigmoid"}) {
    for (std::size_t element_bytes : {2, 4, 8}) {
      for (std::int64_t elements : {0, 1, 1000, 4096 + 3, 100 * 1024 + 5}) {
        for (int threads : {1, 2, 7}) {
          const std::size_t bytes = static_cast<std::size_t>(elements) * element_bytes;
          std::vector<std::uint8_t> from(bytes), to(bytes + 2 * kGuard, 0xee);
          for (std::size_t i = 0; i < bytes; ++i) from[i] = static_cast<std::uint8_t>(i * 13 + 5);
          pass_split_copy(activation, threads, to.data() + kGuard, from.data(), elements, element_bytes);
          for (std::size_t i = 0; i < to.size(); ++i) {
            const bool inside = i >= kGuard && i < kGuard + bytes;
            ASSERT_EQ(to[i], inside ? from[i - kGuard] : std::uint8_t{0xee})
                << activation << " elements " << elements << " x " << element_bytes << " bytes, " << threads
                << " threads, byte " << i;
          }
        }
      }
    }
  }
}

TEST(PassSplitCopy, RejectsAnUnknownActivation) {
  std::vector<float> from(4), to(4);
  EXPECT_THROW(pass_split_copy("no_such_activation", 2, to.data(), from.data(), 4, sizeof(float)),
               std::invalid_argument);
}

}  // namespace
}  // namespace actbench
