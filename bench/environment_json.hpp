#pragma once
// context.actbench of the results file: the schema version, how actbench was built, the machine (CPU,
// GPUs, measured copy bandwidth), the libraries actually loaded, and how the run measured.
#include <string>

#include <nlohmann/json.hpp>

#include "bench/machine.hpp"
#include "bench/methodology.hpp"
#include "bench/peaks.hpp"

namespace actbench::cli {

inline constexpr int kSchemaVersion = 1;

nlohmann::json environment_json(const Machine& machine, const Peaks& peaks, const Methodology& methodology,
                                const std::string& command_line);

// The variables of this process's environment that change how a run behaves (OpenMP, the allocator,
// CUDA, the vendor libraries), by name; the rest (paths, the user's) are left out.
nlohmann::json environment_variables_json();

// argv as one shell-quoted line.
std::string command_line_of(int argc, char** argv);

}  // namespace actbench::cli
