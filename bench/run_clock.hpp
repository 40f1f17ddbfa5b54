#pragma once
// Seconds since the run began: the one axis on which points and copy samples are placed, so that each
// point can be compared with the copy bandwidth measured around the time it was timed.
#include <chrono>

namespace actbench::cli {

class RunClock {
 public:
  double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace actbench::cli
