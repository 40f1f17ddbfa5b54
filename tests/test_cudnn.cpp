// What the cuDNN families ("cudnn": legacy activation API, "cudnn_graph": graph API pointwise
// operations) register. Their results are checked against the float64 reference by
// test_registered_cases, where a case whose Prepare throws (cuDNN rejects a dtype, or finds no engine
// for a shape) is skipped with cuDNN's own reason, as the benchmark reports it.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "kernels/activations.hpp"
#include "kernels/registry.hpp"

namespace actbench {
namespace {

#if defined(ACTBENCH_WITH_CUDA)
bool is_cudnn(const Case& c) { return c.implementation == "cudnn" || c.implementation == "cudnn_graph"; }

// What each API can express is fixed by cuDNN's headers, not by the machine: checked without a GPU.
TEST(Cudnn, RegistersWhatEachApiExpresses) {
  const std::set<std::string> legacy = {"relu", "relu6", "elu", "silu", "sigmoid", "tanh"};
  std::set<std::string> graph = legacy;
  graph.insert({"leaky_relu", "gelu", "gelu_tanh"});
  int activations = 0;
  for_each_type(AllActivations{}, [&](auto*) { ++activations; });
  int legacy_cases = 0, graph_cases = 0;
  for (const Case& c : registry().cases()) {
    if (!is_cudnn(c)) continue;
    const bool is_legacy = c.implementation == "cudnn";
    ++(is_legacy ? legacy_cases : graph_cases);
    EXPECT_EQ(c.device, Device::cuda) << c.id();
    if (c.runnable()) {
      EXPECT_EQ((is_legacy ? legacy : graph).count(c.activation), 1u) << c.id();
    } else {
      EXPECT_FALSE(c.unsupported.empty()) << c.id();
    }
    if (c.direction == Direction::forward) {
      EXPECT_EQ(c.runnable(), (is_legacy ? legacy : graph).count(c.activation) == 1) << c.id();
    }
  }
  const int full = activations * 4 /* dtypes */ * 2 /* directions */;
  EXPECT_EQ(legacy_cases, full);
  EXPECT_EQ(graph_cases, full);
}
#endif

}  // namespace
}  // namespace actbench
