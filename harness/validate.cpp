#include "harness/validate.hpp"

#include <cmath>
#include <limits>

#include "kernels/activation_lookup.hpp"

namespace actbench {

// rel: one rounding on store costs half an ulp of the storage dtype; we allow a whole ulp (eps_s)
// because f16/bf16 results are rounded twice (libm/SIMD math in f32, then to 16 bits). On top comes
// the compute type's own error: a few operations for piecewise-linear functions (2 eps_c), and up to
// 64 eps_c where exp/expm1/erf/tanh and their compositions are involved (SIMD and GPU libraries
// guarantee 1-4 ulp per call; sigmoid, silu and the gelus chain two or three calls and a division,
// benchdnn allows ~4e-5 relative for such f32 functions, 64 eps_c = 7.6e-6). Backward multiplies by dy:
// one more eps_c.
// abs: near zero a relative bound is meaningless (gelu(-4) is 1 + erf(-2.8) with cancellation): allow
// the compute error at unit scale, plus the storage dtype's smallest denormal step.
Tolerance tolerance_for(const Case& c, Shape) {
  const double eps_s = epsilon_of(c.dtype);
  const double eps_c = c.dtype == DType::f64 ? epsilon_of(DType::f64) : epsilon_of(DType::f32);
  bool transcendental = false;
  with_activation(c.activation, [&](auto* tag) {
    transcendental = std::remove_pointer_t<decltype(tag)>::kTranscendental;
  });
  double compute = (transcendental ? 64.0 : 2.0) * eps_c;
  if (c.direction == Direction::backward) compute += eps_c;
  const double smallest_step = c.dtype == DType::f16 ? 5.9604644775390625e-08  // 2^-24
                               : c.dtype == DType::f64 ? 4.9406564584124654e-324
                                                       : 1.4012984643248171e-45;  // f32 and bf16
  // unfused_bias stores z = x + b in the storage type between its passes: |dz| <= eps_s/2 |z| moves f
  // by |f'(z) z| eps_s/2, and |f'(z) z| <= 1.76 (|f(z)| + 1) for every activation here (selu's
  // lambda*alpha bounds f'). Exact for f32/f64, where the compute type rounds z the same way anyway.
  double intermediate = 0;
  if (c.implementation == "unfused_bias" && c.direction == Direction::forward && eps_s > eps_c) {
    intermediate = eps_s / 2 * 1.76;
  }
  return Tolerance{compute + smallest_step + intermediate, eps_s + compute + intermediate};
}

namespace {

// The magnitude from which a value rounds to infinity when stored as `dtype`: the halfway point past
// its largest finite value (infinity for f64, whose reference is the value itself).
double overflow_threshold(DType dtype) {
  switch (dtype) {
    case DType::f16: return std::ldexp(2 - std::ldexp(1.0, -11), 15);  // 65520
    case DType::bf16: return std::ldexp(2 - std::ldexp(1.0, -8), 127);
    case DType::f32: return std::ldexp(2 - std::ldexp(1.0, -24), 127);
    case DType::f64: return std::numeric_limits<double>::infinity();
  }
  return std::numeric_limits<double>::infinity();
}

}  // namespace

double as_stored_range(double reference, DType dtype) {
  if (std::isnan(reference) || std::abs(reference) < overflow_threshold(dtype)) return reference;
  return std::copysign(std::numeric_limits<double>::infinity(), reference);
}

// A sum of depth products, in any order and with or without FMA, errs by at most (depth + 1) u times
// the sum of the terms' magnitudes (u = eps_c / 2, the accumulator's unit roundoff: f32 for f32, f16
// and bf16, whose products oneDNN and cuBLASLt sum in f32); depth * eps_c bounds it. An unfused layer
// also stores x W in the dtype before its activation pass reads it back: half an ulp of |x W|, which
// the magnitude bounds. The activation's slope carries the error into y: at most 1.76 for every
// activation here (selu's lambda * alpha).
double gemm_rounding_allowance(const Case& c, Shape shape, double magnitude) {
  const double eps_s = epsilon_of(c.dtype);
  const double eps_c = c.dtype == DType::f64 ? epsilon_of(DType::f64) : epsilon_of(DType::f32);
  double relative = static_cast<double>(shape.depth) * eps_c;
  if (c.implementation == "unfused_gemm" && eps_s > eps_c) relative += eps_s / 2;
  return 1.76 * relative * magnitude;
}

}  // namespace actbench
