// Seeded inputs: the same seed gives the same values, whether drawn again or handed out from the
// draws make_inputs keeps, and a caller that changes its copy changes nothing for the next one.
#include <gtest/gtest.h>

#include <vector>

#include "harness/inputs.hpp"

namespace actbench {
namespace {

TEST(Inputs, ARepeatedDrawIsTheSameWhateverTheFirstCallerDidWithIt) {
  std::vector<double> first = make_inputs(InputKind::mixed, 100000, 5);
  const std::vector<double> drawn = first;
  first.assign(first.size(), 42.0);  // the case set-up rounds its copy in place
  EXPECT_EQ(make_inputs(InputKind::mixed, 100000, 5), drawn);
}

TEST(Inputs, SeedsSizesAndKindsGiveTheirOwnValues) {
  const std::vector<double> base = make_inputs(InputKind::mixed, 4096, 5);
  EXPECT_NE(make_inputs(InputKind::mixed, 4096, 6), base);
  EXPECT_NE(make_inputs(InputKind::positive, 4096, 5), base);
  const std::vector<double> longer = make_inputs(InputKind::mixed, 8192, 5);
  ASSERT_EQ(longer.size(), 8192u);
  // Blocks are seeded by their index, so a longer draw starts with the shorter one.
  EXPECT_EQ(std::vector<double>(longer.begin(), longer.begin() + 4096), base);
}

}  // namespace
}  // namespace actbench
