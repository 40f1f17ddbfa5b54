#pragma once
// Seeded input distributions. None is all zeros: a benchmark must never time on zeros.
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "harness/host_values.hpp"
#include "kernels/dtype.hpp"

namespace actbench {

enum class InputKind {
  mixed,     // standard normal (the default)
  positive,  // |standard normal|
  negative,  // -|standard normal|
  dead90,    // 90% negative: a mostly dead layer
  special,   // standard normal with about 1% NaN, +-Inf, +-0.0, denormals and huge values
  wide,      // uniform on [-12, 12]: every saturation branch (used by the tests)
  every16,   // every f16 value, then every bf16 value (all 2^16 bit patterns of each), repeated
};

inline constexpr InputKind kAllInputKinds[] = {InputKind::mixed, InputKind::positive, InputKind::negative,
                                               InputKind::dead90, InputKind::special, InputKind::wide,
                                               InputKind::every16};
std::string_view name_of(InputKind k);
std::optional<InputKind> parse_input_kind(std::string_view name);

// n values of the distribution, reproducible from the seed.
HostValues<double> make_inputs(InputKind kind, std::int64_t n, std::uint64_t seed);

// Rounds each value to the nearest of `dtype`: what a kernel of that dtype reads, in float64.
void round_to_dtype(HostValues<double>& values, DType dtype);

// make_inputs' values rounded to `dtype`, shared read-only. The implementations of one comparison
// are set up one after another on the same inputs (and so are the activations of one size and
// dtype), so the most recent are kept, up to an eighth of the physical memory (at least 1 GiB).
// Drawn again or copied for each point, six 256M-element f32 points ran in 82 s on two Zen 4 cores
// instead of 49.
std::shared_ptr<const HostValues<double>> shared_inputs(InputKind kind, std::int64_t n, std::uint64_t seed,
                                                        DType dtype);

}  // namespace actbench
