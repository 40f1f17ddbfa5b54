#pragma once
// The scalar arithmetic backend of the activation functors (see activation_functors-inl.hpp): one
// lane of C (float or double), host or device. The Highway backend offers the same names on
// vectors, so every functor is written once for both.
#include <cmath>
#include <type_traits>

#include "kernels/portability.hpp"

namespace actbench {

template <class C>
struct ScalarMath {
  using V = C;
  using Mask = bool;
  static constexpr bool kFloat = std::is_same_v<C, float>;

  AB_HD static V c(double v) { return static_cast<C>(v); }
  AB_HD static V select(Mask m, V a, V b) { return m ? a : b; }
  AB_HD static Mask lt(V a, V b) { return a < b; }
  AB_HD static Mask le(V a, V b) { return a <= b; }
  AB_HD static Mask gt(V a, V b) { return a > b; }
  AB_HD static Mask ge(V a, V b) { return a >= b; }
  AB_HD static Mask eq(V a, V b) { return a == b; }
  AB_HD static V exp(V x) {
    if constexpr (kFloat) return ::expf(x); else return ::exp(x);
  }
  // Exact everywhere; the name states the domain that the vector backend covers (ELU and SELU's).
  AB_HD static V expm1_nonpositive(V x) {
    if constexpr (kFloat) return ::expm1f(x); else return ::expm1(x);
  }
  AB_HD static V tanh(V x) {
    if constexpr (kFloat) return ::tanhf(x); else return ::tanh(x);
  }
  AB_HD static V erf(V x) {
    if constexpr (kFloat) return ::erff(x); else return ::erf(x);
  }
};

}  // namespace actbench
