#pragma once
// Comparison with the float64 reference. A value passes when |got - ref| <= abs * s + rel * |ref|,
// s = max(1, |dy|) for backward (the derivative's absolute error is scaled by dy) and 1 for forward;
// NaN must meet NaN and an infinity the same infinity; a reference past the storage dtype's range is
// the infinity it stores as.
#include <cstdint>
#include <string>

#include "kernels/case.hpp"

namespace actbench {

struct Tolerance {
  double abs = 0;
  double rel = 0;
};

// Derived from the storage dtype's epsilon (one rounding on store) plus the compute type's error for
// the function class (see harness/validate.cpp for the derivation).
Tolerance tolerance_for(const Case& c, Shape shape);

// The reference as the output must hold it: a value past the dtype's range becomes the infinity that
// rounding it on store gives (f16 selu(62368) = 65530 is stored as inf, as IEEE overflow requires).
double as_stored_range(double reference, DType dtype);

// A GEMM case's error on top of tolerance_for, at an output whose terms sum to `magnitude` (sum of
// |x w| and |b|): the product's rounding, carried through the activation.
double gemm_rounding_allowance(const Case& c, Shape shape, double magnitude);

struct ValidationResult {
  bool passed = true;
  double max_abs_error = 0;
  double max_rel_error = 0;  // over elements whose reference is nonzero
  double max_ulp = 0;        // in units of the storage dtype's last place
  // The largest error over the error allowed at its element: at most 1 when passed. Unlike the two
  // above, not inflated near a zero of the output, where the absolute tolerance governs.
  double max_tolerance_used = 0;
  Tolerance tolerance;
  std::int64_t mismatches = 0;
  std::string first_mismatch;  // "element 17: got 0.5, expected 0.25 (input 1.2)"
};

}  // namespace actbench
