// The "cudnn" family: the legacy cudnnActivationForward/Backward. cuDNN 9 deprecates this API but still
// ships it and frameworks still call it, so it is the library baseline most code actually meets.
#include <climits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "kernels/cuda/launch.hpp"
#include "kernels/cuda/library_handles.hpp"
#include "kernels/cudnn/cudnn_check.hpp"
#include "kernels/cudnn/cudnn_context.hpp"
#include "kernels/cudnn/cudnn_families.hpp"
#include "kernels/register_family.hpp"

// This file uses the deprecated API on purpose. cuDNN only marks it deprecated when built with
// CUDNN_WARN_DEPRECATED; should someone define that, the warnings are about this file's whole point.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace actbench::cudnn {
namespace {

struct LegacyMode {
  cudnnActivationMode_t mode;
  double coef = 0;  // the ceiling for CLIPPED_RELU, alpha for ELU; ignored by the other modes
};

template <class Act>
constexpr std::optional<LegacyMode> legacy_mode() {
  if constexpr (std::is_same_v<Act, Relu>) return LegacyMode{CUDNN_ACTIVATION_RELU};
  else if constexpr (std::is_same_v<Act, Relu6>) return LegacyMode{CUDNN_ACTIVATION_CLIPPED_RELU, Relu6::kCeiling};
  else if constexpr (std::is_same_v<Act, Elu>) return LegacyMode{CUDNN_ACTIVATION_ELU, Elu::kAlpha};
  else if constexpr (std::is_same_v<Act, Silu>) return LegacyMode{CUDNN_ACTIVATION_SWISH};
  else if constexpr (std::is_same_v<Act, Sigmoid>) return LegacyMode{CUDNN_ACTIVATION_SIGMOID};
  else if constexpr (std::is_same_v<Act, Tanh>) return LegacyMode{CUDNN_ACTIVATION_TANH};
  else return std::nullopt;
}

// Where the legacy API's own contract departs from the suite's dx = dy * f'(x), measured on cuDNN 9
// (H100): such cases are listed as skipped with this reason rather than failing validation.
template <class Act>
std::optional<std::string> legacy_departure(DType dtype, Direction direction) {
  if (direction == Direction::forward) return std::nullopt;
  if constexpr (std::is_same_v<Act, Relu6>) {
    return "cuDNN's CLIPPED_RELU backward passes dy through at x = 6; the suite, like PyTorch, gives 0 at the "
           "ceiling";
  }
  constexpr bool derivative_from_y = std::is_same_v<Act, Sigmoid> || std::is_same_v<Act, Tanh> ||
                                     std::is_same_v<Act, Elu>;
  if (derivative_from_y && size_of(dtype) == 2) {
    return std::string("cudnnActivationBackward derives ") + Act::kName + "'(x) from y = " + Act::kName +
           "(x) held in " + std::string(name_of(dtype)) +
           ", which loses the derivative where the function saturates (y rounds to its limit, dx comes out 0)";
  }
  return std::nullopt;
}

// cuDNN reads alpha and beta (out = alpha * op + beta * out) as double for f64 tensors, float else.
constexpr float kOneF = 1, kZeroF = 0;
constexpr double kOneD = 1, kZeroD = 0;
const void* one(DType d) { return d == DType::f64 ? static_cast<const void*>(&kOneD) : &kOneF; }
const void* zero(DType d) { return d == DType::f64 ? static_cast<const void*>(&kZeroD) : &kZeroF; }

using TensorDescriptor = cuda::Owned<cudnnTensorDescriptor_t, cudnnDestroyTensorDescriptor>;
using ActivationDescriptor = cuda::Owned<cudnnActivationDescriptor_t, cudnnDestroyActivationDescriptor>;

// rows x channels as N x C x 1 x 1: the legacy API is elementwise, any packed 4-D view will do.
TensorDescriptor tensor_descriptor(DType dtype, Shape shape) {
  if (shape.rows > INT_MAX || shape.channels > INT_MAX) {
    throw std::runtime_error("rows x channels = " + std::to_string(shape.rows) + " x " +
                             std::to_string(shape.channels) + " exceeds the legacy API's int dimensions");
  }
  cudnnTensorDescriptor_t raw = nullptr;
  AB_CUDNN_CHECK(cudnnCreateTensorDescriptor(&raw));
  TensorDescriptor desc(raw);
  AB_CUDNN_CHECK(cudnnSetTensor4dDescriptor(raw, CUDNN_TENSOR_NCHW, data_type(dtype), static_cast<int>(shape.rows),
                                            static_cast<int>(shape.channels), 1, 1));
  return desc;
}

ActivationDescriptor activation_descriptor(LegacyMode m) {
  cudnnActivationDescriptor_t raw = nullptr;
  AB_CUDNN_CHECK(cudnnCreateActivationDescriptor(&raw));
  ActivationDescriptor desc(raw);
  AB_CUDNN_CHECK(cudnnSetActivationDescriptor(raw, m.mode, CUDNN_PROPAGATE_NAN, m.coef));
  if (m.mode == CUDNN_ACTIVATION_SWISH) AB_CUDNN_CHECK(cudnnSetActivationDescriptorSwishBeta(raw, Silu::kSwishBeta));
  return desc;
}

// One prepared case. Backward needs y = f(x) besides x and dy, which the suite's backward contract
// (dx = dy * f'(x)) does not hand over: it is computed here, once, into memory this object owns.
class LegacyRun {
 public:
  LegacyRun(LegacyMode mode, DType dtype, Direction direction, const Operands& op, const ExecContext& ctx)
      : handle_(handle_for(ctx)), dtype_(dtype), direction_(direction), op_(op),
        tensor_(tensor_descriptor(dtype, op.shape)), activation_(activation_descriptor(mode)) {
    if (direction_ == Direction::backward) {
      y_ = allocate_device(static_cast<std::size_t>(op.shape.elements()) * size_of(dtype));
      forward(op_.x, y_.get());
    }
  }

  // The timed work: for backward only cudnnActivationBackward, y having been computed above.
  void operator()() const {
    if (direction_ == Direction::forward) {
      forward(op_.x, op_.out);
    } else {
      AB_CUDNN_CHECK(cudnnActivationBackward(handle_.bound(), activation_.get(), one(dtype_), tensor_.get(),
                                             y_.get(), tensor_.get(), op_.dy, tensor_.get(), op_.x, zero(dtype_),
                                             tensor_.get(), op_.out));
    }
  }

 private:
  void forward(const void* x, void* y) const {
    AB_CUDNN_CHECK(cudnnActivationForward(handle_.bound(), activation_.get(), one(dtype_), tensor_.get(), x,
                                          zero(dtype_), tensor_.get(), y));
  }

  StreamHandle handle_;
  DType dtype_;
  Direction direction_;
  Operands op_;
  TensorDescriptor tensor_;  // x, y, dy and dx share shape and dtype
  ActivationDescriptor activation_;
  DeviceMemory y_;
};

}  // namespace

void register_legacy(Registry& r) {
  register_family<AllActivations>(r, "cudnn", Device::cuda, []<class Act, class T>(Case& c) {
    constexpr std::optional<LegacyMode> mode = legacy_mode<Act>();
    if constexpr (mode.has_value()) {
      if (std::optional<std::string> departure = legacy_departure<Act>(c.dtype, c.direction)) {
        c.unsupported = std::move(*departure);
        return;
      }
      c.deviations = "cuDNN's relu backward gives 0 for a NaN input; silu(-inf) is NaN forward and backward";
      c.prepare = [m = *mode, d = c.direction, dtype = c.dtype](const Operands& op, const ExecContext& ctx) -> Runner {
        auto run = std::make_shared<const LegacyRun>(m, dtype, d, op, ctx);
        return cuda::after_trial_run([run] { (*run)(); }, ctx);  // what cuDNN rejects (bf16, say) is skipped
      };
    } else {
      c.unsupported = std::string("cudnnActivationForward/Backward have no ") + Act::kName +
                      " mode (they offer sigmoid, relu, tanh, clipped relu, elu and swish)";
    }
  });
}

}  // namespace actbench::cudnn

#pragma GCC diagnostic pop
