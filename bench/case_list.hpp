#pragma once
// --list: the registered cases the filters select, as text or as JSON.
#include <ostream>

#include "bench/options.hpp"

namespace actbench::cli {

void print_case_list(std::ostream& out, const Options& o);

}  // namespace actbench::cli
