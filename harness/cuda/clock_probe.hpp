#pragma once
// The SM clock actually run during a timed region, measured as nvbench does: a probe launched before
// and after the region records clock64() (SM cycles) and %globaltimer (ns) on SM 0; cycles over
// nanoseconds between the two probes is the mean clock in between, throttling included.
#include <memory>

#include <cuda_runtime_api.h>

namespace actbench::cuda {

class ClockProbe {
 public:
  explicit ClockProbe(int device);
  void start(cudaStream_t stream);  // enqueue the probe before the region
  void stop(cudaStream_t stream);   // and after it
  // Once the stream has finished: the clock in MHz, or 0 when the interval was too short for the
  // timer's resolution or no probe block ran on SM 0.
  double mhz() const;

 private:
  std::shared_ptr<void> stamps_;  // device: start ns, start cycles, stop ns, stop cycles
  unsigned sms_ = 1;
};

}  // namespace actbench::cuda
