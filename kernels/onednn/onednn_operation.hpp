#pragma once
// What oneDNN runs for each activation: an eltwise algorithm with its alpha and beta, the prelu
// primitive, or the precise reason oneDNN cannot express it (reported as skipped, never faked).
#include <oneapi/dnnl/dnnl.hpp>

#include "kernels/activations.hpp"

static_assert(DNNL_VERSION_MAJOR == 2, "the oneDNN family is written against oneDNN 2.x's operation descriptors");

namespace actbench::onednn {

struct Operation {
  enum class Primitive { none, eltwise, prelu };
  Primitive primitive = Primitive::none;
  dnnl::algorithm algorithm = dnnl::algorithm::undef;
  float alpha = 0;
  float beta = 0;
  const char* unsupported = nullptr;  // why, for Primitive::none

  static constexpr Operation eltwise(dnnl::algorithm algorithm, double alpha = 0, double beta = 0) {
    return {Primitive::eltwise, algorithm, static_cast<float>(alpha), static_cast<float>(beta), nullptr};
  }
  static constexpr Operation prelu() { return {Primitive::prelu}; }
  static constexpr Operation none(const char* why) { return {Primitive::none, dnnl::algorithm::undef, 0, 0, why}; }
};

inline constexpr const char* kNoF64 = "oneDNN 2.x has no f64 data type (f32, f16, bf16 and integer types only)";

// oneDNN's conventions against ours (kernels/activation_functors-inl.hpp), measured on 2.6.3's JIT
// kernels (AVX2 and AVX-512 alike), f32:
//  - Same: every derivative at exactly 0 and -0 (the x <= 0 branch: relu 0, leaky_relu its slope,
//    prelu the channel's slope, elu alpha, relu6 0; the smooth ones their true value), and relu6 at
//    exactly 6 (derivative 0). That is why relu6 is clip_v2, not clip: clip's derivative is 1 at
//    x = beta (alpha < x <= beta), clip_v2's is 0 at both kinks (alpha < x < beta).
//  - NaN is not propagated by the piecewise ones: relu(NaN) = relu6(NaN) = 0; backward at NaN gives
//    dy for relu, leaky_relu and elu, and 0 for prelu and relu6, where ours gives NaN.
//  - Infinities: gelu, gelu_tanh and silu forward give NaN at -inf (x * 0) where ours gives 0, and
//    their backward gives NaN at +-inf; gelu_tanh backward also at |x| >= ~1e13 (x^3 overflows).
//  - elu computes alpha * (exp(x) - 1), not expm1, which cancels near 0: elu(-1e-40) = 0 and the
//    relative error grows as |x| shrinks, while the absolute error stays below an ulp of 1.
// The tests' special-value inputs report the NaN and infinity rows as mismatches: real differences
// of the library, left visible rather than hidden by the validation.
inline constexpr const char* kNonFiniteDeviations =
    "oneDNN does not propagate NaN (relu(NaN) = 0, backward at NaN gives dy or 0) and gives NaN for "
    "gelu, gelu_tanh and silu at -inf";
template <class Act>
inline constexpr Operation kOperation =
    Operation::none("no oneDNN mapping is written for this activation (kernels/onednn/onednn_operation.hpp)");

template <> inline constexpr Operation kOperation<Relu> = Operation::eltwise(dnnl::algorithm::eltwise_relu);
template <> inline constexpr Operation kOperation<LeakyRelu> =
    Operation::eltwise(dnnl::algorithm::eltwise_relu, LeakyRelu::kSlope);
template <> inline constexpr Operation kOperation<Prelu> = Operation::prelu();
template <> inline constexpr Operation kOperation<Elu> = Operation::eltwise(dnnl::algorithm::eltwise_elu, Elu::kAlpha);
template <> inline constexpr Operation kOperation<Selu> = Operation::none(
    "oneDNN 2.x has no SELU algorithm (eltwise_elu lacks SELU's outer scale lambda, and a second primitive to "
    "apply it would be a different implementation)");
template <> inline constexpr Operation kOperation<Crelu> = Operation::none(
    "oneDNN has no CReLU primitive: eltwise writes one output per input, CReLU writes [relu(x), relu(-x)] "
    "along the channels");
template <> inline constexpr Operation kOperation<Relu6> =
    Operation::eltwise(dnnl::algorithm::eltwise_clip_v2, 0, Relu6::kCeiling);
template <> inline constexpr Operation kOperation<Gelu> = Operation::eltwise(dnnl::algorithm::eltwise_gelu_erf);
template <> inline constexpr Operation kOperation<GeluTanh> = Operation::eltwise(dnnl::algorithm::eltwise_gelu_tanh);
template <> inline constexpr Operation kOperation<Silu> =
    Operation::eltwise(dnnl::algorithm::eltwise_swish, Silu::kSwishBeta);
template <> inline constexpr Operation kOperation<Sigmoid> = Operation::eltwise(dnnl::algorithm::eltwise_logistic);
template <> inline constexpr Operation kOperation<Tanh> = Operation::eltwise(dnnl::algorithm::eltwise_tanh);

}  // namespace actbench::onednn
