#pragma once
// --help: every flag, with examples and the exit codes.
#include <ostream>

namespace actbench::cli {

void print_help(std::ostream& out);

}  // namespace actbench::cli
