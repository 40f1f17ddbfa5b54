#pragma once
// Registers one implementation family for every activation x dtype x direction from a type list.
// `fill` is a generic lambda called as fill.template operator()<Act, T>(Case&): it sets the case's
// prepare (or unsupported reason) and adjusts its signature.
#include <string>
#include <type_traits>

#include "kernels/elementwise.hpp"
#include "kernels/registry.hpp"
#include "kernels/type_list.hpp"

namespace actbench {

inline constexpr Direction kBothDirections[] = {Direction::forward, Direction::backward};

// Why the statistics strategies register no backward: they describe the forward output.
inline constexpr const char* kZeroStatsForwardOnly =
    "the zero statistics describe the forward output (dead units); a backward pass has nothing to monitor";

template <class Activations, class Fill>
void register_family(Registry& r, const std::string& implementation, Device device, Fill&& fill) {
  for_each_type(Activations{}, [&](auto* tag) {
    using Act = std::remove_pointer_t<decltype(tag)>;
    for (DType dtype : kAllDTypes) {
      for (Direction direction : kBothDirections) {
        visit_dtype(dtype, [&](auto storage) {
          using T = decltype(storage);
          Case c;
          c.activation = Act::kName;
          c.direction = direction;
          c.implementation = implementation;
          c.device = device;
          c.dtype = dtype;
          c.signature = activation_signature<Act>();
          fill.template operator()<Act, T>(c);
          r.add(std::move(c));
        });
      }
    }
  });
}

}  // namespace actbench
