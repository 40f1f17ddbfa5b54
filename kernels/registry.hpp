#pragma once
// The one table of every case that exists. Each implementation family contributes through its own
// register_* function (declared in kernels/registrations.hpp).
#include <string>
#include <vector>

#include "kernels/case.hpp"

namespace actbench {

class Registry {
 public:
  void add(Case c) { cases_.push_back(std::move(c)); }
  const std::vector<Case>& cases() const { return cases_; }
  // The case with this id ("relu/forward/fused_bias/cpu/f32"), or nullptr.
  const Case* find(const std::string& id) const;

 private:
  std::vector<Case> cases_;
};

// Built once, on first use, in a fixed order: CPU families first, then GPU ones when built with CUDA.
const Registry& registry();

}  // namespace actbench
