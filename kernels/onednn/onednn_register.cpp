// The oneDNN family ("onednn", CPU): oneDNN's own eltwise and prelu primitives, the vendor baseline
// the suite's CPU strategies are measured against.
#include "kernels/onednn/onednn_operation.hpp"
#include "kernels/onednn/onednn_primitives.hpp"
#include "kernels/register_family.hpp"
#include "kernels/registrations.hpp"

namespace actbench {

void register_onednn(Registry& r) {
  register_family<AllActivations>(r, "onednn", Device::cpu, []<class Act, class T>(Case& c) {
    constexpr const onednn::Operation& op = onednn::kOperation<Act>;
    if constexpr (op.primitive == onednn::Operation::Primitive::none) {
      c.unsupported = op.unsupported;
    } else if (c.dtype == DType::f64) {
      c.unsupported = onednn::kNoF64;
    } else {
      c.deviations = onednn::kNonFiniteDeviations;
      c.prepare = [dtype = c.dtype, direction = c.direction](const Operands& operands, const ExecContext& ctx) {
        return onednn::prepare_primitive(onednn::kOperation<Act>, dtype, direction, operands, ctx);
      };
    }
  });
}

}  // namespace actbench
