#pragma once
// All buffers of one case at one shape: seeded inputs on the case's device, outputs poisoned with NaN
// before each run, and the float64 reference to validate against.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "harness/buffers.hpp"
#include "harness/host_values.hpp"
#include "harness/inputs.hpp"
#include "harness/validate.hpp"
#include "kernels/case.hpp"

namespace actbench {

// The shape the sweep uses for n elements: channels = gcd(n, 256), so every size has whole rows.
Shape shape_for(std::int64_t elements);

class CaseData {
 public:
  // Allocates and fills on the case's device (GPU `device_index` for CUDA cases); throws
  // std::runtime_error if the buffers do not fit in memory.
  CaseData(const Case& c, Shape shape, InputKind inputs, std::uint64_t seed, int device_index = 0);

  const Operands& operands() const { return operands_; }
  // Before every validated run: restores inputs that an in-place case overwrote, poisons outputs.
  void reset();
  // Restores only what an in-place run overwrote (for timing loops; a no-op otherwise). On the CPU
  // the copy is split between `threads` as the case's pass splits the tensor (pass_split_copy), so
  // the run finds each chunk in its own core's cache; a single-threaded restore left half of it in
  // the other core's and made in-place 1.3-3x slower than out-of-place on cache-resident sizes.
  void restore_inplace_input(int threads);
  // Downloads the outputs and compares them with the float64 reference.
  ValidationResult validate() const;
  // The primary output (y, or dx) as float64, and its fraction of exactly-zero elements (for a
  // zero_stats case, the one its kernel counted).
  HostValues<double> output_values() const;
  double output_sparsity() const;
  // A zero_stats case's counters as the kernel left them: per output channel, then the total.
  std::vector<ZeroCount> zero_count_values() const;
  // Bytes allocated on the case's device.
  std::size_t device_bytes() const;

 private:
  struct BlockTotals;
  void check_rows(std::int64_t r0, std::span<const double> got, const std::vector<std::uint8_t>& mask,
                  const Tolerance& tol, BlockTotals& part) const;
  ValidationResult validate_gemm() const;
  // Elements of the primary output per row (C, or 2C for crelu's y), and in all: y or dx.
  std::int64_t output_row() const;
  std::int64_t output_count() const;
  // The owned buffer behind `data`, one of operands_' pointers.
  const Buffer& buffer_of(const void* data) const;
  Buffer& buffer_of(const void* data);

  const Case& case_;
  Shape shape_;
  Operands operands_;
  std::vector<Buffer> buffers_;       // owned device/host memory behind operands_
  Buffer pristine_;                   // copy of the in-place input, on the same device
  Buffer* inplace_target_ = nullptr;  // the buffer an in-place case overwrites
  // Host float64 copies of every input as the kernel sees it (after rounding to the dtype); x and dy
  // are shared with the other points set up on the same inputs (shared_inputs).
  std::shared_ptr<const HostValues<double>> x_, dy_;
  HostValues<double> slope_, bias_, weights_;
};

// Convenience for tests: prepare, reset, run once, synchronize and validate.
ValidationResult run_and_validate(const Case& c, Shape shape, InputKind inputs, std::uint64_t seed,
                                  const ExecContext& ctx);

}  // namespace actbench
