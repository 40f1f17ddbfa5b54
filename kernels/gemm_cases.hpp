#pragma once
// What every GEMM family (Signature::gemm) shares: the signature of a layer case, and the cases no
// GEMM epilogue can express.
#include "kernels/elementwise.hpp"

namespace actbench {

// A layer's inputs are a whole row of x against a whole column of W, so non-finite inputs spread
// along rows, and the accumulator and the output are rounded in the dtype: an f16 row of large inputs
// overflows where the float64 reference stays finite. The special inputs test the elementwise cases;
// a layer is held to the reference on finite inputs.
inline constexpr const char* kGemmDeviations =
    "a GEMM sums whole rows of x against columns of W in the dtype's accumulator: NaN and infinities "
    "spread along rows and large f16 rows overflow, where the float64 reference does not";

// Sets the layer signature (y = f(x W + b)); false, with the reason set, when the case cannot be a
// layer: the backward of a layer is a different product (dx = dy W^T), and CReLU doubles its width.
template <class Act>
bool gemm_case(Case& c) {
  c.signature.gemm = true;
  c.signature.bias = true;
  if (c.direction == Direction::backward) {
    c.unsupported =
        "a GEMM epilogue applies the activation to the forward product; the backward layer is other GEMMs "
        "(dx = dy' W^T, dW = x^T dy')";
    return false;
  }
  if constexpr (Act::kConcatNegated) {
    c.unsupported = "CReLU doubles the layer's width: a GEMM epilogue writes one output per accumulator";
    return false;
  }
  return true;
}

}  // namespace actbench
