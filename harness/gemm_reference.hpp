#pragma once
// The float64 reference of a GEMM case, y = f(x W + b). A layer of up to kWholeLayerMacs
// multiply-adds (tens of milliseconds in double) is computed whole. A larger one (a 4096^3 layer
// would take minutes on two cores) on kSampledRows rows spread evenly from the first to the last,
// every column of each: a wrong index, a missing bias or a skipped tile shows in any row.
#include <cstdint>
#include <span>
#include <vector>

#include "harness/host_values.hpp"
#include "kernels/case.hpp"

namespace actbench {

inline constexpr std::int64_t kWholeLayerMacs = std::int64_t{1} << 26;
inline constexpr std::int64_t kSampledRows = 32;

struct GemmReference {
  std::vector<std::int64_t> rows;  // the rows of y it covers, ascending
  std::vector<double> z;           // rows.size() x channels: x W + b, before the activation
  HostValues<double> y;            // f(z)
  std::vector<double> magnitude;   // sum over k of |x w|, plus |b|: the scale of the product's rounding
};

// x: rows x depth, weights: depth x channels, bias and slope (prelu): channels; the values the kernel read.
GemmReference gemm_reference(const Case& c, Shape shape, std::span<const double> x,
                             std::span<const double> weights, std::span<const double> bias,
                             std::span<const double> slope);

}  // namespace actbench
