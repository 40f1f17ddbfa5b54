#include "bench/benchmark_flags.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "bench/options.hpp"

namespace actbench::cli {
namespace {

constexpr std::string_view kPrefix = "--benchmark_";

// Splits "--benchmark_NAME[=VALUE]".
std::pair<std::string, std::optional<std::string>> split(const std::string& arg) {
  const std::size_t eq = arg.find('=');
  std::string name = arg.substr(kPrefix.size(), eq == std::string::npos ? std::string::npos : eq - kPrefix.size());
  if (eq == std::string::npos) return {std::move(name), std::nullopt};
  return {std::move(name), arg.substr(eq + 1)};
}

void require_one_of(const std::string& arg, const std::string& value, const std::set<std::string>& accepted) {
  if (accepted.count(value)) return;
  std::string list;
  for (const std::string& a : accepted) list += (list.empty() ? "" : ", ") + a;
  throw UsageError("bad value '" + value + "' in " + arg.substr(0, arg.find('=')) + " (accepted: " + list + ")");
}

void require_number(const std::string& arg, const std::string& value, double minimum, bool integer) {
  double parsed = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  const bool whole = ec == std::errc() && end == value.data() + value.size();
  if (!whole || parsed < minimum || (integer && parsed != static_cast<double>(static_cast<long long>(parsed))) ||
      (integer && parsed > 2147483647.0)) {
    throw UsageError("bad value '" + value + "' in " + arg.substr(0, arg.find('=')) + " (accepted: " +
                     (integer ? "an integer" : "a number of seconds") + " of at least " +
                     std::to_string(static_cast<long long>(minimum)) + ")");
  }
}

}  // namespace

void check_benchmark_flag(const std::string& arg) {
  const auto [name, value] = split(arg);
  if (!value) {
    // A bare flag reads as "true": right for the boolean flags, a usage error for these.
    static const std::set<std::string> with_values = {"format", "out_format", "time_unit", "repetitions",
                                                      "min_time", "min_warmup_time", "out", "filter"};
    if (with_values.count(name)) throw UsageError(arg + " needs a value, e.g. " + arg + "=...");
    return;
  }
  if (name == "format" || name == "out_format") require_one_of(arg, *value, {"console", "json", "csv"});
  if (name == "time_unit") require_one_of(arg, *value, {"ns", "us", "ms", "s"});
  if (name == "repetitions") require_number(arg, *value, 1, true);
  if (name == "min_time" || name == "min_warmup_time") require_number(arg, *value, 0, false);
  if (name == "color" && value->empty()) throw UsageError("--benchmark_color is empty (accepted: auto, true, false)");
  if (name == "out" && value->empty()) throw UsageError("--benchmark_out is empty: give a file name");
}

std::optional<std::string> benchmark_flag(const std::vector<std::string>& args, std::string_view name) {
  std::optional<std::string> found;
  for (const std::string& arg : args) {
    if (arg.rfind(kPrefix, 0) != 0) continue;
    auto [flag, value] = split(arg);
    if (flag == name) found = value.value_or("true");
  }
  return found;
}

bool is_truthy(const std::string& value) {
  // Google Benchmark's rule: anything but an explicit no.
  if (value.size() == 1) {
    const char v = value[0];
    return std::isalnum(static_cast<unsigned char>(v)) && std::string_view("0fFnN").find(v) == std::string_view::npos;
  }
  std::string v = value;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  return v != "false" && v != "no" && v != "off";
}

}  // namespace actbench::cli
