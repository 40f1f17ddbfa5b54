#pragma once
// SIGINT and SIGTERM end a sweep early without losing it: the handler only records the signal, the
// sweep stops before the next repetition, and the points measured in full are written beside --out
// (interrupted_path), whose previous results stay as they were. A second signal a second or more after
// the first ends the process at once, as it would without the handler.
#include <string>

namespace actbench::cli {

void catch_interrupts();

// How the reason of a point the interruption left unrun begins.
inline constexpr const char* kNotRunPrefix = "not run: interrupted by ";

// The signal that asked the run to stop ("SIGINT" or "SIGTERM"), or "" while none has.
std::string interruption();

// Where an interrupted run writes its results: FILE.json -> FILE.interrupted.json, FILE ->
// FILE.interrupted.json.
std::string interrupted_path(const std::string& out);

}  // namespace actbench::cli
