// The registry's shape: what must be registered, and that every registered case is tested.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "case_names.hpp"
#include "kernels/activations.hpp"
#include "kernels/registry.hpp"

namespace actbench {
namespace {

TEST(Registry, EveryCpuStrategyCoversEveryActivationDtypeAndDirection) {
  std::map<std::string, int> per_implementation;
  for (const Case& c : registry().cases()) {
    if (c.device == Device::cpu) ++per_implementation[c.implementation];
  }
  int activations = 0;
  for_each_type(AllActivations{}, [&](auto*) { ++activations; });
  const int full = activations * 4 /* dtypes */ * 2 /* directions */;
  for (const char* impl :
       {"naive", "vectorised", "inplace", "fused_bias", "unfused_bias", "fused_stats", "unfused_stats", "onednn",
        "fused_gemm", "unfused_gemm"}) {
    EXPECT_EQ(per_implementation[impl], full) << impl;
  }
  EXPECT_EQ(per_implementation["mask"], 4 * 2) << "relu only, every dtype, both directions";
}

// The statistics describe a forward output: their backward cases are registered as unsupported, with why.
TEST(Registry, ZeroStatisticsAreForwardOnly) {
  for (const Case& c : registry().cases()) {
    if (c.implementation != "fused_stats" && c.implementation != "unfused_stats") continue;
    if (c.direction == Direction::forward) {
      EXPECT_TRUE(c.runnable()) << c.id();
      EXPECT_TRUE(c.signature.zero_stats) << c.id();
    } else {
      EXPECT_FALSE(c.runnable()) << c.id();
      EXPECT_FALSE(c.unsupported.empty()) << c.id();
      EXPECT_FALSE(c.signature.zero_stats) << c.id();
    }
  }
}

// A GEMM case is a forward layer, y = f(x W + b): its backward and CReLU (twice as wide) say why not.
TEST(Registry, GemmCasesAreForwardLayers) {
  int runnable = 0;
  for (const Case& c : registry().cases()) {
    if (c.implementation.find("gemm") == std::string::npos) {
      EXPECT_FALSE(c.signature.gemm) << c.id();
      continue;
    }
    EXPECT_TRUE(c.signature.gemm && c.signature.bias) << c.id();
    if (c.direction == Direction::backward || c.activation == "crelu") {
      EXPECT_FALSE(c.runnable()) << c.id();
      EXPECT_FALSE(c.unsupported.empty()) << c.id();
    }
    runnable += c.runnable();
  }
  EXPECT_GT(runnable, 0);
  const Case* relu = registry().find("relu/forward/fused_gemm/cpu/f32");
  ASSERT_NE(relu, nullptr);
  EXPECT_TRUE(relu->runnable());
}

TEST(Registry, CaseIdsAreUnique) {
  std::set<std::string> ids;
  for (const Case& c : registry().cases()) EXPECT_TRUE(ids.insert(c.id()).second) << c.id();
}

TEST(Registry, UnsupportedCasesSayWhy) {
  for (const Case& c : registry().cases()) {
    if (!c.runnable()) {
      EXPECT_FALSE(c.unsupported.empty()) << c.id();
    }
  }
}

// Fails when a case is registered that no parameterised suite instantiates.
TEST(Registry, EveryRegisteredCaseHasATest) {
  std::set<std::string> tested;
  const auto* unit = ::testing::UnitTest::GetInstance();
  for (int s = 0; s < unit->total_test_suite_count(); ++s) {
    const auto* suite = unit->GetTestSuite(s);
    for (int t = 0; t < suite->total_test_count(); ++t) {
      const std::string name = suite->GetTestInfo(t)->name();
      tested.insert(name.substr(name.find('/') + 1));  // "MatchesFloat64Reference/<case>" -> "<case>"
    }
  }
  for (const Case& c : registry().cases()) {
    EXPECT_TRUE(tested.count(testing::test_name(c))) << "no test for " << c.id();
  }
}

}  // namespace
}  // namespace actbench
