// The documented semantics of every activation (kernels/activation_functors-inl.hpp), pinned at the
// points where implementations usually differ: NaN, +-Inf, -0.0, denormals, the kinks and exactly 0,
// and |x| where exp overflows. Checked on the scalar backend in f64 and f32 (the reference and the
// naive/CUDA math); every other implementation is held to the same values by test_registered_cases
// running InputKind::special against the f64 reference.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "kernels/activation_lookup.hpp"

namespace actbench {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kSlope = 0.2;  // the PReLU channel slope used below

struct Point {
  const char* activation;
  double x;
  double forward;
  double derivative;
};

// relu-family derivatives take the x <= 0 branch at 0 (PyTorch's subgradient).
constexpr double kSeluLambda = 1.0507009873554804934193349852946;
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
const Point kPoints[] = {
    {"relu", 0.0, 0.0, 0.0},         {"relu", -0.0, 0.0, 0.0},        {"relu", 2.5, 2.5, 1.0},
    {"relu", -2.5, 0.0, 0.0},        {"relu", kInf, kInf, 1.0},       {"relu", -kInf, 0.0, 0.0},
    {"relu", 1e-310, 1e-310, 1.0},   {"relu", -1e-310, 0.0, 0.0},
    {"leaky_relu", 0.0, 0.0, 0.01},  {"leaky_relu", -2.0, -0.02, 0.01}, {"leaky_relu", -kInf, -kInf, 0.01},
    {"leaky_relu", kInf, kInf, 1.0},
    {"prelu", 0.0, 0.0, kSlope},     {"prelu", -2.0, -2.0 * kSlope, kSlope}, {"prelu", 3.0, 3.0, 1.0},
    {"elu", 0.0, 0.0, 1.0},          {"elu", -kInf, -1.0, 0.0},       {"elu", kInf, kInf, 1.0},
    {"elu", -800.0, -1.0, 0.0},      {"elu", 1.5, 1.5, 1.0},
    {"selu", 0.0, 0.0, kSeluLambda * kSeluAlpha}, {"selu", -kInf, -kSeluLambda * kSeluAlpha, 0.0},
    {"selu", 1.0, kSeluLambda, kSeluLambda},
    {"crelu", 0.0, 0.0, 0.0},        {"crelu", 1.0, 1.0, 1.0},        {"crelu", -kInf, 0.0, 0.0},
    {"relu6", 0.0, 0.0, 0.0},        {"relu6", 6.0, 6.0, 0.0},        {"relu6", 3.0, 3.0, 1.0},
    {"relu6", 7.0, 6.0, 0.0},        {"relu6", kInf, 6.0, 0.0},       {"relu6", -kInf, 0.0, 0.0},
    {"gelu", 0.0, 0.0, 0.5},         {"gelu", kInf, kInf, 1.0},       {"gelu", -kInf, 0.0, 0.0},
    {"gelu", -40.0, 0.0, 0.0},
    {"gelu_tanh", 0.0, 0.0, 0.5},    {"gelu_tanh", kInf, kInf, 1.0},  {"gelu_tanh", -kInf, 0.0, 0.0},
    {"silu", 0.0, 0.0, 0.5},         {"silu", kInf, kInf, 1.0},       {"silu", -kInf, 0.0, 0.0},
    {"sigmoid", 0.0, 0.5, 0.25},     {"sigmoid", kInf, 1.0, 0.0},     {"sigmoid", -kInf, 0.0, 0.0},
    {"sigmoid", -1000.0, 0.0, 0.0},
    {"tanh", 0.0, 0.0, 1.0},         {"tanh", kInf, 1.0, 0.0},        {"tanh", -kInf, -1.0, 0.0},
    {"tanh", 30.0, 1.0, 0.0},
};

template <class C>
void expect_point(const Point& p) {
  using M = ScalarMath<C>;
  const C x = static_cast<C>(p.x);
  C y = 0, d = 0;
  ASSERT_TRUE(with_activation(p.activation, [&](auto* tag) {
    using Act = std::remove_pointer_t<decltype(tag)>;
    y = activate<Act, M>(x, M::c(kSlope));
    d = activate_grad<Act, M>(x, M::c(1), M::c(kSlope));
  }));
  const double tol = 4 * std::numeric_limits<C>::epsilon();
  const std::string where = std::string(p.activation) + "(" + std::to_string(p.x) + ")";
  if (std::isinf(p.forward)) EXPECT_EQ(y, static_cast<C>(p.forward)) << where;
  else EXPECT_NEAR(y, static_cast<C>(p.forward), tol * (1 + std::abs(p.forward))) << where;
  if (p.forward == 0 && p.x == 0) {
    EXPECT_FALSE(std::signbit(y)) << where << " must be +0";
  }
  EXPECT_NEAR(d, static_cast<C>(p.derivative), tol * (1 + std::abs(p.derivative))) << where << "'";
}

TEST(SpecialValues, DocumentedPointsInDouble) {
  for (const Point& p : kPoints) expect_point<double>(p);
}

TEST(SpecialValues, DocumentedPointsInFloat) {
  for (const Point& p : kPoints) {
    if (std::abs(p.x) > 0 && std::abs(p.x) < 1e-38) continue;  // an f64 denormal is 0 in f32
    expect_point<float>(p);
  }
}

TEST(SpecialValues, NaNPropagatesThroughForwardAndDerivative) {
  for_each_type(AllActivations{}, [](auto* tag) {
    using Act = std::remove_pointer_t<decltype(tag)>;
    using M = ScalarMath<double>;
    EXPECT_TRUE(std::isnan(activate<Act, M>(kNaN, kSlope))) << Act::kName;
    EXPECT_TRUE(std::isnan(activate_grad<Act, M>(kNaN, 1.0, kSlope))) << Act::kName << "'";
  });
}

TEST(SpecialValues, DerivativeMatchesFiniteDifferenceAwayFromKinks) {
  for_each_type(AllActivations{}, [](auto* tag) {
    using Act = std::remove_pointer_t<decltype(tag)>;
    using M = ScalarMath<double>;
    for (double x : {-3.7, -1.3, -0.4, 0.3, 1.1, 2.9, 4.5, 5.5}) {
      const double h = 1e-6;
      const double numeric = (activate<Act, M>(x + h, kSlope) - activate<Act, M>(x - h, kSlope)) / (2 * h);
      const double analytic = activate_grad<Act, M>(x, 1.0, kSlope);
      EXPECT_NEAR(analytic, numeric, 1e-7) << Act::kName << "'(" << x << ")";
    }
  });
}

}  // namespace
}  // namespace actbench
