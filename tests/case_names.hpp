#pragma once
// GoogleTest names for registry cases, shared by the suites that iterate the registry and the test
// that checks every registered case has one.
#include <string>

#include "kernels/case.hpp"

namespace actbench::testing {

inline std::string test_name(const Case& c) {
  std::string name = c.id();
  for (char& ch : name) {
    if (ch == '/') ch = '_';
  }
  return name;
}

}  // namespace actbench::testing
