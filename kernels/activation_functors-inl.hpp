// The math of every activation, written once. Deliberately no include guard: activations.hpp
// includes it into namespace actbench (scalar host and CUDA code), and the Highway strategies include
// it into each per-ISA namespace so the functions carry that ISA's target attributes.
//
// A functor is a struct of static templates over an arithmetic backend M (ScalarMath<C> or the
// Highway one): forward(x) and derivative(x), x being the activation's input, in the compute type.
// Conventions pinned by tests/test_special_values.cpp:
//  - NaN in, NaN out, forward and derivative (relu(NaN) = NaN as PyTorch; fmax(x, 0) would give 0).
//  - The derivative at exactly 0 takes the x <= 0 branch (PyTorch's subgradient): relu, crelu and
//    relu6 give 0 there, leaky_relu its slope, prelu its channel's slope, elu alpha (=1), selu
//    lambda*alpha; the smooth ones give their true value (gelu, gelu_tanh and silu 0.5, sigmoid
//    0.25, tanh 1).
//  - relu(-0.0) = +0.0; -inf and +inf give the limits (silu/gelu(-inf) = 0, not -inf * 0 = NaN).
//  - relu6 has derivative 0 at both kinks (0 and 6), as PyTorch's hardtanh_backward.
//  - Saturation: exp overflow is harmless by construction (sigmoid(-100) = 1/(1+inf) = 0,
//    elu(-100) = expm1(-100) = -1); tanh saturates to +-1 exactly, so (1 - t*t) is exactly 0 there.

// Shared pieces of the functors below.
struct ActivationDefaults {
  static constexpr bool kTranscendental = false;  // exp/erf/tanh inside: looser tolerance
  static constexpr bool kPerChannelSlope = false;  // takes a learned slope per channel (PReLU)
  static constexpr bool kConcatNegated = false;    // writes [f(x), f(-x)] along channels (CReLU)
  static constexpr bool kMaskBackward = false;     // derivative is 0/1: backward from a 1-bit mask
};

// x * g(x) where g -> 0 faster than x grows: 0 wherever g is exactly 0, so x = -inf gives 0 not NaN.
template <class M>
AB_HD typename M::V mul_vanishing(typename M::V x, typename M::V g) {
  return M::select(M::eq(g, M::c(0)), g, x * g);
}
// lo for x <= 0, hi for x > 0, NaN for NaN: the derivative of a piecewise-linear function.
template <class M>
AB_HD typename M::V step(typename M::V x, typename M::V lo, typename M::V hi) {
  return M::select(M::gt(x, M::c(0)), hi, M::select(M::le(x, M::c(0)), lo, x));
}
template <class M>
AB_HD typename M::V logistic(typename M::V x) {
  return M::c(1) / (M::c(1) + M::exp(M::c(0) - x));
}

struct Relu : ActivationDefaults {
  static constexpr const char* kName = "relu";
  static constexpr bool kMaskBackward = true;
  template <class M>
  AB_HD static typename M::V forward(typename M::V x) {
    return M::select(M::le(x, M::c(0)), M::c(0), x);
  }
  template <class M>
  AB_HD static typename M::V derivative(typename M::V x) {
    return step<M>(x, M::c(0), M::c(1));
  }
};

struct LeakyRelu : ActivationDefaults {
  static constexpr const char* kName = "leaky_relu";
  static constexpr double kSlope = 0.01;
  template <class M>
  AB_HD static typename M::V forward(typename M::V x) {
    return M::select(M::gt(x, M::c(0)), x, x * M::c(kSlope));
  }
  template <class M>
  AB_HD static typename M::V derivative(typename M::V x) {
    return step<M>(x, M::c(kSlope), M::c(1));
  }
};

// The slope is per channel and learned; strategies pass the channel's value.
struct Prelu : ActivationDefaults {
  static constexpr const char* kName = "prelu";
  static constexpr bool kPerChannelSlope = true;
  template <class M>
  AB_HD static typename M::V forward(typename M::V x, typename M::V slope) {
    return M::select(M::gt(x, M::c(0)), x, x * slope);
  }
  template <class M>
  AB_HD static typename M::V derivative(typename M::V x, typename M::V slope) {
    return step<M>(x, slope, M::c(1));
  }
};

struct Elu : ActivationDefaults {
  static constexpr const char* kName = "elu";
  static constexpr bool kTranscendental = true;
  static constexpr double kAlpha = 1.0;
  template <class M>
  AB_HD static typename M::V forward(typename M::V x) {
    return M::select(M::gt(x, M::c(0)), x, M::c(kAlpha) * M::expm1_nonpositive(x));
  }
  template <class M>
  AB_HD static typename M::V derivative(typename M::V x) {
    return M::select(M::gt(x, M::c(0)), M::c(1), M::c(kAlpha) * M::exp(x));
  }
};

struct Selu : ActivationDefaults {
  static constexpr const char* kName = "selu";
  static constexpr bool kTranscendental = true;
  static constexpr double kAlpha = 1.6732632423543772848170429916717;
  static constexpr double kLambda = 1.0507009873554804934193349852946;
  template <class M>
  AB_HD static typename M::V forward(typename M::V x) {
    return M::c(kLambda) * M::select(M::gt(x, M::c(0)), x, M::c(kAlpha) * M::expm1_nonpositive(x));
  }
  template <class M>
  AB_HD static typename M::V derivative(typename M::V x) {
    return M::select(M::gt(x, M::c(0)), M::c(kLambda), M::c(kLambda * kAlpha) * M::exp(x));
  }
};

// CReLU(x) = [relu(x), relu(-x)] along the channel axis: the strategies apply this functor to x and
// to -x and write both halves; backward is dy_lo * relu'(x) - dy_hi * relu'(-x).
struct Crelu : Relu {
  static constexpr const char* kName = "crelu";
  static constexpr bool kConcatNegated = true;
  static constexpr bool kMaskBackward = false;
};

struct Relu6 : ActivationDefaults {
  static constexpr const char* kName = "relu6";
  static constexpr double kCeiling = 6;
  template <class M>
  AB_HD static typename M::V forward(typename M::V x) {
    return M::select(M::le(x, M::c(0)), M::c(0), M::select(M::ge(x, M::c(kCeiling)), M::c(kCeiling), x));
  }
  template <class M>
  AB_HD static typename M::V derivative(typename M::V x) {
    return step<M>(x, M::c(0), M::c(1)) * M::select(M::ge(x, M::c(kCeiling)), M::c(0), M::c(1));
  }
};

// GELU, exact form: x * Phi(x), Phi(x) = (1 + erf(x / sqrt 2)) / 2.
struct Gelu : ActivationDefaults {
  static constexpr const char* kName = "gelu";
  static constexpr bool kTranscendental = true;
  static constexpr double kInvSqrt2 = 0.70710678118654752440084436210485;
  static constexpr double kInvSqrt2Pi = 0.39894228040143267793994605993438;
  template <class M>
  AB_HD static typename M::V cdf(typename M::V x) {
    return M::c(0.5) * (M::c(1) + M::erf(x * M::c(kInvSqrt2)));
  }
  template <class M>
  AB_HD static typename M::V forward(typename M::V x) {
    return mul_vanishing<M>(x, cdf<M>(x));
  }
  template <class M>
  AB_HD static typename M::V derivative(typename M::V x) {
    const auto pdf = M::c(kInvSqrt2Pi) * M::exp(M::c(-0.5) * x * x);
    return cdf<M>(x) + mul_vanishing<M>(x, pdf);
  }
};

// GELU, tanh approximation: x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))).
struct GeluTanh : ActivationDefaults {
  static constexpr const char* kName = "gelu_tanh";
  static constexpr bool kTranscendental = true;
  static constexpr double kSqrt2OverPi = 0.79788456080286535587989211986876;
  static constexpr double kCubic = 0.044715;
  // 0.5 (1 + tanh(u)) is the logistic of 2u: one exp and one division, where tanh costs an expm1, a
  // division and its selects; and neither tail cancels (1 + tanh(u) does for u << 0, and 1 - tanh^2
  // for |u| >> 0, where 4 s (1 - s) stays accurate).
  template <class M>
  AB_HD static typename M::V half_one_plus_tanh(typename M::V x) {
    return logistic<M>(M::c(2 * kSqrt2OverPi) * (x + M::c(kCubic) * x * x * x));
  }
  template <class M>
  AB_HD static typename M::V forward(typename M::V x) {
    return mul_vanishing<M>(x, half_one_plus_tanh<M>(x));
  }
  // d/dx of x s(2u) = s + x (du/dx) (1 - tanh^2(u)) / 2, and (1 - tanh^2) / 2 = 2 s (1 - s).
  template <class M>
  AB_HD static typename M::V derivative(typename M::V x) {
    const auto s = half_one_plus_tanh<M>(x);
    const auto slope = M::c(2 * kSqrt2OverPi) * x * (M::c(1) + M::c(3 * kCubic) * x * x);
    return s + mul_vanishing<M>(slope, s * (M::c(1) - s));
  }
};

struct Silu : ActivationDefaults {
  static constexpr const char* kName = "silu";
  static constexpr double kSwishBeta = 1;  // silu is swish x * sigmoid(beta x) with beta 1, as libraries name it
  static constexpr bool kTranscendental = true;
  template <class M>
  AB_HD static typename M::V forward(typename M::V x) {
    return mul_vanishing<M>(x, logistic<M>(x));
  }
  template <class M>
  AB_HD static typename M::V derivative(typename M::V x) {
    const auto s = logistic<M>(x);
    return s + mul_vanishing<M>(x, s * (M::c(1) - s));
  }
};

struct Sigmoid : ActivationDefaults {
  static constexpr const char* kName = "sigmoid";
  static constexpr bool kTranscendental = true;
  template <class M>
  AB_HD static typename M::V forward(typename M::V x) {
    return logistic<M>(x);
  }
  template <class M>
  AB_HD static typename M::V derivative(typename M::V x) {
    const auto s = logistic<M>(x);
    return s * (M::c(1) - s);
  }
};

struct Tanh : ActivationDefaults {
  static constexpr const char* kName = "tanh";
  static constexpr bool kTranscendental = true;
  template <class M>
  AB_HD static typename M::V forward(typename M::V x) {
    return M::tanh(x);
  }
  template <class M>
  AB_HD static typename M::V derivative(typename M::V x) {
    const auto t = M::tanh(x);
    return M::c(1) - t * t;
  }
};

// Every activation the suite knows. Adding one = a functor above + its name here.
using AllActivations = TypeList<Relu, LeakyRelu, Prelu, Elu, Selu, Crelu, Relu6, Gelu, GeluTanh,
                                Silu, Sigmoid, Tanh>;

// Uniform entry points for the strategies: the slope argument is used by PReLU only.
template <class Act, class M>
AB_HD typename M::V activate(typename M::V x, typename M::V slope) {
  if constexpr (Act::kPerChannelSlope) return Act::template forward<M>(x, slope);
  else return Act::template forward<M>(x);
}
template <class Act, class M>
AB_HD typename M::V activate_grad(typename M::V x, typename M::V dy, typename M::V slope) {
  if constexpr (Act::kPerChannelSlope) return dy * Act::template derivative<M>(x, slope);
  else return dy * Act::template derivative<M>(x);
}
