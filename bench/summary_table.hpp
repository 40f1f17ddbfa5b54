#pragma once
// The compact table printed after a run: one row per timed point (its median), grouped by case, with
// time, bandwidth and the fraction of this run's measured peak; then the totals.
#include <cstdint>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

namespace actbench::cli {

void print_summary(std::ostream& out, const nlohmann::json& results);

// 65536 -> "64K", 3000 -> "3000": sizes as --sizes accepts them.
std::string format_elements(std::int64_t n);

}  // namespace actbench::cli
