#include "bench/progress.hpp"

#include <cstdio>
#include <iostream>

namespace actbench::cli {

std::string format_duration(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char text[32];
  if (s < 60) {
    std::snprintf(text, sizeof(text), "%lds", s);
  } else if (s < 3600) {
    std::snprintf(text, sizeof(text), "%ldm%02lds", s / 60, s % 60);
  } else {
    std::snprintf(text, sizeof(text), "%ldh%02ldm", s / 3600, s / 60 % 60);
  }
  return text;
}

void Progress::start(const std::string& point) {
  const auto now = std::chrono::steady_clock::now();
  if (started_++ == 0) first_ = now;
  if (quiet_) return;
  std::string line = "[" + std::to_string(started_) + "/" + std::to_string(total_) + "] " + point;
  if (started_ > 1) {
    // Points so far took `elapsed`; the rest are assumed to take as long on average.
    const double elapsed = std::chrono::duration<double>(now - first_).count();
    const double remaining = total_ > started_ - 1 ? static_cast<double>(total_ - (started_ - 1)) : 0.0;
    line += "  ETA " + format_duration(elapsed / static_cast<double>(started_ - 1) * remaining);
  }
  std::cerr << line << '\n';
}

}  // namespace actbench::cli
