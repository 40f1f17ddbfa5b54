#include "kernels/bias_activation_pass.hpp"

#include <stdexcept>
#include <string>

#include "kernels/matmul.hpp"
#include "kernels/registry.hpp"

namespace actbench {

Runner prepare_bias_activation_pass(std::string_view activation, Device device, DType dtype, const Operands& layer,
                                    const ExecContext& ctx) {
  Case wanted;
  wanted.activation = activation;
  wanted.implementation = "fused_bias";
  wanted.device = device;
  wanted.dtype = dtype;
  const std::string id = wanted.id();
  const Case* pass = registry().find(id);
  if (!pass || !pass->runnable()) {
    throw std::runtime_error("the unfused layer's activation pass " + id + " cannot run" +
                             (pass ? ": " + pass->unsupported : std::string(": it is not registered")));
  }
  Operands in_place;
  in_place.x = layer.out;
  in_place.out = layer.out;
  in_place.bias = layer.bias;
  in_place.slope = layer.slope;
  in_place.shape = Shape{layer.shape.rows, layer.shape.channels};
  return pass->prepare(in_place, ctx);
}

Runner prepare_unfused_layer(std::string_view activation, Device device, DType dtype, const Operands& layer,
                             const ExecContext& ctx) {
  const Runner product = prepare_matmul(device, dtype, layer, ctx);
  const Runner pass = prepare_bias_activation_pass(activation, device, dtype, layer, ctx);
  return [product, pass] {
    product();
    pass();
  };
}

}  // namespace actbench
