#pragma once
// The roofline of this run: copy bandwidth measured now, on the devices and at the thread counts the
// sweep uses, so each point is compared with what this machine does today. A shared VM's memory
// bandwidth drifts by a third within minutes (2-core EPYC VM: 26 to 46 GB/s within one hour), so the
// copy is measured again between points as the run goes on, and the peak is the fastest sample: what
// the machine was seen to do during the run. Every sample is kept for the results, with its time, and
// each point is also compared with the samples taken around it (local_peak_for): the bandwidth the
// machine had while that point was timed.
// Those are DRAM's roof. A CPU point is also set against a copy of its own size (same_size_copy_for),
// measured warm just before its comparison: the roof of the cache its working set lives in, which
// the DRAM copy says nothing about.
// The GEMM layers' roof is the plain matmul's best throughput on the sweep's layers (harness/matmul_roof.hpp),
// measured at the start for each device, thread count and dtype they use.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "bench/machine.hpp"
#include "bench/run_clock.hpp"
#include "bench/sweep.hpp"

namespace actbench::cli {

struct Peaks {
  std::map<int, std::vector<double>> cpu_samples;  // GB/s, by worker thread count, in time order
  std::map<int, std::vector<double>> gpu_samples;  // GB/s, by GPU index, in time order
  std::vector<double> sample_seconds;  // when each round of samples was taken: the n-th of every list above
  // GFLOP/s by (thread count, dtype) and by (GPU index, dtype), the fastest of the layers; absent where
  // the device's library cannot run the product in that dtype (its layers are skipped for that reason).
  std::map<std::pair<int, DType>, double> cpu_matmul_gflops;
  std::map<std::pair<int, DType>, double> gpu_matmul_gflops;
  // GB/s of a copy moving as many bytes as the point's minimum (half read, half written) on the
  // point's threads, by point name: the copy measured before each time the point was built (once
  // per repetition when repetitions are interleaved). CPU elementwise points only.
  std::map<std::string, std::vector<double>> same_size_copy_gbps;

  // The fastest sample of each.
  std::map<int, double> cpu_gbps() const;
  std::map<int, double> gpu_gbps() const;
};

class PeakSampler {
 public:
  // Time between samples once the first is taken. The bandwidth moves within a minute, and a sample
  // (1 and 2 threads, two copy loops over 128 MiB) costs 0.5-0.6 s on the 2-core Zen 5 VM: 2% of
  // the run.
  static constexpr std::chrono::seconds kInterval{30};

  // Takes the first sample and measures the matmul roofs. Throws std::runtime_error when a copy
  // cannot be measured (no memory, a broken GPU).
  PeakSampler(const std::vector<Point>& points, const Machine& machine, const RunClock& clock, bool quiet);

  // Measures every copy again (between points, never inside a timed region).
  void sample();
  // Before a point is built: sample() once kInterval has passed since the last one, and before the
  // first point of each question (question_of) whose working set exceeds the device's last cache,
  // so that the implementations of a DRAM-sized comparison are set against a copy measured seconds
  // before them. The default CPU sweep has about 300 such questions: under 3 minutes of copies in
  // nearly 3 hours (2-core Zen 5 VM). And, for a CPU elementwise point, the copy of its size when
  // its question, byte count or threads differ from the point before it.
  void sample_before(const Point& next);

  const Peaks& peaks() const { return peaks_; }

 private:
  void measure_matmul_roof(const Point& p);
  void measure_same_size_copy(const Point& p);

  const Machine& machine_;
  const RunClock& clock_;
  bool quiet_;
  Peaks peaks_;
  std::optional<Question> previous_;  // the question of the point before `next`
  // What the last same-size copy was measured for (question, bytes, threads), and its GB/s (absent
  // when it could not be measured).
  std::optional<std::tuple<Question, std::int64_t, int>> same_size_key_;
  std::optional<double> same_size_gbps_;
  std::set<std::tuple<Device, int, DType, std::string>> tried_;  // layers whose product was timed or refused
};

// The peak a point is compared with.
double peak_for(const Peaks& peaks, const Point& p);
// The fastest sample among those taken while the point was measured (from_s to to_s on the run's clock)
// and the nearest one before and after: the roof of the machine as it was then.
double local_peak_for(const Peaks& peaks, const Point& p, double from_s, double to_s);
// The copy of the point's own size (Peaks::same_size_copy_gbps), when it was measured: the median of
// its samples, as the point's time is the median of its repetitions (the fastest of five interleaved
// samples set the median repetition against the machine's best moment).
std::optional<double> same_size_copy_for(const Peaks& peaks, const Point& p);
// A GEMM layer point's matmul roof, when it was measured; none for elementwise points.
std::optional<double> matmul_peak_for(const Peaks& peaks, const Point& p);

}  // namespace actbench::cli
