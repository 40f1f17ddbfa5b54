// Seeded inputs: the same seed gives the same values, whether drawn again or handed out from the
// draws make_inputs keeps, and a caller that changes its copy changes nothing for the next one.
#include <gtest/gtest.h>

#include <cstdint>

#include "harness/inputs.hpp"
#include "harness/parallel_setup.hpp"

namespace actbench {
namespace {

// Both below and above the size from which the draw and the copy of a kept draw split between threads.
TEST(Inputs, ARepeatedDrawIsTheSameWhateverTheFirstCallerDidWithIt) {
  for (const std::int64_t n : {std::int64_t{100000}, kParallelSetupFrom + 100000}) {
    HostValues<double> first = make_inputs(InputKind::mixed, n, 5);
    const HostValues<double> drawn = first;
    first.assign(first.size(), 42.0);  // the case set-up rounds its copy in place
    EXPECT_EQ(make_inputs(InputKind::mixed, n, 5), drawn) << n << " elements";
  }
}

TEST(Inputs, SeedsSizesAndKindsGiveTheirOwnValues) {
  const HostValues<double> base = make_inputs(InputKind::mixed, 4096, 5);
  EXPECT_NE(make_inputs(InputKind::mixed, 4096, 6), base);
  EXPECT_NE(make_inputs(InputKind::positive, 4096, 5), base);
  const HostValues<double> longer = make_inputs(InputKind::mixed, 8192, 5);
  ASSERT_EQ(longer.size(), 8192u);
  // Blocks are seeded by their index, so a longer draw starts with the shorter one.
  EXPECT_EQ(HostValues<double>(longer.begin(), longer.begin() + 4096), base);
}

}  // namespace
}  // namespace actbench
