#pragma once
// Times work on a stream between two CUDA events without the host's launch latency, as nvbench does
// with its blocking kernel. On an idle stream the start event fires as soon as it is queued, and the
// GPU then waits for the host to enqueue the work (several microseconds), all of it inside the
// interval. So a gate kernel goes on the stream first and holds it until the host has queued the
// whole region: the start event then fires with the work right behind it.
#include <cuda_runtime_api.h>

#include "harness/cuda/cuda_handles.hpp"

namespace actbench::cuda {

class RegionTimer {
 public:
  explicit RegionTimer(cudaStream_t stream);  // on the stream's device, current
  ~RegionTimer();
  RegionTimer(const RegionTimer&) = delete;
  RegionTimer& operator=(const RegionTimer&) = delete;

  // Seconds between a start and a stop event around what enqueue() puts on the stream, behind the
  // gate. before() is enqueued behind the gate too, ahead of the start event (the clock probe).
  template <class Enqueue, class Before>
  double seconds(Enqueue&& enqueue, Before&& before) {
    hold();
    try {
      before();
      record_start();
      enqueue();
      record_stop();
    } catch (...) {
      release();
      throw;
    }
    release();
    const double s = elapsed();
    check_gate();
    return s;
  }
  template <class Enqueue>
  double seconds(Enqueue&& enqueue) {
    return seconds(enqueue, [] {});
  }

  // The same without the gate: the interval includes the host's time to enqueue, which is what one
  // launch onto an idle GPU costs.
  template <class Enqueue>
  double seconds_from_idle(Enqueue&& enqueue) {
    record_start();
    enqueue();
    record_stop();
    return elapsed();
  }

 private:
  void hold();
  void release();
  void record_start();
  void record_stop();
  double elapsed();
  void check_gate() const;

  cudaStream_t stream_;
  Event start_;
  Event stop_;
  struct Flags;
  Flags* flags_ = nullptr;         // page-locked host memory: the host writes `open`, the gate `timed_out`
  Flags* device_flags_ = nullptr;  // the same memory as the GPU addresses it
  unsigned long long generation_ = 0;  // of the last gate
};

}  // namespace actbench::cuda
