#include "bench/methodology.hpp"

namespace actbench::cli {

Methodology methodology_for(bool quick) {
  Methodology m;
  // With five repetitions a two-sided Mann-Whitney U test between two runs can reach p = 0.008, well
  // under compare.py's alpha of 0.05 (three can never go below p = 0.1, so --quick results fall back
  // to compare.py's noise rule). A tenth of a second per repetition keeps a full default sweep
  // within about an hour, while each repetition still spans thousands of runs at cache sizes.
  m.repetitions = quick ? 3 : 5;
  m.cpu_min_seconds = quick ? 0.01 : 0.1;
  // nvbench's defaults (0.5% noise, 0.5 s minimum) tightened in time: a repetition is one sample set.
  m.gpu.min_seconds = quick ? 0.01 : 0.1;
  m.gpu.max_seconds = quick ? 0.1 : 1.5;
  m.gpu.max_noise = 0.005;
  m.gpu.min_samples = quick ? 5 : 10;
  m.seed = 1;
  return m;
}

}  // namespace actbench::cli
