#include "harness/environment.hpp"

#include <sched.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>

namespace actbench {
namespace {

namespace fs = std::filesystem;

std::string read_line(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// sysfs writes cache sizes as "32K", "16384K" or "1M".
std::size_t parse_cache_size(const std::string& text) {
  std::size_t value = 0;
  std::size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) value = value * 10 + (text[i] - '0');
  if (i < text.size()) {
    if (text[i] == 'K') value <<= 10;
    if (text[i] == 'M') value <<= 20;
    if (text[i] == 'G') value <<= 30;
  }
  return value;
}

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  // x86 says "model name"; arm64 kernels have no model line, so fall back to the device tree.
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(" \t", colon + 1));
    }
  }
  return read_line("/sys/firmware/devicetree/base/model");
}

int affinity_threads() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return CPU_COUNT(&set);
  return static_cast<int>(std::thread::hardware_concurrency());
}

int physical_cores() {
  std::set<std::pair<std::string, std::string>> cores;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/sys/devices/system/cpu", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("cpu", 0) != 0 || name.size() == 3 || !std::isdigit(static_cast<unsigned char>(name[3]))) continue;
    const fs::path topology = entry.path() / "topology";
    const std::string package = read_line(topology / "physical_package_id");
    const std::string core = read_line(topology / "core_id");
    if (!core.empty()) cores.emplace(package, core);
  }
  return cores.empty() ? static_cast<int>(std::thread::hardware_concurrency()) : static_cast<int>(cores.size());
}

std::vector<CacheLevel> cpu0_caches() {
  std::vector<CacheLevel> caches;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/sys/devices/system/cpu/cpu0/cache", ec)) {
    if (entry.path().filename().string().rfind("index", 0) != 0) continue;
    CacheLevel c;
    c.level = std::atoi(read_line(entry.path() / "level").c_str());
    c.type = read_line(entry.path() / "type");
    c.size_bytes = parse_cache_size(read_line(entry.path() / "size"));
    if (c.level > 0 && c.size_bytes > 0) caches.push_back(c);
  }
  std::sort(caches.begin(), caches.end(),
            [](const CacheLevel& a, const CacheLevel& b) { return std::tie(a.level, a.type) < std::tie(b.level, b.type); });
  return caches;
}

}  // namespace

std::size_t CpuInfo::l1_data_bytes() const {
  for (const CacheLevel& c : caches) {
    if (c.level == 1 && c.type != "Instruction") return c.size_bytes;
  }
  return 0;
}

std::size_t CpuInfo::last_level_bytes() const {
  std::size_t bytes = 0;
  int level = 0;
  for (const CacheLevel& c : caches) {
    if (c.type != "Instruction" && c.level >= level) {
      level = c.level;
      bytes = c.size_bytes;
    }
  }
  return bytes;
}

CpuInfo probe_cpu() {
  CpuInfo info;
  info.model = cpu_model();
  info.threads = affinity_threads();
  info.cores = physical_cores();
  info.caches = cpu0_caches();
  return info;
}

}  // namespace actbench
