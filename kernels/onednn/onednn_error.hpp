#pragma once
// Every oneDNN call of this family runs inside `checked`: the C++ API reports failures as
// dnnl::error, which becomes a std::runtime_error naming what was being done and oneDNN's own words,
// so Prepare passes it on as the reason a case is skipped.
#include <oneapi/dnnl/dnnl.hpp>

#include <string_view>
#include <utility>

namespace actbench::onednn {

// "onednn: <context>: <oneDNN's message> (<status>)".
[[noreturn]] void throw_error(std::string_view context, const dnnl::error& e);

template <class Call>
decltype(auto) checked(std::string_view context, Call&& call) {
  try {
    return std::forward<Call>(call)();
  } catch (const dnnl::error& e) {
    throw_error(context, e);
  }
}

}  // namespace actbench::onednn
