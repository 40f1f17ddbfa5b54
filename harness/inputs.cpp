#include "harness/inputs.hpp"

#include <cmath>
#include <limits>
#include <random>

namespace actbench {

std::string_view name_of(InputKind k) {
  switch (k) {
    case InputKind::mixed: return "mixed";
    case InputKind::positive: return "positive";
    case InputKind::negative: return "negative";
    case InputKind::dead90: return "dead90";
    case InputKind::special: return "special";
    case InputKind::wide: return "wide";
  }
  return "mixed";
}

std::optional<InputKind> parse_input_kind(std::string_view name) {
  for (InputKind k : kAllInputKinds) {
    if (name_of(k) == name) return k;
  }
  return std::nullopt;
}

std::vector<double> make_inputs(InputKind kind, std::int64_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> v(static_cast<std::size_t>(n));
  // The values a kernel must get right beyond the smooth middle: NaN, both infinities, both zeros,
  // f32/f16 denormals, and magnitudes where exp overflows.
  constexpr double kSpecials[] = {std::numeric_limits<double>::quiet_NaN(),
                                  std::numeric_limits<double>::infinity(),
                                  -std::numeric_limits<double>::infinity(),
                                  0.0, -0.0, 1e-40, -1e-40, 3e-8, -3e-8, 1e5, -1e5, 100.0, -100.0};
  for (double& x : v) {
    switch (kind) {
      case InputKind::mixed: x = normal(rng); break;
      case InputKind::positive: x = std::abs(normal(rng)) + 1e-3; break;
      case InputKind::negative: x = -std::abs(normal(rng)) - 1e-3; break;
      case InputKind::dead90: x = unit(rng) < 0.9 ? -std::abs(normal(rng)) - 1e-3 : std::abs(normal(rng)) + 1e-3; break;
      case InputKind::special:
        x = unit(rng) < 0.01 ? kSpecials[static_cast<std::size_t>(unit(rng) * std::size(kSpecials)) % std::size(kSpecials)]
                             : normal(rng);
        break;
      case InputKind::wide: x = unit(rng) * 24.0 - 12.0; break;
    }
  }
  return v;
}

}  // namespace actbench
