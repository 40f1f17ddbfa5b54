#pragma once
// A compile-time list of types and a way to visit each, used to instantiate every strategy for every
// activation and dtype from one list.
namespace actbench {

template <class... Ts>
struct TypeList {};

template <class... Ts, class F>
void for_each_type(TypeList<Ts...>, F&& f) {
  (f(static_cast<Ts*>(nullptr)), ...);
}

}  // namespace actbench
