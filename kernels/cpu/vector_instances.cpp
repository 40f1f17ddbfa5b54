// The vectorised CPU kernels of one dtype and direction, for every Highway target. CMake compiles
// this file once per (ACTBENCH_VECTOR_STORAGE, ACTBENCH_VECTOR_DIRECTION) pair, so the eight heavy
// instantiations build in parallel; Highway's foreach_target re-includes it once per ISA.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/cpu/vector_instances.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <type_traits>

#include <hwy/highway.h>

#include "kernels/cpu/native_bf16.hpp"
#include "kernels/cpu/vector_loops-inl.hpp"

HWY_BEFORE_NAMESPACE();
namespace actbench::HWY_NAMESPACE {
namespace {
// A template, so that the NativeBf16 branch is instantiated in the bf16 translation units only.
template <class T, Direction kDirection>
VectorKernelTable table_for_this_cpu() {
#if ACTBENCH_NATIVE_BF16_TARGET(HWY_TARGET)
  if constexpr (std::is_same_v<T, bf16>) {
    if (narrows_bf16_natively(HWY_TARGET)) return make_table<NativeBf16, kDirection>();
  }
#endif
  return make_table<T, kDirection>();
}

VectorKernelTable kernel_table() {
  return table_for_this_cpu<ACTBENCH_VECTOR_STORAGE, Direction::ACTBENCH_VECTOR_DIRECTION>();
}
}  // namespace
}  // namespace actbench::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace actbench {
HWY_EXPORT(kernel_table);

template <>
VectorKernelTable vector_kernels<ACTBENCH_VECTOR_STORAGE, Direction::ACTBENCH_VECTOR_DIRECTION>() {
  return HWY_DYNAMIC_DISPATCH(kernel_table)();
}
}  // namespace actbench
#endif
