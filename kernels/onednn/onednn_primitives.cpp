#include "kernels/onednn/onednn_primitives.hpp"

#include <oneapi/dnnl/dnnl_debug.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>

#include "kernels/onednn/onednn_context.hpp"
#include "kernels/onednn/onednn_error.hpp"
#include "kernels/onednn/onednn_version.hpp"

namespace actbench::onednn {
namespace {

using dnnl::memory;
using Args = std::unordered_map<int, memory>;

memory::data_type data_type_of(DType dtype) {
  switch (dtype) {
    case DType::f32: return memory::data_type::f32;
    case DType::f16: return memory::data_type::f16;
    case DType::bf16: return memory::data_type::bf16;
    case DType::f64: break;
  }
  throw std::invalid_argument("onednn: " + std::string(name_of(dtype)) + " has no oneDNN data type");
}

// Our buffer, seen by oneDNN without a copy. Sources are only read: the const_cast is for the API.
memory wrap(const memory::desc& md, const void* data) { return memory(md, cpu_engine(), const_cast<void*>(data)); }

// Scratchpads are allocated here, not by oneDNN inside the timed execution.
dnnl::primitive_attr user_scratchpad() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

Runner make_runner(const dnnl::primitive_desc& pd, Args args, const ExecContext& ctx, std::string what) {
  if (ctx.library_kernel) *ctx.library_kernel = pd.impl_info_str();
  const memory::desc scratchpad = pd.scratchpad_desc();
  if (scratchpad.get_size() > 0) args.emplace(DNNL_ARG_SCRATCHPAD, memory(scratchpad, cpu_engine()));
  return [primitive = dnnl::primitive(pd), args = std::move(args), threads = ctx.threads, what = std::move(what)] {
    const ThreadLimit limit(threads);
    checked(what, [&] {
      primitive.execute(cpu_stream(), args);
      cpu_stream().wait();
    });
  };
}

Runner eltwise(const Operation& op, memory::data_type type, Direction direction, const Operands& o,
               const ExecContext& ctx, std::string what) {
  const memory::desc data({o.shape.rows, o.shape.channels}, type, memory::format_tag::ab);
  const dnnl::primitive_attr attr = user_scratchpad();
  const auto forward_pd = [&](dnnl::prop_kind kind) {
    return dnnl::eltwise_forward::primitive_desc({kind, op.algorithm, data, op.alpha, op.beta}, attr, cpu_engine());
  };
  if (direction == Direction::forward) {
    return make_runner(forward_pd(dnnl::prop_kind::forward_inference),
                       {{DNNL_ARG_SRC, wrap(data, o.x)}, {DNNL_ARG_DST, wrap(data, o.out)}}, ctx, std::move(what));
  }
  // The plain algorithm (not *_use_dst_for_bwd) takes the forward input: dx = dy * f'(x), our semantics.
  const dnnl::eltwise_backward::primitive_desc pd({op.algorithm, data, data, op.alpha, op.beta}, attr, cpu_engine(),
                                                  forward_pd(dnnl::prop_kind::forward_training));
  return make_runner(pd,
                     {{DNNL_ARG_SRC, wrap(data, o.x)}, {DNNL_ARG_DIFF_DST, wrap(data, o.dy)},
                      {DNNL_ARG_DIFF_SRC, wrap(data, o.out)}},
                     ctx, std::move(what));
}

// Per-channel slopes as a {1, C} weights tensor that oneDNN broadcasts over the rows.
Runner prelu(memory::data_type type, Direction direction, const Operands& o, const ExecContext& ctx, std::string what) {
  const memory::desc data({o.shape.rows, o.shape.channels}, type, memory::format_tag::ab);
  const memory::desc weights({1, o.shape.channels}, type, memory::format_tag::ab);
  const dnnl::primitive_attr attr = user_scratchpad();
  const auto forward_pd = [&](dnnl::prop_kind kind) {
    return dnnl::prelu_forward::primitive_desc({kind, data, weights}, attr, cpu_engine());
  };
  if (direction == Direction::forward) {
    return make_runner(forward_pd(dnnl::prop_kind::forward_inference),
                       {{DNNL_ARG_SRC, wrap(data, o.x)}, {DNNL_ARG_WEIGHTS, wrap(weights, o.slope)},
                        {DNNL_ARG_DST, wrap(data, o.out)}},
                       ctx, std::move(what));
  }
  // oneDNN's prelu backward always computes the slopes' gradient too; the case checks only dx, so it
  // lands in a private buffer (its cost is part of what oneDNN's prelu backward is).
  const dnnl::prelu_backward::primitive_desc pd({data, weights, data, weights}, attr, cpu_engine(),
                                                forward_pd(dnnl::prop_kind::forward_training));
  return make_runner(pd,
                     {{DNNL_ARG_SRC, wrap(data, o.x)}, {DNNL_ARG_WEIGHTS, wrap(weights, o.slope)},
                      {DNNL_ARG_DIFF_DST, wrap(data, o.dy)}, {DNNL_ARG_DIFF_SRC, wrap(data, o.out)},
                      {DNNL_ARG_DIFF_WEIGHTS, memory(weights, cpu_engine())}},
                     ctx, std::move(what));
}

// The prelu post-op's slopes: oneDNN reads them as f32 whatever the tensors' dtype, so they are
// converted once, into memory the primitive's arguments own.
memory prelu_post_op_slopes(DType dtype, const Operands& o) {
  memory slopes({{1, o.shape.channels}, memory::data_type::f32, memory::format_tag::ab}, cpu_engine());
  float* out = static_cast<float*>(slopes.get_data_handle());
  visit_dtype(dtype, [&](auto storage) {
    using T = decltype(storage);
    const T* in = static_cast<const T*>(o.slope);
    for (std::int64_t c = 0; c < o.shape.channels; ++c) out[c] = static_cast<float>(DTypeTraits<T>::load(in[c]));
  });
  return slopes;
}

// y = x W over rows x depth and depth x channels, row-major; with an epilogue, y = f(x W + b) with
// the bias and the activation (an eltwise or prelu post-op) inside the one primitive.
Runner matmul(const Operation* epilogue, DType dtype, const Operands& o, const ExecContext& ctx, std::string what) {
  const memory::data_type type = data_type_of(dtype);
  const Shape& s = o.shape;
  const memory::desc src({s.rows, s.depth}, type, memory::format_tag::ab);
  const memory::desc weights({s.depth, s.channels}, type, memory::format_tag::ab);
  const memory::desc dst({s.rows, s.channels}, type, memory::format_tag::ab);
  dnnl::primitive_attr attr = user_scratchpad();
  Args args{{DNNL_ARG_SRC, wrap(src, o.x)}, {DNNL_ARG_WEIGHTS, wrap(weights, o.weights)}, {DNNL_ARG_DST, wrap(dst, o.out)}};
  std::optional<dnnl::matmul::desc> desc;
  if (!epilogue) {
    desc.emplace(src, weights, dst);
  } else {
    const memory::desc bias({1, s.channels}, type, memory::format_tag::ab);
    args.emplace(DNNL_ARG_BIAS, wrap(bias, o.bias));
    dnnl::post_ops ops;
    if (epilogue->primitive == Operation::Primitive::prelu) {
      ops.append_prelu(1 << 1);  // one slope per output channel, dimension 1 of y
      args.emplace(DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_WEIGHTS, prelu_post_op_slopes(dtype, o));
    } else {
      ops.append_eltwise(1.0f, epilogue->algorithm, epilogue->alpha, epilogue->beta);
    }
    attr.set_post_ops(ops);
    desc.emplace(src, weights, bias, dst);
  }
  const dnnl::matmul::primitive_desc pd(*desc, attr, cpu_engine());
  // oneDNN falls back to its reference implementation where it has no kernel (bf16 on AVX2, some
  // post-ops): a scalar loop, not the vendor baseline, and minutes per run at a layer's size.
  if (const std::string impl = pd.impl_info_str(); impl.rfind("ref", 0) == 0) {
    throw std::runtime_error(what + ": oneDNN " + onednn_version() + " has only its reference implementation (" +
                             impl + ") on this CPU (ISA " + dnnl_cpu_isa2str(dnnl_get_effective_cpu_isa()) + ")");
  }
  return make_runner(pd, std::move(args), ctx, std::move(what));
}

const char* primitive_name(const Operation& op) {
  return op.primitive == Operation::Primitive::prelu ? "prelu"
                                                     : dnnl_alg_kind2str(static_cast<dnnl_alg_kind_t>(op.algorithm));
}

// Builds with oneDNN's threads bounded; oneDNN's errors become std::runtime_error naming `what`.
template <class Build>
Runner built(const std::string& what, const ExecContext& ctx, Build build) {
  const ThreadLimit limit(ctx.threads);
  try {
    return build();
  } catch (const dnnl::error& e) {
    // unimplemented: this oneDNN has no CPU kernel for the case here. Measured with Debian's 2.6.3:
    // bf16 needs AVX-512, and f16 eltwise and prelu are unimplemented even with AVX512-FP16.
    if (e.status != dnnl_unimplemented) throw_error(what, e);
    throw_error(what + " not supported by oneDNN " + onednn_version() + " on this CPU (ISA " +
                    dnnl_cpu_isa2str(dnnl_get_effective_cpu_isa()) + ")",
                e);
  }
}

}  // namespace

Runner prepare_primitive(const Operation& op, DType dtype, Direction direction, const Operands& operands,
                         const ExecContext& ctx) {
  // "bf16 eltwise_gelu_erf backward", "f32 prelu forward".
  std::string what = std::string(name_of(dtype)) + ' ' + primitive_name(op) + ' ' + std::string(name_of(direction));
  return built(what, ctx, [&] {
    const memory::data_type type = data_type_of(dtype);
    if (op.primitive == Operation::Primitive::prelu) return prelu(type, direction, operands, ctx, what);
    return eltwise(op, type, direction, operands, ctx, what);
  });
}

Runner prepare_matmul(DType dtype, const Operation* epilogue, const Operands& operands, const ExecContext& ctx) {
  // "f32 matmul", "bf16 matmul + bias + eltwise_relu".
  std::string what = std::string(name_of(dtype)) + " matmul";
  if (epilogue) what += std::string(" + bias + ") + primitive_name(*epilogue);
  return built(what, ctx, [&] { return matmul(epilogue, dtype, operands, ctx, what); });
}

}  // namespace actbench::onednn
