// The textbook baseline: one thread, one element at a time, the functor's branches as written.
// CMake compiles this file with auto-vectorisation off so that naive stays naive.
#include "kernels/register_family.hpp"
#include "kernels/registrations.hpp"

namespace actbench {
namespace {

template <class Act, class T>
Runner naive_runner(Direction direction, const Operands& op) {
  const Typed<T> t(op);
  if (direction == Direction::forward) {
    return [t] {
      for (std::int64_t i = 0, n = t.elements(); i < n; ++i) forward_element<Act, T>(t, i);
    };
  }
  return [t] {
    for (std::int64_t i = 0, n = t.elements(); i < n; ++i) backward_element<Act, T>(t, i);
  };
}

}  // namespace

void register_cpu_naive(Registry& r) {
  register_family<AllActivations>(r, "naive", Device::cpu, []<class Act, class T>(Case& c) {
    c.prepare = [d = c.direction](const Operands& op, const ExecContext&) { return naive_runner<Act, T>(d, op); };
    c.single_threaded = true;
  });
}

}  // namespace actbench
