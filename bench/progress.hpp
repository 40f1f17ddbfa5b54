#pragma once
// "[k/N] case ... ETA" on stderr as each point starts, so a long sweep shows where it is.
#include <chrono>
#include <cstddef>
#include <string>

namespace actbench::cli {

class Progress {
 public:
  Progress(std::size_t total, bool quiet) : total_(total), quiet_(quiet) {}
  void start(const std::string& point);

 private:
  std::size_t total_;
  bool quiet_;
  std::size_t started_ = 0;
  std::chrono::steady_clock::time_point first_;
};

// "42s", "3m05s", "1h02m".
std::string format_duration(double seconds);

}  // namespace actbench::cli
