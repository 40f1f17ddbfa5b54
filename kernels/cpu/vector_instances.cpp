// The vectorised CPU kernels of one dtype and direction, for every Highway target. CMake compiles
// this file once per (ACTBENCH_VECTOR_STORAGE, ACTBENCH_VECTOR_DIRECTION) pair, so the eight heavy
// instantiations build in parallel; Highway's foreach_target re-includes it once per ISA.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/cpu/vector_instances.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include "kernels/cpu/vector_loops-inl.hpp"

HWY_BEFORE_NAMESPACE();
namespace actbench::HWY_NAMESPACE {
namespace {
VectorKernelTable kernel_table() {
  return make_table<ACTBENCH_VECTOR_STORAGE, Direction::ACTBENCH_VECTOR_DIRECTION>();
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
