#pragma once
// From an activation's name to its functor type, for code that starts from a registry Case.
#include <string_view>
#include <type_traits>

#include "kernels/activations.hpp"

namespace actbench {

// Calls f(static_cast<Act*>(nullptr)) for the activation named `name`; false if there is none.
template <class F>
bool with_activation(std::string_view name, F&& f) {
  bool found = false;
  for_each_type(AllActivations{}, [&](auto* tag) {
    using Act = std::remove_pointer_t<decltype(tag)>;
    if (!found && name == Act::kName) {
      found = true;
      f(tag);
    }
  });
  return found;
}

}  // namespace actbench
