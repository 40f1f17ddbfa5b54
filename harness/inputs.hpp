#pragma once
// Seeded input distributions. None is all zeros: a benchmark must never time on zeros.
#include <cstdint>
#include <optional>
#include <string_view>

#include "harness/host_values.hpp"

namespace actbench {

enum class InputKind {
  mixed,     // standard normal (the default)
  positive,  // |standard normal|
  negative,  // -|standard normal|
  dead90,    // 90% negative: a mostly dead layer
  special,   // standard normal with about 1% NaN, +-Inf, +-0.0, denormals and huge values
  wide,      // uniform on [-12, 12]: every saturation branch (used by the tests)
};

inline constexpr InputKind kAllInputKinds[] = {InputKind::mixed, InputKind::positive, InputKind::negative,
                                               InputKind::dead90, InputKind::special, InputKind::wide};
std::string_view name_of(InputKind k);
std::optional<InputKind> parse_input_kind(std::string_view name);

// n values of the distribution, reproducible from the seed. The most recent draws (up to 1 GiB) are
// kept and copied when asked for again.
HostValues<double> make_inputs(InputKind kind, std::int64_t n, std::uint64_t seed);

}  // namespace actbench
