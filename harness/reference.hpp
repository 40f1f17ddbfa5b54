#pragma once
// The float64 reference of a case: the same functors evaluated in double on the exact values the
// kernel received.
#include <cstdint>
#include <span>
#include <vector>

#include "harness/host_values.hpp"
#include "kernels/case.hpp"

namespace actbench {

struct ReferenceInputs {
  std::span<const double> x;      // forward input, or the saved input for backward
  std::span<const double> dy;     // backward only (2n for crelu)
  std::span<const double> slope;  // prelu only
  std::span<const double> bias;   // forward bias cases only
};

struct ReferenceOutputs {
  HostValues<double> out;              // y (n or 2n) or dx (n)
  std::vector<double> bias_grad;       // C, when the case writes it
  std::vector<double> bias_grad_abs;   // C: sum of |dx| per channel, the scale of its rounding error
  std::vector<std::uint8_t> mask;      // ceil(n/8), when the forward writes it
};

ReferenceOutputs compute_reference(const Case& c, Shape shape, const ReferenceInputs& in);

// The bit mask of x > 0, bit i%8 of byte i/8, as the mask forward writes and its backward reads.
std::vector<std::uint8_t> relu_mask(std::span<const double> x);

// The zero statistics of a rows x channels output, counted directly: per channel how many values are
// exactly zero (+0 or -0), then their total (channels + 1 counts, as a zero_stats case writes them).
std::vector<ZeroCount> zero_counts(std::span<const double> y, std::int64_t channels);

}  // namespace actbench
