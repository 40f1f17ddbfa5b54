#include "bench/environment_json.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "bench/build_info.hpp"
#include "kernels/cpu/vector_target.hpp"
#include "kernels/onednn/onednn_version.hpp"
#if defined(ACTBENCH_WITH_CUDA)
#include "kernels/cudnn/cudnn_version.hpp"
#endif

namespace actbench::cli {
namespace {

template <class Value>
nlohmann::json by_count(const std::map<int, Value>& values) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : values) out[std::to_string(key)] = value;
  return out;
}

nlohmann::json cpu_json(const CpuInfo& cpu, const Peaks& peaks) {
  nlohmann::json matmul = nlohmann::json::object();  // {"2": {"f32": GFLOP/s, ...}}
  for (const auto& [where, gflops] : peaks.cpu_matmul_gflops) {
    matmul[std::to_string(where.first)][std::string(name_of(where.second))] = gflops;
  }
  nlohmann::json caches = nlohmann::json::array();
  for (const CacheLevel& c : cpu.caches) caches.push_back({{"level", c.level}, {"type", c.type}, {"size_bytes", c.size_bytes}});
  return {{"model", cpu.model},
          {"vector_isa", cpu_vector_target()},
          {"cores", cpu.cores},
          {"threads", cpu.threads},
          {"caches", caches},
          {"copy_bandwidth_gbps", by_count(peaks.cpu_gbps())},
          {"copy_bandwidth_samples_gbps", by_count(peaks.cpu_samples)},
          {"matmul_gflops", matmul}};
}

nlohmann::json gpu_json(const GpuInfo& g, const Peaks& peaks) {
  nlohmann::json out = {{"index", g.index},
                        {"name", g.name},
                        {"compute_capability_major", g.compute_capability_major},
                        {"compute_capability_minor", g.compute_capability_minor},
                        {"sm_count", g.sm_count},
                        {"memory_bytes", g.memory_bytes},
                        {"l2_bytes", g.l2_bytes},
                        {"theoretical_bandwidth_gbps", g.theoretical_bandwidth_gbps},
                        {"max_sm_clock_mhz", g.max_sm_clock_mhz},
                        {"max_memory_clock_mhz", g.max_memory_clock_mhz},
                        {"driver_version", g.driver_version},
                        {"runtime_version", g.runtime_version}};
  // Only GPUs this run measured have a figure.
  if (const auto it = peaks.gpu_samples.find(g.index); it != peaks.gpu_samples.end()) {
    out["copy_bandwidth_gbps"] = peaks.gpu_gbps().at(g.index);
    out["copy_bandwidth_samples_gbps"] = it->second;
  }
  for (const auto& [where, gflops] : peaks.gpu_matmul_gflops) {
    if (where.first == g.index) out["matmul_gflops"][std::string(name_of(where.second))] = gflops;
  }
  return out;
}

nlohmann::json libraries_json(const Machine& machine) {
  nlohmann::json libs = {{"google_benchmark", build_info().google_benchmark}, {"onednn", onednn_version()}};
#if defined(ACTBENCH_WITH_CUDA)
  if (!machine.gpus.empty()) libs["cuda_runtime"] = machine.gpus.front().runtime_version;
  libs["cudnn"] = cudnn_version();
#else
  (void)machine;
#endif
  return libs;
}

nlohmann::json methodology_json(const Methodology& m) {
  return {{"input_seed", m.seed},
          {"repetitions", m.repetitions},
          {"cpu_min_seconds", m.cpu_min_seconds},
          {"gpu_sampling",
           {{"min_seconds", m.gpu.min_seconds},
            {"max_seconds", m.gpu.max_seconds},
            {"max_noise", m.gpu.max_noise},
            {"min_samples", m.gpu.min_samples}}}};
}

// Single-quotes an argument for a POSIX shell when it needs it.
std::string shell_quoted(const std::string& arg) {
  const bool plain = !arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                           "0123456789-_=./,:+@%") == std::string::npos;
  if (plain) return arg;
  std::string quoted = "'";
  for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace

nlohmann::json environment_variables_json() {
  // What changes a run without showing on its command line: threads and their waiting (OpenMP), the
  // allocator (glibc), preloaded libraries, which GPUs are seen and how kernels load (CUDA), and the
  // vendor libraries' and PyTorch's dispatch.
  static constexpr std::array<std::string_view, 12> kPrefixes = {
      "OMP_", "GOMP_", "KMP_", "MALLOC_", "GLIBC_TUNABLES", "LD_PRELOAD", "CUDA_", "ONEDNN_", "DNNL_",
      "ATEN_", "PYTORCH_", "TORCH_"};
  nlohmann::json found = nlohmann::json::object();
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view variable(*entry);
    const std::size_t equals = variable.find('=');
    if (equals == std::string_view::npos) continue;
    const std::string_view name = variable.substr(0, equals);
    if (std::any_of(kPrefixes.begin(), kPrefixes.end(), [&](std::string_view p) { return name.starts_with(p); })) {
      found[std::string(name)] = std::string(variable.substr(equals + 1));
    }
  }
  return found;
}

std::string command_line_of(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) line += ' ';
    line += shell_quoted(argv[i]);
  }
  return line;
}

nlohmann::json environment_json(const Machine& machine, const Peaks& peaks, const Methodology& methodology,
                                const std::string& command_line) {
  const BuildInfo& build = build_info();
  nlohmann::json gpus = nlohmann::json::array();
  for (const GpuInfo& g : machine.gpus) gpus.push_back(gpu_json(g, peaks));
  return {{"schema_version", kSchemaVersion},
          {"version", build.version},
          {"git_commit", build.git_commit},
          {"build_type", build.build_type},
          {"compiler", build.compiler},
          {"command_line", command_line},
          {"environment_variables", environment_variables_json()},
          {"cpu", cpu_json(machine.cpu, peaks)},
          {"gpus", gpus},
          {"copy_sample_seconds", peaks.sample_seconds},
          {"libraries", libraries_json(machine)},
          {"methodology", methodology_json(methodology)}};
}

}  // namespace actbench::cli
