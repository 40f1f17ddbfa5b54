#pragma once
// --dump-curves=FILE: every selected activation and its derivative over [-6, 6], computed by the
// naive CPU kernels in f64 (the suite's own code, not a formula re-typed for a chart), as JSON for
// scripts/plot.py: {"x": [...], "activations": {name: {"forward": [...], "derivative": [...]}}, ...}.
#include <nlohmann/json.hpp>

#include "bench/options.hpp"

namespace actbench::cli {

// Throws std::runtime_error when a selected activation has no naive f64 CPU case.
nlohmann::json activation_curves(const Options& o);

}  // namespace actbench::cli
