#pragma once
// The actbench command: parse, check, plan the sweep, measure the roofline, validate and time every
// point through Google Benchmark, write the results JSON. See --help for the flags and exit codes.
namespace actbench::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitValidationFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRuntime = 3;
inline constexpr int kExitInterrupted = 4;

// Never throws: every error becomes one line on stderr and an exit code.
int run_actbench(int argc, char** argv);

}  // namespace actbench::cli
