#include "bench/interrupt.hpp"

#include <csignal>
#include <string>

namespace actbench::cli {
namespace {

volatile std::sig_atomic_t received = 0;

// Only async-signal-safe work here: note the signal, and let the next one take the default action.
void record(int signal) {
  received = signal;
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

}  // namespace

void catch_interrupts() {
  std::signal(SIGINT, record);
  std::signal(SIGTERM, record);
}

std::string interruption() {
  if (received == SIGINT) return "SIGINT";
  return received == SIGTERM ? "SIGTERM" : "";
}

std::string interrupted_path(const std::string& out) {
  const std::string json = ".json";
  const bool has_json = out.size() > json.size() && out.compare(out.size() - json.size(), json.size(), json) == 0;
  return (has_json ? out.substr(0, out.size() - json.size()) : out) + ".interrupted.json";
}

}  // namespace actbench::cli
