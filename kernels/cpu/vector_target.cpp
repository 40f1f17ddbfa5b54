// Asks Highway's dispatcher which of the compiled targets it picks here, the same choice every
// vectorised kernel makes (kernels/cpu/CMakeLists.txt compiles all of them with one target set).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/cpu/vector_target.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <cstdint>

#include <hwy/highway.h>
#include <hwy/targets.h>

#include "kernels/cpu/native_bf16.hpp"
#include "kernels/cpu/vector_target.hpp"

HWY_BEFORE_NAMESPACE();
namespace actbench::HWY_NAMESPACE {
namespace {
std::int64_t compiled_target() { return HWY_TARGET; }
}  // namespace
}  // namespace actbench::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace actbench {
HWY_EXPORT(compiled_target);

std::string cpu_vector_target() {
  const std::int64_t target = HWY_DYNAMIC_DISPATCH(compiled_target)();
  std::string name = hwy::TargetName(target);
  if (narrows_bf16_natively(target)) name += " (bf16 stores: AVX512_BF16)";
  return name;
}
}  // namespace actbench
#endif
