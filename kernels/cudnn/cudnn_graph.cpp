// The "cudnn_graph" family: cuDNN's graph (backend) API with a single pointwise operation per graph.
// It is how cuDNN expresses what the legacy API lacks (GELU both ways, leaky ReLU) and how it fuses
// activations into larger graphs; on its own it runs on whichever engine cuDNN's heuristics offer.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels/cuda/launch.hpp"
#include "kernels/cudnn/backend_descriptor.hpp"
#include "kernels/cudnn/cudnn_check.hpp"
#include "kernels/cudnn/cudnn_context.hpp"
#include "kernels/cudnn/cudnn_families.hpp"
#include "kernels/register_family.hpp"

namespace actbench::cudnn {
namespace {

// A cuDNN pointwise activation: its forward and backward modes and the attributes our activation
// sets (the others keep cuDNN's defaults: lower clip 0, no upper clip, slope 0).
struct PointwiseActivation {
  cudnnPointwiseMode_t forward;
  cudnnPointwiseMode_t backward;
  std::optional<double> relu_lower_clip_slope = std::nullopt;
  std::optional<double> relu_upper_clip = std::nullopt;
  std::optional<double> elu_alpha = std::nullopt;
  std::optional<double> swish_beta = std::nullopt;
};

template <class Act>
constexpr std::optional<PointwiseActivation> pointwise_activation() {
  using A = PointwiseActivation;
  if constexpr (std::is_same_v<Act, Relu>) {
    return A{.forward = CUDNN_POINTWISE_RELU_FWD, .backward = CUDNN_POINTWISE_RELU_BWD};
  } else if constexpr (std::is_same_v<Act, LeakyRelu>) {
    return A{.forward = CUDNN_POINTWISE_RELU_FWD, .backward = CUDNN_POINTWISE_RELU_BWD,
             .relu_lower_clip_slope = LeakyRelu::kSlope};
  } else if constexpr (std::is_same_v<Act, Relu6>) {
    return A{.forward = CUDNN_POINTWISE_RELU_FWD, .backward = CUDNN_POINTWISE_RELU_BWD,
             .relu_upper_clip = Relu6::kCeiling};
  } else if constexpr (std::is_same_v<Act, Elu>) {
    return A{.forward = CUDNN_POINTWISE_ELU_FWD, .backward = CUDNN_POINTWISE_ELU_BWD, .elu_alpha = Elu::kAlpha};
  } else if constexpr (std::is_same_v<Act, Gelu>) {
    return A{.forward = CUDNN_POINTWISE_GELU_FWD, .backward = CUDNN_POINTWISE_GELU_BWD};
  } else if constexpr (std::is_same_v<Act, GeluTanh>) {
    return A{.forward = CUDNN_POINTWISE_GELU_APPROX_TANH_FWD, .backward = CUDNN_POINTWISE_GELU_APPROX_TANH_BWD};
  } else if constexpr (std::is_same_v<Act, Silu>) {
    return A{.forward = CUDNN_POINTWISE_SWISH_FWD, .backward = CUDNN_POINTWISE_SWISH_BWD,
             .swish_beta = Silu::kSwishBeta};
  } else if constexpr (std::is_same_v<Act, Sigmoid>) {
    return A{.forward = CUDNN_POINTWISE_SIGMOID_FWD, .backward = CUDNN_POINTWISE_SIGMOID_BWD};
  } else if constexpr (std::is_same_v<Act, Tanh>) {
    return A{.forward = CUDNN_POINTWISE_TANH_FWD, .backward = CUDNN_POINTWISE_TANH_BWD};
  } else {
    return std::nullopt;
  }
}

// One tensor of the graph: the operation port it feeds, its unique id and its memory. The variant
// pack takes void* for inputs as well as outputs.
struct Binding {
  cudnnBackendAttributeName_t port;
  std::int64_t uid;
  void* data;
};

// Forward reads x, writes y; the backward modes read dy and the forward input x, write dx.
std::vector<Binding> bindings(Direction direction, const Operands& op) {
  if (direction == Direction::forward) {
    return {{CUDNN_ATTR_OPERATION_POINTWISE_XDESC, 1, const_cast<void*>(op.x)},
            {CUDNN_ATTR_OPERATION_POINTWISE_YDESC, 2, op.out}};
  }
  return {{CUDNN_ATTR_OPERATION_POINTWISE_DYDESC, 1, const_cast<void*>(op.dy)},
          {CUDNN_ATTR_OPERATION_POINTWISE_XDESC, 2, const_cast<void*>(op.x)},
          {CUDNN_ATTR_OPERATION_POINTWISE_DXDESC, 3, op.out}};
}

// The largest power of two up to 16 bytes that every tensor's address is a multiple of.
std::int64_t common_alignment(const std::vector<Binding>& tensors) {
  constexpr std::uintptr_t kMaxAlignment = 16;
  std::uintptr_t bits = kMaxAlignment;
  for (const Binding& b : tensors) bits |= reinterpret_cast<std::uintptr_t>(b.data);
  return static_cast<std::int64_t>(bits & (~bits + 1));
}

// rows x channels as N x C x 1 x 1 with channels-last (NHWC) strides: the layout cuDNN's pointwise
// engines support, and with H = W = 1 exactly the suite's row-major rows x channels.
BackendDescriptor tensor(const Binding& b, DType dtype, Shape shape, std::int64_t alignment) {
  BackendDescriptor t(CUDNN_BACKEND_TENSOR_DESCRIPTOR);
  const cudnnDataType_t type = data_type(dtype);
  const std::int64_t dims[] = {shape.rows, shape.channels, 1, 1};
  const std::int64_t strides[] = {shape.channels, 1, shape.channels, shape.channels};
  t.set(CUDNN_ATTR_TENSOR_DATA_TYPE, CUDNN_TYPE_DATA_TYPE, 1, &type);
  t.set(CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT64, 4, dims);
  t.set(CUDNN_ATTR_TENSOR_STRIDES, CUDNN_TYPE_INT64, 4, strides);
  t.set(CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_TYPE_INT64, 1, &b.uid);
  t.set(CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT, CUDNN_TYPE_INT64, 1, &alignment);
  t.finalize();
  return t;
}

std::vector<BackendDescriptor> tensors(const std::vector<Binding>& bindings, DType dtype, Shape shape) {
  const std::int64_t alignment = common_alignment(bindings);
  std::vector<BackendDescriptor> result;
  for (const Binding& b : bindings) result.push_back(tensor(b, dtype, shape, alignment));
  return result;
}

BackendDescriptor pointwise(const PointwiseActivation& act, Direction direction, DType dtype) {
  BackendDescriptor pw(CUDNN_BACKEND_POINTWISE_DESCRIPTOR);
  const cudnnPointwiseMode_t mode = direction == Direction::forward ? act.forward : act.backward;
  const cudnnDataType_t precision = compute_type(dtype);
  pw.set(CUDNN_ATTR_POINTWISE_MODE, CUDNN_TYPE_POINTWISE_MODE, 1, &mode);
  pw.set(CUDNN_ATTR_POINTWISE_MATH_PREC, CUDNN_TYPE_DATA_TYPE, 1, &precision);
  if (mode == CUDNN_POINTWISE_RELU_FWD || mode == CUDNN_POINTWISE_RELU_BWD) {
    // relu(NaN) = NaN, as the legacy family asks with CUDNN_PROPAGATE_NAN; the attribute defaults to
    // not propagating. cuDNN 9 marks it deprecated but still takes it (checked on 9.19's host-side
    // finalize; a wrong attribute type is refused); whether its engines still honour it is unmeasured.
    const cudnnNanPropagation_t propagate = CUDNN_PROPAGATE_NAN;
    pw.set(CUDNN_ATTR_POINTWISE_NAN_PROPAGATION, CUDNN_TYPE_NAN_PROPOGATION, 1, &propagate);
  }
  const auto set_double = [&pw](cudnnBackendAttributeName_t name, const std::optional<double>& value) {
    if (value) pw.set(name, CUDNN_TYPE_DOUBLE, 1, &*value);
  };
  set_double(CUDNN_ATTR_POINTWISE_RELU_LOWER_CLIP_SLOPE, act.relu_lower_clip_slope);
  set_double(CUDNN_ATTR_POINTWISE_RELU_UPPER_CLIP, act.relu_upper_clip);
  set_double(CUDNN_ATTR_POINTWISE_ELU_ALPHA, act.elu_alpha);
  set_double(CUDNN_ATTR_POINTWISE_SWISH_BETA, act.swish_beta);
  pw.finalize();
  return pw;
}

BackendDescriptor operation(const BackendDescriptor& pw, const std::vector<Binding>& bindings,
                            const std::vector<BackendDescriptor>& tensors) {
  BackendDescriptor op(CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR);
  op.set(CUDNN_ATTR_OPERATION_POINTWISE_PW_DESCRIPTOR, pw);
  for (std::size_t i = 0; i < bindings.size(); ++i) op.set(bindings[i].port, tensors[i]);
  op.finalize();
  return op;
}

BackendDescriptor operation_graph(cudnnHandle_t handle, const BackendDescriptor& op) {
  BackendDescriptor graph(CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR);
  graph.set(CUDNN_ATTR_OPERATIONGRAPH_OPS, op);
  graph.set(CUDNN_ATTR_OPERATIONGRAPH_HANDLE, CUDNN_TYPE_HANDLE, 1, &handle);
  graph.finalize();
  return graph;
}

struct Plan {
  BackendDescriptor engine_config;
  BackendDescriptor plan;
  std::string engine;  // "engine 5 (heuristics A)": which of cuDNN's engines runs it
};

// The global index of the config's engine, for the results; "?" where cuDNN does not say, which must
// not stop a plan that runs.
std::string engine_index(const BackendDescriptor& config) {
  try {
    const std::vector<BackendDescriptor> engine =
        config.get_descriptors(CUDNN_ATTR_ENGINECFG_ENGINE, CUDNN_BACKEND_ENGINE_DESCRIPTOR);
    if (!engine.empty()) return std::to_string(engine.front().get_int64(CUDNN_ATTR_ENGINE_GLOBAL_INDEX));
  } catch (const std::runtime_error&) {
  }
  return "?";
}

// The first engine configuration that finalizes, in the order of heuristic mode A, then FALLBACK
// (which is where cuDNN lists its generic memory-bound engines). None: the combination is skipped
// with cuDNN's reason for each mode.
Plan execution_plan(cudnnHandle_t handle, const BackendDescriptor& graph) {
  std::string refusals;
  for (const auto& [mode, mode_name] : {std::pair{CUDNN_HEUR_MODE_A, "heuristics A"},
                                        std::pair{CUDNN_HEUR_MODE_FALLBACK, "heuristics FALLBACK"}}) {
    if (!refusals.empty()) refusals += "; ";
    refusals += mode_name;
    BackendDescriptor heuristics(CUDNN_BACKEND_ENGINEHEUR_DESCRIPTOR);
    heuristics.set(CUDNN_ATTR_ENGINEHEUR_OPERATION_GRAPH, graph);
    heuristics.set(CUDNN_ATTR_ENGINEHEUR_MODE, CUDNN_TYPE_HEUR_MODE, 1, &mode);
    if (const cudnnStatus_t status = heuristics.try_finalize(); status != CUDNN_STATUS_SUCCESS) {
      refusals += ": " + status_message(status);
      continue;
    }
    std::vector<BackendDescriptor> configs =
        heuristics.get_descriptors(CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_BACKEND_ENGINECFG_DESCRIPTOR);
    refusals += ": " + std::to_string(configs.size()) + " engine configs";
    // Heuristics that finalize with no config (a dtype no engine takes) leave their reason behind.
    if (configs.empty()) {
      if (const std::string why = last_error_detail(); !why.empty()) refusals += " (" + why + ")";
    }
    for (BackendDescriptor& config : configs) {
      BackendDescriptor plan(CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR);
      plan.set(CUDNN_ATTR_EXECUTION_PLAN_HANDLE, CUDNN_TYPE_HANDLE, 1, &handle);
      plan.set(CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG, config);
      const cudnnStatus_t status = plan.try_finalize();
      if (status == CUDNN_STATUS_SUCCESS) {
        std::string engine = "engine " + engine_index(config) + " (" + mode_name + ")";
        return Plan{std::move(config), std::move(plan), std::move(engine)};
      }
      refusals += ", refused with " + status_message(status);
    }
  }
  throw std::runtime_error("no cuDNN engine runs this pointwise graph (" + refusals + ")");
}

BackendDescriptor variant_pack(const std::vector<Binding>& bindings, void* workspace) {
  std::vector<std::int64_t> uids;
  std::vector<void*> data;
  for (const Binding& b : bindings) {
    uids.push_back(b.uid);
    data.push_back(b.data);
  }
  const auto count = static_cast<std::int64_t>(bindings.size());
  BackendDescriptor pack(CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR);
  pack.set(CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, CUDNN_TYPE_INT64, count, uids.data());
  pack.set(CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_TYPE_VOID_PTR, count, data.data());
  pack.set(CUDNN_ATTR_VARIANT_PACK_WORKSPACE, CUDNN_TYPE_VOID_PTR, 1, &workspace);
  pack.finalize();
  return pack;
}

// One prepared case: graph, plan, workspace and variant pack are built here, once per case and
// shape; the timed work is cudnnBackendExecute alone. Every descriptor the plan was built from lives
// as long as the plan, as cuDNN does not promise that finalized descriptors copy what they reference.
class GraphRun {
 public:
  GraphRun(const PointwiseActivation& act, DType dtype, Direction direction, const Operands& op,
           const ExecContext& ctx)
      : handle_(handle_for(ctx)),
        bindings_(bindings(direction, op)),
        tensors_(tensors(bindings_, dtype, op.shape)),
        pointwise_(pointwise(act, direction, dtype)),
        operation_(operation(pointwise_, bindings_, tensors_)),
        graph_(operation_graph(handle_.handle, operation_)),
        plan_(execution_plan(handle_.handle, graph_)),
        workspace_(allocate_device(
            static_cast<std::size_t>(plan_.plan.get_int64(CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE)))),
        variant_pack_(variant_pack(bindings_, workspace_.get())) {
    if (ctx.library_kernel) *ctx.library_kernel = plan_.engine;
  }

  void operator()() const {
    AB_CUDNN_CHECK(cudnnBackendExecute(handle_.bound(), plan_.plan.get(), variant_pack_.get()));
  }

 private:
  StreamHandle handle_;
  std::vector<Binding> bindings_;
  std::vector<BackendDescriptor> tensors_;
  BackendDescriptor pointwise_;
  BackendDescriptor operation_;
  BackendDescriptor graph_;
  Plan plan_;
  DeviceMemory workspace_;
  BackendDescriptor variant_pack_;
};

}  // namespace

void register_graph(Registry& r) {
  register_family<AllActivations>(r, "cudnn_graph", Device::cuda, []<class Act, class T>(Case& c) {
    constexpr std::optional<PointwiseActivation> act = pointwise_activation<Act>();
    if constexpr (act.has_value()) {
      c.deviations = "cuDNN pointwise modes are not held to the NaN/Inf conventions (not measured on special inputs)";
      c.prepare = [a = *act, d = c.direction, dtype = c.dtype](const Operands& op, const ExecContext& ctx) -> Runner {
        auto run = std::make_shared<const GraphRun>(a, dtype, d, op, ctx);
        return cuda::after_trial_run([run] { (*run)(); }, ctx);
      };
    } else {
      c.unsupported = std::string("cuDNN's pointwise activation modes (relu with clips and lower slope, elu, gelu, "
                                  "gelu_approx_tanh, sigmoid, swish, tanh, softplus) cannot express ") +
                      Act::kName;
    }
  });
}

}  // namespace actbench::cudnn
