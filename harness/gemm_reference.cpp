#include "harness/gemm_reference.hpp"

#include <algorithm>
#include <cmath>

#include "harness/reference.hpp"

namespace actbench {
namespace {

std::vector<std::int64_t> reference_rows(Shape shape) {
  const std::int64_t rows = shape.rows;
  const bool whole = rows * shape.channels * shape.depth <= kWholeLayerMacs;
  const std::int64_t count = whole ? rows : std::min(rows, kSampledRows);
  std::vector<std::int64_t> picked(static_cast<std::size_t>(count));
  for (std::int64_t j = 0; j < count; ++j) picked[j] = count == 1 ? 0 : j * (rows - 1) / (count - 1);
  return picked;
}

}  // namespace

GemmReference gemm_reference(const Case& c, Shape shape, std::span<const double> x,
                             std::span<const double> weights, std::span<const double> bias,
                             std::span<const double> slope) {
  GemmReference ref;
  ref.rows = reference_rows(shape);
  const std::size_t channels = static_cast<std::size_t>(shape.channels);
  const std::size_t depth = static_cast<std::size_t>(shape.depth);
  ref.z.resize(ref.rows.size() * channels);
  ref.magnitude.resize(ref.z.size());
  for (std::size_t j = 0; j < ref.rows.size(); ++j) {
    double* z = ref.z.data() + j * channels;
    double* magnitude = ref.magnitude.data() + j * channels;
    for (std::size_t n = 0; n < channels; ++n) {
      z[n] = bias[n];
      magnitude[n] = std::abs(bias[n]);
    }
    const double* row = x.data() + static_cast<std::size_t>(ref.rows[j]) * depth;
    for (std::size_t k = 0; k < depth; ++k) {
      const double* w = weights.data() + k * channels;
      for (std::size_t n = 0; n < channels; ++n) {
        const double product = row[k] * w[n];
        z[n] += product;
        magnitude[n] += std::abs(product);
      }
    }
  }
  // The activation of z through the elementwise reference, as the same functors define it.
  Case activation;
  activation.activation = c.activation;
  activation.signature.slope = c.signature.slope;
  ref.y = compute_reference(activation, Shape{static_cast<std::int64_t>(ref.rows.size()), shape.channels},
                            ReferenceInputs{ref.z, {}, slope, {}})
              .out;
  return ref;
}

}  // namespace actbench
