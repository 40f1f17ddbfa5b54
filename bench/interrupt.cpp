#include "bench/interrupt.hpp"

#include <atomic>
#include <csignal>
#include <cstdint>
#include <ctime>
#include <string>

namespace actbench::cli {
namespace {

// One request can arrive twice within microseconds: `timeout` signals its child and then the child's
// process group. A signal this soon after the first is that same request, not a second one.
constexpr std::int64_t kSameRequestNs = 1'000'000'000;

// Lock-free atomics: safe in a handler, and threads may run it at once for the two copies.
std::atomic<int> received{0};
std::atomic<std::int64_t> first_ns{0};

std::int64_t monotonic_ns() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);  // async-signal-safe
  return std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

// Only async-signal-safe work here: note the first signal; one a second or more later takes the
// default action, one sooner is ignored.
void record(int signal) {
  const std::int64_t now = monotonic_ns();
  if (received.load() == 0) {
    first_ns.store(now);
    received.store(signal);
    return;
  }
  if (now - first_ns.load() < kSameRequestNs) return;
  std::signal(signal, SIG_DFL);
  std::raise(signal);  // delivered with the default action once this handler returns
}

}  // namespace

void catch_interrupts() {
  std::signal(SIGINT, record);
  std::signal(SIGTERM, record);
}

std::string interruption() {
  const int signal = received.load();
  if (signal == SIGINT) return "SIGINT";
  return signal == SIGTERM ? "SIGTERM" : "";
}

std::string interrupted_path(const std::string& out) {
  const std::string json = ".json";
  const bool has_json = out.size() > json.size() && out.compare(out.size() - json.size(), json.size(), json) == 0;
  return (has_json ? out.substr(0, out.size() - json.size()) : out) + ".interrupted.json";
}

}  // namespace actbench::cli
