#include "bench/options.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <map>
#include <string_view>

#include "bench/benchmark_flags.hpp"
#include "kernels/registry.hpp"

namespace actbench::cli {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string s;
  for (const std::string& item : items) s += (s.empty() ? "" : ", ") + item;
  return s;
}

template <class Field>
std::vector<std::string> registered(Field field) {
  std::vector<std::string> names;
  for (const Case& c : registry().cases()) {
    std::string name = field(c);
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
  }
  return names;
}

// Splits a comma-separated list; an empty list or an empty item is a usage error.
std::vector<std::string> split_list(const std::string& flag, const std::string& value) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = value.find(',', start);
    std::string item = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (item.empty()) {
      throw UsageError("--" + flag + (value.empty() ? " is empty" : " has an empty item in '" + value + "'") +
                       ": give a comma-separated list");
    }
    items.push_back(std::move(item));
    if (comma == std::string::npos) return items;
    start = comma + 1;
  }
}

// Parses each item of a list with `parse`, naming the flag and the accepted values on failure;
// repeated items are kept once, in the order given.
template <class T, class Parse>
std::vector<T> parse_list(const std::string& flag, const std::string& value, const std::string& what,
                          const std::vector<std::string>& accepted, Parse parse) {
  std::vector<T> out;
  for (const std::string& item : split_list(flag, value)) {
    const std::optional<T> parsed = parse(item);
    if (!parsed) throw UsageError("unknown " + what + " '" + item + "' in --" + flag + " (accepted: " + join(accepted) + ")");
    if (std::find(out.begin(), out.end(), *parsed) == out.end()) out.push_back(*parsed);
  }
  return out;
}

std::vector<std::string> names_of_dtypes() {
  std::vector<std::string> names;
  for (DType d : kAllDTypes) names.emplace_back(name_of(d));
  return names;
}

std::vector<std::string> names_of_inputs() {
  std::vector<std::string> names;
  for (InputKind k : kAllInputKinds) names.emplace_back(name_of(k));
  return names;
}

std::optional<DeviceSelector> parse_device(const std::string& text) {
  if (text == "cpu") return DeviceSelector{Device::cpu, std::nullopt};
  if (text == "cuda") return DeviceSelector{Device::cuda, std::nullopt};
  constexpr std::string_view prefix = "cuda:";
  if (text.size() <= prefix.size() || text.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  int index = -1;
  const char* first = text.data() + prefix.size();
  const char* last = text.data() + text.size();
  const auto [end, ec] = std::from_chars(first, last, index);
  if (ec != std::errc() || end != last || index < 0) return std::nullopt;
  return DeviceSelector{Device::cuda, index};
}

int parse_threads(const std::string& text) {
  int n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < 1) {
    throw UsageError("--threads=" + text + " is not a thread count: give an integer of at least 1");
  }
  return n;
}

L2Mode parse_l2(const std::string& text) {
  if (text == "cold") return L2Mode::cold;
  if (text == "hot") return L2Mode::hot;
  if (text == "both") return L2Mode::both;
  throw UsageError("unknown L2 mode '" + text + "' in --l2 (accepted: cold, hot, both)");
}

using ValueHandler = std::function<void(Options&, const std::string&)>;

// Every flag that takes a value, with what it does to the options.
const std::map<std::string, ValueHandler>& value_flags() {
  static const std::map<std::string, ValueHandler> flags = {
      {"activations",
       [](Options& o, const std::string& v) {
         const auto names = registered([](const Case& c) { return c.activation; });
         o.activations = parse_list<std::string>("activations", v, "activation", names, [&](const std::string& s) {
           return std::find(names.begin(), names.end(), s) != names.end() ? std::optional(s) : std::nullopt;
         });
       }},
      {"impls",
       [](Options& o, const std::string& v) {
         const auto names = registered([](const Case& c) { return c.implementation; });
         o.implementations = parse_list<std::string>("impls", v, "implementation", names, [&](const std::string& s) {
           return std::find(names.begin(), names.end(), s) != names.end() ? std::optional(s) : std::nullopt;
         });
       }},
      {"dtypes",
       [](Options& o, const std::string& v) {
         o.dtypes = parse_list<DType>("dtypes", v, "dtype", names_of_dtypes(), [](const std::string& s) -> std::optional<DType> {
           for (DType d : kAllDTypes) {
             if (name_of(d) == s) return d;
           }
           return std::nullopt;
         });
       }},
      {"directions",
       [](Options& o, const std::string& v) {
         o.directions = parse_list<Direction>("directions", v, "direction", {"forward", "backward"},
                                              [](const std::string& s) -> std::optional<Direction> {
                                                if (s == "forward") return Direction::forward;
                                                if (s == "backward") return Direction::backward;
                                                return std::nullopt;
                                              });
       }},
      {"devices",
       [](Options& o, const std::string& v) {
         o.devices = parse_list<DeviceSelector>("devices", v, "device", {"cpu", "cuda", "cuda:N"}, parse_device);
       }},
      {"sizes",
       [](Options& o, const std::string& v) {
         o.sizes.clear();
         for (const std::string& item : split_list("sizes", v)) {
           const std::int64_t n = parse_size(item);
           if (std::find(o.sizes.begin(), o.sizes.end(), n) == o.sizes.end()) o.sizes.push_back(n);
         }
       }},
      {"gemm-shapes",
       [](Options& o, const std::string& v) {
         o.gemm_shapes.clear();
         for (const std::string& item : split_list("gemm-shapes", v)) {
           const Shape shape = parse_gemm_shape(item);
           const bool repeated = std::any_of(o.gemm_shapes.begin(), o.gemm_shapes.end(), [&](const Shape& s) {
             return s.rows == shape.rows && s.channels == shape.channels && s.depth == shape.depth;
           });
           if (!repeated) o.gemm_shapes.push_back(shape);
         }
       }},
      {"inputs",
       [](Options& o, const std::string& v) {
         o.inputs = parse_list<InputKind>("inputs", v, "input distribution", names_of_inputs(), parse_input_kind);
       }},
      {"threads", [](Options& o, const std::string& v) { o.threads = parse_threads(v); }},
      {"l2", [](Options& o, const std::string& v) { o.l2 = parse_l2(v); }},
      {"out",
       [](Options& o, const std::string& v) {
         if (v.empty()) throw UsageError("--out is empty: give the results file, e.g. --out=results/run.json");
         o.out = v;
       }},
      {"dump-curves",
       [](Options& o, const std::string& v) {
         if (v.empty()) throw UsageError("--dump-curves is empty: give the file to write, e.g. --dump-curves=curves.json");
         o.dump_curves = v;
       }},
  };
  return flags;
}

const std::map<std::string, bool Options::*>& switch_flags() {
  static const std::map<std::string, bool Options::*> flags = {
      {"quick", &Options::quick}, {"quiet", &Options::quiet}, {"help", &Options::help}};
  return flags;
}

}  // namespace

std::int64_t parse_size(const std::string& text) {
  auto reject = [&](const std::string& why) {
    return UsageError("size '" + text + "' in --sizes " + why +
                      " (accepted: a positive element count, with an optional K, M or G suffix for 2^10, 2^20, 2^30)");
  };
  std::int64_t value = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (!text.empty() && *first == '-') throw reject("is negative");
  if (text.empty() || *first < '0' || *first > '9') throw reject("is not a number");
  const auto [end, ec] = std::from_chars(first, last, value);
  if (ec == std::errc::result_out_of_range) throw reject("is too large");
  int shift = 0;
  if (end != last) {
    const char suffix = static_cast<char>(std::toupper(static_cast<unsigned char>(*end)));
    shift = suffix == 'K' ? 10 : suffix == 'M' ? 20 : suffix == 'G' ? 30 : -1;
    if (shift < 0 || end + 1 != last) throw reject("is malformed");
  }
  if (value == 0) throw reject("is zero");
  if (value > (kMaxElements >> shift)) throw reject("is too large");
  return value << shift;
}

Shape parse_gemm_shape(const std::string& text) {
  std::int64_t dims[3] = {};
  const char* at = text.data();
  const char* last = text.data() + text.size();
  for (int d = 0; d < 3; ++d) {
    const auto [end, ec] = std::from_chars(at, last, dims[d]);
    const bool separated = d == 2 ? end == last : end != last && *end == 'x';
    if (ec != std::errc() || end == at || !separated || dims[d] < 1 || dims[d] > kMaxGemmDimension) {
      throw UsageError("GEMM shape '" + text + "' in --gemm-shapes is malformed (accepted: MxNxK, three integers from 1 to " +
                       std::to_string(kMaxGemmDimension) + ", e.g. 8192x3072x768)");
    }
    if (d < 2) at = end + 1;
  }
  return Shape{dims[0], dims[1], dims[2]};
}

Options parse_options(const std::vector<std::string>& args) {
  Options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h") {
      o.help = true;
      continue;
    }
    if (arg.rfind("--benchmark_", 0) == 0) {
      check_benchmark_flag(arg);
      o.benchmark_args.push_back(arg);
      continue;
    }
    if (arg.rfind("--", 0) != 0) throw UsageError("unexpected argument '" + arg + "': actbench takes only flags (see --help)");
    const std::size_t eq = arg.find('=');
    const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const bool has_value = eq != std::string::npos;
    if (const auto s = switch_flags().find(name); s != switch_flags().end()) {
      if (has_value) throw UsageError("--" + name + " takes no value (got '" + arg + "')");
      o.*(s->second) = true;
    } else if (name == "list") {
      const std::string format = has_value ? arg.substr(eq + 1) : "";
      if (has_value && format != "json") throw UsageError("unknown list format '" + format + "' in --list (accepted: --list, --list=json)");
      o.list = has_value ? ListFormat::json : ListFormat::text;
    } else if (const auto v = value_flags().find(name); v != value_flags().end()) {
      // --flag=value, or --flag value.
      if (!has_value && (i + 1 == args.size() || args[i + 1].rfind("--", 0) == 0)) {
        throw UsageError("--" + name + " needs a value (see --help)");
      }
      v->second(o, has_value ? arg.substr(eq + 1) : args[++i]);
    } else {
      throw UsageError("unknown flag '" + arg + "' (see --help for the accepted flags)");
    }
  }
  // The quick sweep times f32 unless told otherwise: the dtype every implementation has.
  if (o.quick && o.dtypes.empty()) o.dtypes = {DType::f32};
  return o;
}

}  // namespace actbench::cli
