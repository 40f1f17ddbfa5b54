#pragma once
// A case is one runnable point of the suite: activation x direction x implementation x device x
// dtype. Every implementation registers its cases here; the benchmark, the tests and --list read
// only this table (kernels/registry.hpp).
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "kernels/dtype.hpp"

namespace actbench {

enum class Direction { forward, backward };
enum class Device { cpu, cuda };

constexpr std::string_view name_of(Direction d) { return d == Direction::forward ? "forward" : "backward"; }
constexpr std::string_view name_of(Device d) { return d == Device::cpu ? "cpu" : "cuda"; }

// Row-major rows x channels; per-channel vectors (slope, bias) have `channels` elements. A GEMM case
// (Signature::gemm) also has a depth K: its x is rows x depth and its weights depth x channels, and
// rows x channels is the layer's output (M x N x K in BLAS terms).
struct Shape {
  std::int64_t rows = 1;
  std::int64_t channels = 1;
  std::int64_t depth = 0;  // GEMM cases only
  constexpr std::int64_t elements() const { return rows * channels; }
};

// How benchmark names and messages give a size: the element count, or a GEMM layer's "MxNxK".
std::string size_label(Shape shape);

// What a case reads and writes besides x and its output. Byte counts, buffer allocation and the
// reference all derive from this, so a new kind of case states it here once.
struct Signature {
  int out_factor = 1;      // crelu: forward output and backward dy hold 2n elements
  bool slope = false;      // reads C per-channel slopes (prelu)
  bool bias = false;       // forward reads C biases: y = f(x + b)
  bool bias_grad = false;  // backward also writes C bias gradients: db[c] = sum over rows of dx
  bool mask_out = false;   // forward also writes a 1-bit mask of x > 0
  bool mask_in = false;    // backward reads the mask instead of x
  bool inplace = false;    // forward writes y over x; backward writes dx over dy
  bool zero_stats = false; // forward also writes, per output channel, how many y are exactly zero (+-0),
                           // then their total: the dead-neuron monitor (fraction = count / rows)
  bool gemm = false;       // a whole layer, y = f(x W + b): x is rows x depth, W depth x channels (with bias)
};

// The statistics are 64-bit: a channel's count reaches `rows` and the total reaches every element,
// past 2^32 for the multi-GB tensors a GPU sweep reaches; 8 bytes per channel cost nothing beside n.
using ZeroCount = std::int64_t;

// Counters a zero_stats case writes: one per output channel (CReLU's output has 2C), then the total.
constexpr std::int64_t zero_count_slots(const Signature& s, Shape shape) {
  return s.out_factor * shape.channels + 1;
}

// Pointers on the case's device. x: forward input, or the saved forward input for backward (for the
// bias cases the pre-activation x + b). Unused ones stay null.
struct Operands {
  const void* x = nullptr;
  const void* dy = nullptr;
  void* out = nullptr;
  const void* slope = nullptr;
  const void* bias = nullptr;
  const void* weights = nullptr;  // GEMM cases: depth x channels, row-major
  void* bias_grad = nullptr;
  void* mask = nullptr;
  ZeroCount* zero_counts = nullptr;  // zero_count_slots() counters
  Shape shape;
};

struct ExecContext {
  int threads = 1;          // CPU worker threads the case may use
  void* stream = nullptr;   // cudaStream_t for GPU cases
  int device_index = 0;     // which GPU
  // CPU: the last-level cache. A pass that touches more than this writes its output with
  // non-temporal stores (0: never), since the cache could not keep it until it is read again.
  std::int64_t cache_bytes = 0;
  // Where Prepare records which of its kernels a vendor library chose, when it chooses (oneDNN's
  // implementation, cuDNN's engine, cuBLASLt's algorithm); results report it beside the time. Null: not
  // asked.
  std::string* library_kernel = nullptr;
};

// A runner does the case's work once; setting up (library handles, descriptors, plans) happens in
// Prepare, outside any timed region. Prepare throws std::runtime_error when the case cannot run on
// these operands; the message is the reason reported as skipped.
using Runner = std::function<void()>;
using Prepare = std::function<Runner(const Operands&, const ExecContext&)>;

struct Case {
  std::string activation;
  Direction direction = Direction::forward;
  std::string implementation;
  Device device = Device::cpu;
  DType dtype = DType::f32;
  Signature signature;
  Prepare prepare;          // empty when the implementation cannot express this case
  std::string unsupported;  // why not, when prepare is empty (reported as skipped, never faked)
  // How a vendor library departs from the documented semantics on non-finite inputs (NaN, +-Inf), when
  // it does. Such cases are held to the reference on finite inputs; on InputKind::special they are
  // reported as the validation failures they are.
  std::string deviations;
  // CPU: runs on the calling thread whatever ExecContext::threads says (naive), so it is recorded and
  // compared with the copy bandwidth of one thread.
  bool single_threaded = false;

  bool runnable() const { return static_cast<bool>(prepare); }
  std::string id() const;  // "relu/forward/vectorised/cpu/f32"
};

// The minimum bytes a case must move (DESIGN.md, "Counting bytes"): every input read once and every
// output written once, whatever the implementation actually does (unfused pays for its extra pass in
// time, not in bytes).
std::int64_t minimum_bytes(const Case& c, Shape shape);

// Floating-point operations of a GEMM case's matrix product, 2 x rows x channels x depth (the bias and
// the activation add O(rows x channels), noise beside it); 0 for elementwise cases.
std::int64_t matmul_flops(const Case& c, Shape shape);

}  // namespace actbench
