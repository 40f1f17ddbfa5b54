#include "kernels/onednn/onednn_primitives.hpp"

#include <oneapi/dnnl/dnnl_debug.h>

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

Runner make_runner(const dnnl::primitive_desc& pd, Args args, int threads, std::string what) {
  const memory::desc scratchpad = pd.scratchpad_desc();
  if (scratchpad.get_size() > 0) args.emplace(DNNL_ARG_SCRATCHPAD, memory(scratchpad, cpu_engine()));
  return [primitive = dnnl::primitive(pd), args = std::move(args), threads, what = std::move(what)] {
    const ThreadLimit limit(threads);
    checked(what, [&] {
      primitive.execute(cpu_stream(), args);
      cpu_stream().wait();
    });
  };
}

Runner eltwise(const Operation& op, memory::data_type type, Direction direction, const Operands& o, int threads,
               std::string what) {
  const memory::desc data({o.shape.rows, o.shape.channels}, type, memory::format_tag::ab);
  const dnnl::primitive_attr attr = user_scratchpad();
  const auto forward_pd = [&](dnnl::prop_kind kind) {
    return dnnl::eltwise_forward::primitive_desc({kind, op.algorithm, data, op.alpha, op.beta}, attr, cpu_engine());
  };
  if (direction == Direction::forward) {
    return make_runner(forward_pd(dnnl::prop_kind::forward_inference),
                       {{DNNL_ARG_SRC, wrap(data, o.x)}, {DNNL_ARG_DST, wrap(data, o.out)}}, threads, std::move(what));
  }
  // The plain algorithm (not *_use_dst_for_bwd) takes the forward input: dx = dy * f'(x), our semantics.
  const dnnl::eltwise_backward::primitive_desc pd({op.algorithm, data, data, op.alpha, op.beta}, attr, cpu_engine(),
                                                  forward_pd(dnnl::prop_kind::forward_training));
  return make_runner(pd,
                     {{DNNL_ARG_SRC, wrap(data, o.x)}, {DNNL_ARG_DIFF_DST, wrap(data, o.dy)},
                      {DNNL_ARG_DIFF_SRC, wrap(data, o.out)}},
                     threads, std::move(what));
}

// Per-channel slopes as a {1, C} weights tensor that oneDNN broadcasts over the rows.
Runner prelu(memory::data_type type, Direction direction, const Operands& o, int threads, std::string what) {
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
                       threads, std::move(what));
  }
  // oneDNN's prelu backward always computes the slopes' gradient too; the case checks only dx, so it
  // lands in a private buffer (its cost is part of what oneDNN's prelu backward is).
  const dnnl::prelu_backward::primitive_desc pd({data, weights, data, weights}, attr, cpu_engine(),
                                                forward_pd(dnnl::prop_kind::forward_training));
  return make_runner(pd,
                     {{DNNL_ARG_SRC, wrap(data, o.x)}, {DNNL_ARG_WEIGHTS, wrap(weights, o.slope)},
                      {DNNL_ARG_DIFF_DST, wrap(data, o.dy)}, {DNNL_ARG_DIFF_SRC, wrap(data, o.out)},
                      {DNNL_ARG_DIFF_WEIGHTS, memory(weights, cpu_engine())}},
                     threads, std::move(what));
}

// "bf16 eltwise_gelu_erf backward", "f32 prelu forward".
std::string describe(const Operation& op, DType dtype, Direction direction) {
  const char* primitive = op.primitive == Operation::Primitive::prelu
                              ? "prelu"
                              : dnnl_alg_kind2str(static_cast<dnnl_alg_kind_t>(op.algorithm));
  return std::string(name_of(dtype)) + ' ' + primitive + ' ' + std::string(name_of(direction));
}

}  // namespace

Runner prepare_primitive(const Operation& op, DType dtype, Direction direction, const Operands& operands,
                         const ExecContext& ctx) {
  const std::string what = describe(op, dtype, direction);
  const ThreadLimit limit(ctx.threads);
  try {
    const memory::data_type type = data_type_of(dtype);
    if (op.primitive == Operation::Primitive::prelu) return prelu(type, direction, operands, ctx.threads, what);
    return eltwise(op, type, direction, operands, ctx.threads, what);
  } catch (const dnnl::error& e) {
    // unimplemented: this oneDNN has no CPU kernel for the case here. Measured with Debian's 2.6.3:
    // bf16 needs AVX-512, and f16 eltwise and prelu are unimplemented even with AVX512-FP16.
    if (e.status != dnnl_unimplemented) throw_error(what, e);
    throw_error(what + " not supported by oneDNN " + onednn_version() + " on this CPU (ISA " +
                    dnnl_cpu_isa2str(dnnl_get_effective_cpu_isa()) + ")",
                e);
  }
}

}  // namespace actbench::onednn
