#pragma once
// One element of a case, in scalar code: the body that the naive strategies (CPU loop, one CUDA
// thread per element) and the tails of the vectorised ones share.
#include <cstdint>

#include "kernels/activations.hpp"
#include "kernels/case.hpp"

namespace actbench {

// Operands with their element type.
template <class T>
struct Typed {
  const T* x;
  const T* dy;
  T* out;
  const T* slope;
  const T* bias;
  std::int64_t rows;
  std::int64_t channels;

  explicit Typed(const Operands& op)
      : x(static_cast<const T*>(op.x)), dy(static_cast<const T*>(op.dy)), out(static_cast<T*>(op.out)),
        slope(static_cast<const T*>(op.slope)), bias(static_cast<const T*>(op.bias)),
        rows(op.shape.rows), channels(op.shape.channels) {}
  AB_HD std::int64_t elements() const { return rows * channels; }
};

// Forward of element i = (row r, channel c). CReLU writes f(x) at [r, c] and f(-x) at [r, C + c] of
// its 2C-channel output.
template <class Act, class T>
AB_HD void forward_element(const Typed<T>& t, std::int64_t i) {
  using Tr = DTypeTraits<T>;
  using M = ScalarMath<typename Tr::Compute>;
  const std::int64_t c = i % t.channels;
  typename M::V x = Tr::load(t.x[i]);
  if (t.bias) x = x + Tr::load(t.bias[c]);
  const typename M::V slope = Act::kPerChannelSlope ? Tr::load(t.slope[c]) : M::c(0);
  if constexpr (Act::kConcatNegated) {
    const std::int64_t base = (i - c) * 2 + c;
    t.out[base] = Tr::store(activate<Act, M>(x, slope));
    t.out[base + t.channels] = Tr::store(activate<Act, M>(M::c(0) - x, slope));
  } else {
    t.out[i] = Tr::store(activate<Act, M>(x, slope));
  }
}

// dx of element i, in the compute type (the bias-gradient strategies sum it before storing).
template <class Act, class T>
AB_HD typename DTypeTraits<T>::Compute backward_value(const Typed<T>& t, std::int64_t i) {
  using Tr = DTypeTraits<T>;
  using M = ScalarMath<typename Tr::Compute>;
  const std::int64_t c = i % t.channels;
  const typename M::V x = Tr::load(t.x[i]);
  const typename M::V slope = Act::kPerChannelSlope ? Tr::load(t.slope[c]) : M::c(0);
  if constexpr (Act::kConcatNegated) {
    const std::int64_t base = (i - c) * 2 + c;
    return activate_grad<Act, M>(x, Tr::load(t.dy[base]), slope) -
           activate_grad<Act, M>(M::c(0) - x, Tr::load(t.dy[base + t.channels]), slope);
  } else {
    return activate_grad<Act, M>(x, Tr::load(t.dy[i]), slope);
  }
}

template <class Act, class T>
AB_HD void backward_element(const Typed<T>& t, std::int64_t i) {
  t.out[i] = DTypeTraits<T>::store(backward_value<Act, T>(t, i));
}

// The signature every strategy shares for an activation; strategies add their own flags.
template <class Act>
constexpr Signature activation_signature() {
  Signature s;
  s.out_factor = Act::kConcatNegated ? 2 : 1;
  s.slope = Act::kPerChannelSlope;
  return s;
}

}  // namespace actbench
