#pragma once
// The --benchmark_* flags that actbench hands to Google Benchmark. Some of them Google Benchmark
// answers with exit(1) or an assertion when their value is bad, so actbench checks those first and
// turns a bad value into a usage error (exit 2) like its own flags.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace actbench::cli {

// Throws UsageError for a bad value of a flag Google Benchmark would abort on.
void check_benchmark_flag(const std::string& arg);

// The value of --benchmark_NAME among args (the last one wins, as in Google Benchmark); a bare flag
// reads as "true".
std::optional<std::string> benchmark_flag(const std::vector<std::string>& args, std::string_view name);

// Google Benchmark's reading of a boolean flag value.
bool is_truthy(const std::string& value);

}  // namespace actbench::cli
