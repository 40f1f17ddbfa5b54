#include "harness/case_data.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <numeric>
#include <span>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <omp.h>

#include "harness/gemm_reference.hpp"
#include "harness/parallel_setup.hpp"
#include "harness/reference.hpp"
#include "kernels/cpu/parallel.hpp"
#include "kernels/cpu/pass_split_copy.hpp"

namespace actbench {
namespace {

// Writes values that T represents exactly (rounded by round_to_dtype) into b in storage type T: in
// place in a host buffer, through one upload to a device buffer.
template <class T>
void store_values(std::span<const double> values, Buffer& b) {
  const auto write = [&values](T* out) {
    const auto n = static_cast<std::int64_t>(values.size());
#pragma omp parallel for schedule(static) if (n >= kParallelSetupFrom)
    for (std::int64_t i = 0; i < n; ++i) {
      const auto k = static_cast<std::size_t>(i);
      out[k] = DTypeTraits<T>::store(static_cast<typename DTypeTraits<T>::Compute>(values[k]));
    }
  };
  if (b.device() == Device::cpu) {
    write(static_cast<T*>(b.data()));
    return;
  }
  HostValues<T> raw(values.size());
  write(raw.data());
  b.upload(raw.data(), raw.size() * sizeof(T));
}

// Calls read(values) with a buffer's first `count` values of storage type T: a host buffer where it
// is, a device buffer through a download.
template <class T, class Read>
auto read_storage(const Buffer& b, std::size_t count, const Read& read) {
  if (b.device() == Device::cpu) return read(static_cast<const T*>(b.data()));
  HostValues<T> downloaded(count);
  b.download(downloaded.data(), count * sizeof(T));
  return read(static_cast<const T*>(downloaded.data()));
}

// out[i] = raw[i] as float64, split between threads for a large span.
template <class T>
void widen(const T* raw, std::span<double> out) {
  const auto n = static_cast<std::int64_t>(out.size());
#pragma omp parallel for schedule(static) if (n >= kParallelSetupFrom)
  for (std::int64_t i = 0; i < n; ++i) {
    out[static_cast<std::size_t>(i)] = static_cast<double>(DTypeTraits<T>::load(raw[i]));
  }
}

template <class T>
HostValues<double> from_storage(const Buffer& b, std::size_t count) {
  return read_storage<T>(b, count, [count](const T* raw) {
    HostValues<double> out(count);
    widen(raw, std::span<double>(out));
    return out;
  });
}

HostValues<double> download_values(const Buffer& b, DType dtype, std::size_t count) {
  return visit_dtype(dtype, [&](auto storage) { return from_storage<decltype(storage)>(b, count); });
}

// The storage dtype's spacing of representable values at |v|: the unit of max_ulp.
double ulp_at(double v, DType dtype) {
  const double min_normal = dtype == DType::f16 ? 6.103515625e-05
                            : dtype == DType::f64 ? 2.2250738585072014e-308
                                                  : 1.1754943508222875e-38;
  const double a = std::max(std::abs(v), min_normal);
  // 2^ilogb(a), by clearing the significand of a (a normal number), times epsilon (a power of 2):
  // exact, and without the two libm calls that were most of the comparison's time.
  return std::bit_cast<double>(std::bit_cast<std::uint64_t>(a) & 0x7ff0000000000000ull) * epsilon_of(dtype);
}

struct Comparison {
  ValidationResult& result;
  DType dtype;
  const char* what;

  void check(std::int64_t i, double got, double want, double allowed, double input) {
    want = as_stored_range(want, dtype);
    bool ok;
    double err = 0;
    if (std::isnan(want)) {
      ok = std::isnan(got);
    } else if (std::isinf(want)) {
      ok = got == want;
    } else {
      err = std::abs(got - want);
      ok = err <= allowed;  // false for a NaN got: poisoned or wrong
      if (std::isfinite(err)) {
        // Divided only when the maximum grows: a division per element was a third of the comparison.
        result.max_abs_error = std::max(result.max_abs_error, err);
        if (want != 0 && err > result.max_rel_error * std::abs(want)) result.max_rel_error = err / std::abs(want);
        const double ulp = ulp_at(want, dtype);
        if (err > result.max_ulp * ulp) result.max_ulp = err / ulp;
        if (err > result.max_tolerance_used * allowed) result.max_tolerance_used = err / allowed;
      }
    }
    if (ok) return;
    fail([&] {
      std::ostringstream msg;
      msg.precision(9);
      msg << what << " element " << i << ": got " << got << ", expected " << want << " (input " << input
          << ", allowed error " << allowed << ")";
      return msg.str();
    });
    if (!std::isfinite(err)) result.max_abs_error = std::numeric_limits<double>::infinity();
  }

  // Bit i of a 1-bit mask, which must equal the reference's.
  void check_bit(std::int64_t i, bool got, bool want, double input) {
    if (got == want) return;
    fail([&] {
      return std::string(what) + " bit " + std::to_string(i) + " is " + (got ? "1" : "0") + " for input " +
             std::to_string(input);
    });
  }

  // An element with no reference to compare with, where every input was finite: NaN there is the
  // poison reset() left, an element the kernel never wrote.
  void check_written(std::int64_t i, double got) {
    if (!std::isnan(got)) return;
    fail([&] { return std::string(what) + " element " + std::to_string(i) + " is NaN: never written"; });
    result.max_abs_error = std::numeric_limits<double>::infinity();
  }

  // Counts a mismatch; the message of the first one is kept.
  template <class Describe>
  void fail(const Describe& describe) {
    if (result.mismatches++ == 0) result.first_mismatch = describe();
    result.passed = false;
  }
};

bool all_finite(std::span<const double> values) {
  return std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
}

// Folds a part of a comparison into the whole; parts arrive in index order, so the first mismatch
// kept is the lowest-index one.
void merge_into(ValidationResult& whole, const ValidationResult& part) {
  if (part.mismatches > 0 && whole.mismatches == 0) whole.first_mismatch = part.first_mismatch;
  whole.mismatches += part.mismatches;
  whole.passed = whole.passed && part.passed;
  whole.max_abs_error = std::max(whole.max_abs_error, part.max_abs_error);
  whole.max_rel_error = std::max(whole.max_rel_error, part.max_rel_error);
  whole.max_ulp = std::max(whole.max_ulp, part.max_ulp);
  whole.max_tolerance_used = std::max(whole.max_tolerance_used, part.max_tolerance_used);
}

// validate() walks the tensor in blocks of about this many elements, each computed, compared and
// dropped while it is in the cache. A float64 reference and a float64 copy of the output, each of the
// whole tensor, made a 64M-element f32 point fault in 1 GiB of fresh pages and took 1.3-2.6 s to
// validate on two Zen 4 cores.
constexpr std::int64_t kValidationBlock = 8192;

bool bit(const std::vector<std::uint8_t>& bytes, std::int64_t i) {
  return (bytes[static_cast<std::size_t>(i / 8)] >> (i % 8)) & 1u;
}

}  // namespace

// One thread's share of a validation: its comparisons, and its blocks' part of the reductions checked
// once all are in (the reference's bias gradient and the zeros of y, per channel).
struct CaseData::BlockTotals {
  BlockTotals(std::size_t bias_channels, std::size_t count_slots)
      : bias_grad(bias_channels), bias_grad_abs(bias_channels), zeros(count_slots) {}

  // Adds the share of the thread with the next blocks: the lowest-index mismatch stays first.
  void add(const BlockTotals& next) {
    merge_into(result, next.result);
    for (std::size_t c = 0; c < bias_grad.size(); ++c) {
      bias_grad[c] += next.bias_grad[c];
      bias_grad_abs[c] += next.bias_grad_abs[c];
    }
    for (std::size_t k = 0; k < zeros.size(); ++k) zeros[k] += next.zeros[k];
  }

  ValidationResult result;
  std::vector<double> bias_grad, bias_grad_abs;
  std::vector<ZeroCount> zeros;  // per output channel, then their total (as zero_counts)
};

Shape shape_for(std::int64_t elements) {
  const std::int64_t channels = std::gcd(elements, std::int64_t{256});
  return Shape{elements / channels, channels};
}

CaseData::CaseData(const Case& c, Shape shape, InputKind inputs, std::uint64_t seed, int device_index)
    : case_(c), shape_(shape) {
  const Signature& s = c.signature;
  const std::int64_t n = shape.elements();
  if (n <= 0) throw std::invalid_argument("a case needs at least one element");
  if (s.gemm && shape.depth <= 0) throw std::invalid_argument("a GEMM case needs a depth of at least 1");
  const bool forward = c.direction == Direction::forward;
  const std::size_t elem = size_of(c.dtype);
  const std::size_t mask_bytes = static_cast<std::size_t>((n + 7) / 8);
  const std::size_t out_count = static_cast<std::size_t>(forward ? n * s.out_factor : n);
  const std::size_t dy_count = static_cast<std::size_t>(n * s.out_factor);
  // A GEMM case's x is rows x depth, and it reads depth x channels weights.
  const std::int64_t x_count = s.gemm ? shape.rows * shape.depth : n;
  const std::int64_t weight_count = s.gemm ? shape.depth * shape.channels : 0;
  const int dev = device_index;

  const std::size_t count_bytes = forward && s.zero_stats
                                      ? static_cast<std::size_t>(zero_count_slots(s, shape)) * sizeof(ZeroCount)
                                      : 0;
  const std::size_t needed = static_cast<std::size_t>(x_count + weight_count) * elem +
                             (forward ? 0 : dy_count * elem) + out_count * elem + mask_bytes +
                             3 * static_cast<std::size_t>(shape.channels) * elem + count_bytes;
  const std::size_t available = free_memory(c.device, dev);
  if (needed > available) {
    throw std::runtime_error("needs " + std::to_string(needed >> 20) + " MiB, " + std::to_string(available >> 20) +
                             " MiB free on " + std::string(name_of(c.device)) +
                             (c.device == Device::cuda ? ":" + std::to_string(dev) : std::string()));
  }

  x_ = shared_inputs(inputs, x_count, seed, c.dtype);
  if (!forward) {
    dy_ = shared_inputs(InputKind::mixed, static_cast<std::int64_t>(dy_count), seed ^ 0x9e3779b97f4a7c15ull, c.dtype);
  }
  if (s.gemm) {
    // Trained layers' weights scale as 1/sqrt(fan-in) (Xavier and Kaiming initialisation), which keeps
    // x W of the order of x, where the activations do their work.
    weights_ = make_inputs(InputKind::mixed, weight_count, seed + 3);
    for (double& w : weights_) w /= std::sqrt(static_cast<double>(shape.depth));
    round_to_dtype(weights_, c.dtype);
  }
  if (s.slope) {
    slope_ = make_inputs(InputKind::positive, shape.channels, seed + 1);
    for (double& a : slope_) a = 0.05 + 0.1 * std::min(a, 2.5);  // learned slopes are small and positive
    round_to_dtype(slope_, c.dtype);
  }
  if (forward && s.bias) {
    bias_ = make_inputs(InputKind::mixed, shape.channels, seed + 2);
    round_to_dtype(bias_, c.dtype);
  }

  auto upload = [&](std::span<const double> values) -> Buffer& {
    buffers_.emplace_back(c.device, dev, values.size() * elem);
    visit_dtype(c.dtype, [&](auto storage) { store_values<decltype(storage)>(values, buffers_.back()); });
    return buffers_.back();
  };
  buffers_.reserve(8);  // operands_ keeps pointers into buffers_: no reallocation after this point

  if (!forward && s.mask_in) {
    const auto bits = relu_mask(*x_);  // of x as rounded, as the forward that wrote it saw it
    buffers_.emplace_back(c.device, dev, mask_bytes);
    buffers_.back().upload(bits.data(), bits.size());
    operands_.mask = buffers_.back().data();
  } else {
    Buffer& xb = upload(*x_);
    operands_.x = xb.data();
    if (forward && s.inplace) inplace_target_ = &xb;
  }
  if (!forward) {
    Buffer& dyb = upload(*dy_);
    operands_.dy = dyb.data();
    if (s.inplace) inplace_target_ = &dyb;
  }
  if (s.slope) operands_.slope = upload(slope_).data();
  if (forward && s.bias) operands_.bias = upload(bias_).data();
  if (s.gemm) operands_.weights = upload(weights_).data();

  if (inplace_target_) {
    operands_.out = inplace_target_->data();
    pristine_ = Buffer(c.device, dev, inplace_target_->bytes());
    pristine_.copy_from(*inplace_target_);
  } else {
    buffers_.emplace_back(c.device, dev, out_count * elem);
    operands_.out = buffers_.back().data();
  }
  if (!forward && s.bias_grad) {
    buffers_.emplace_back(c.device, dev, static_cast<std::size_t>(shape.channels) * elem);
    operands_.bias_grad = buffers_.back().data();
  }
  if (forward && s.mask_out) {
    buffers_.emplace_back(c.device, dev, mask_bytes);
    operands_.mask = buffers_.back().data();
  }
  if (count_bytes > 0) {
    buffers_.emplace_back(c.device, dev, count_bytes);
    operands_.zero_counts = static_cast<ZeroCount*>(buffers_.back().data());
  }
  operands_.shape = shape;
  reset();
}

void CaseData::restore_inplace_input(int threads) {
  if (!inplace_target_) return;
  if (case_.device != Device::cpu) {
    inplace_target_->copy_from(pristine_);
    return;
  }
  const std::size_t element_bytes = size_of(case_.dtype);
  pass_split_copy(case_.activation, threads, inplace_target_->data(), pristine_.data(),
                  static_cast<std::int64_t>(pristine_.bytes() / element_bytes), element_bytes);
}

void CaseData::reset() {
  restore_inplace_input(1);
  // All ones everywhere an output goes: NaN in every floating dtype, so an element the kernel never
  // writes fails validation. A mask gets 0xA5, a pattern no mask of zeros matches, and a zero count
  // -1, no count: a kernel that skips a counter, or adds to it without zeroing it first, fails.
  if (!inplace_target_) buffer_of(operands_.out).fill_bytes(0xFF);
  if (operands_.bias_grad) buffer_of(operands_.bias_grad).fill_bytes(0xFF);
  if (case_.direction == Direction::forward && case_.signature.mask_out) buffer_of(operands_.mask).fill_bytes(0xA5);
  if (operands_.zero_counts) buffer_of(operands_.zero_counts).fill_bytes(0xFF);
}

const Buffer& CaseData::buffer_of(const void* data) const {
  return *std::find_if(buffers_.begin(), buffers_.end(), [&](const Buffer& b) { return b.data() == data; });
}

Buffer& CaseData::buffer_of(const void* data) {
  return const_cast<Buffer&>(std::as_const(*this).buffer_of(data));
}

ValidationResult CaseData::validate() const {
  if (case_.signature.gemm) return validate_gemm();
  const Signature& s = case_.signature;
  const std::int64_t n = shape_.elements();
  const bool forward = case_.direction == Direction::forward;
  const std::int64_t channels = shape_.channels;
  const std::int64_t out_row = output_row();
  const Tolerance tol = tolerance_for(case_, shape_);

  std::vector<std::uint8_t> bits;  // the mask the forward wrote
  if (forward && s.mask_out) {
    bits.resize(static_cast<std::size_t>((n + 7) / 8));
    buffer_of(operands_.mask).download(bits.data(), bits.size());
  }

  // Blocks of whole rows, a multiple of 8 so that each block's mask starts on a byte.
  const std::int64_t block_rows = (std::max<std::int64_t>(1, kValidationBlock / channels) + 7) / 8 * 8;
  const std::int64_t blocks = (shape_.rows + block_rows - 1) / block_rows;
  const int workers = n >= kParallelSetupFrom ? omp_get_max_threads() : 1;
  std::vector<BlockTotals> parts(static_cast<std::size_t>(workers),
                                 BlockTotals(static_cast<std::size_t>(s.bias_grad ? channels : 0),
                                             static_cast<std::size_t>(forward && s.zero_stats ? out_row + 1 : 0)));
  visit_dtype(case_.dtype, [&](auto storage) {
    using T = decltype(storage);
    read_storage<T>(buffer_of(operands_.out), static_cast<std::size_t>(output_count()), [&](const T* y) {
      parallel_chunks(blocks, workers, [&](std::int64_t first, std::int64_t last, int thread, int) {
        HostValues<double> got;
        for (std::int64_t b = first; b < last; ++b) {
          const std::int64_t r0 = b * block_rows;
          got.resize(static_cast<std::size_t>(std::min(block_rows, shape_.rows - r0) * out_row));
          widen(y + r0 * out_row, std::span<double>(got));
          check_rows(r0, got, bits, tol, parts[static_cast<std::size_t>(thread)]);
        }
      });
    });
  });
  BlockTotals whole = std::move(parts.front());
  for (std::size_t t = 1; t < parts.size(); ++t) whole.add(parts[t]);
  ValidationResult result = std::move(whole.result);
  result.tolerance = tol;

  if (s.bias_grad) {
    // A sum of `rows` terms: each addition may round (rows * eps_c relative to the sum of magnitudes).
    const double eps_c = case_.dtype == DType::f64 ? epsilon_of(DType::f64) : epsilon_of(DType::f32);
    const Buffer& db = buffer_of(operands_.bias_grad);
    const auto got_db = download_values(db, case_.dtype, whole.bias_grad.size());
    Comparison compare_db{result, case_.dtype, "bias_grad"};
    const double dy_scale = std::max(1.0, std::abs(*std::max_element(dy_->begin(), dy_->end(), [](double a, double b) {
                                              return std::abs(a) < std::abs(b);
                                            })));
    for (std::size_t c = 0; c < whole.bias_grad.size(); ++c) {
      const double allowed = tol.abs * dy_scale * static_cast<double>(shape_.rows) +
                             (tol.rel + static_cast<double>(shape_.rows) * eps_c) * whole.bias_grad_abs[c] +
                             epsilon_of(case_.dtype) * std::abs(whole.bias_grad[c]);
      compare_db.check(static_cast<std::int64_t>(c), got_db[c], whole.bias_grad[c], allowed, 0.0);
    }
  }

  if (!whole.zeros.empty()) {
    // Exactly against a direct count of the kernel's own y, not the reference's: rounding may
    // legitimately make or avoid a zero (gelu(-10) is about -7.6e-23, stored as -0 in f16), and y
    // itself was just held to the reference within tolerance.
    const auto& want = whole.zeros;
    const auto have = zero_count_values();
    Comparison compare_counts{result, case_.dtype, "zero count"};
    for (std::size_t k = 0; k < want.size(); ++k) {
      if (want[k] == have[k]) continue;
      compare_counts.fail([&] {
        return (k + 1 == want.size() ? std::string("total zero count") : "zero count of channel " + std::to_string(k)) +
               " is " + std::to_string(have[k]) + ", y holds " + std::to_string(want[k]) + " zeros";
      });
    }
  }
  return result;
}

// Rows [r0, r0 + rows) of the output, whose values are `got`, against their reference within `tol`; with the mask
// the forward wrote (empty if none), from byte r0 * C / 8 (r0 is a multiple of 8).
void CaseData::check_rows(std::int64_t r0, std::span<const double> got, const std::vector<std::uint8_t>& mask,
                          const Tolerance& tol, BlockTotals& part) const {
  const Signature& s = case_.signature;
  const bool forward = case_.direction == Direction::forward;
  const std::int64_t channels = shape_.channels;
  const std::int64_t out_row = output_row();
  const std::int64_t dy_row = channels * s.out_factor;
  const std::int64_t rows = static_cast<std::int64_t>(got.size()) / out_row;
  const auto x = std::span<const double>(*x_).subspan(static_cast<std::size_t>(r0 * channels),
                                                     static_cast<std::size_t>(rows * channels));
  const auto dy = forward ? std::span<const double>()
                          : std::span<const double>(*dy_).subspan(static_cast<std::size_t>(r0 * dy_row),
                                                                 static_cast<std::size_t>(rows * dy_row));
  const ReferenceOutputs ref = compute_reference(case_, Shape{rows, channels}, ReferenceInputs{x, dy, slope_, bias_});

  Comparison compare{part.result, case_.dtype, forward ? "y" : "dx"};
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t k = 0; k < out_row; ++k) {
      const std::int64_t c = k < channels ? k : k - channels;  // crelu's y reads x's channel twice
      double scale = 1;
      if (!forward) {  // dx reads dy, and crelu's dx also the second half of dy's row
        const double* d = dy.data() + r * dy_row + k;
        scale = std::max(scale, std::abs(d[0]));
        if (s.out_factor == 2) scale = std::max(scale, std::abs(d[channels]));
      }
      const auto j = static_cast<std::size_t>(r * out_row + k);
      compare.check((r0 + r) * out_row + k, got[j], ref.out[j], tol.abs * scale + tol.rel * std::abs(ref.out[j]),
                    x[static_cast<std::size_t>(r * channels + c)]);
    }
  }
  for (std::size_t c = 0; c < ref.bias_grad.size(); ++c) {
    part.bias_grad[c] += ref.bias_grad[c];
    part.bias_grad_abs[c] += ref.bias_grad_abs[c];
  }
  if (!mask.empty()) {
    Comparison compare_mask{part.result, case_.dtype, "mask"};
    for (std::int64_t i = 0; i < rows * channels; ++i) {
      compare_mask.check_bit(r0 * channels + i, bit(mask, r0 * channels + i), bit(ref.mask, i),
                             x[static_cast<std::size_t>(i)]);
    }
  }
  if (!part.zeros.empty()) {
    const auto zeros = zero_counts(got, out_row);
    for (std::size_t k = 0; k < zeros.size(); ++k) part.zeros[k] += zeros[k];
  }
}

// y on the reference's sampled rows, each element against its own allowance for the product's rounding.
// A large layer's other rows get the checks that need no reference, which cost nothing next to the
// download: with finite inputs every y was written (no NaN poison left), and the ReLU mask has its bit
// set wherever y > 0 and, in f32 and f64, clear wherever y = 0. A mask byte still holding reset()'s
// 0xA5 fails that.
ValidationResult CaseData::validate_gemm() const {
  const GemmReference ref = gemm_reference(case_, shape_, *x_, weights_, bias_, slope_);
  ValidationResult result;
  result.tolerance = tolerance_for(case_, shape_);
  const Tolerance& tol = result.tolerance;
  const auto got = output_values();
  // The epilogue's ReLU mask, when the case writes one: bit i of y set where z = x W + b > 0.
  std::vector<std::uint8_t> bits;
  if (case_.signature.mask_out) {
    bits.resize(static_cast<std::size_t>((shape_.elements() + 7) / 8));
    buffer_of(operands_.mask).download(bits.data(), bits.size());
  }
  Comparison compare{result, case_.dtype, "y (its input: x W + b)"};
  Comparison compare_mask{result, case_.dtype, "mask (its input: x W + b)"};
  const std::size_t channels = static_cast<std::size_t>(shape_.channels);
  const bool finite_inputs = all_finite(*x_) && all_finite(weights_) && all_finite(bias_) && all_finite(slope_);
  // Off the sampled rows y alone says the bit: set where y > 0, and clear where y == 0 unless storing y
  // in 16 bits could have rounded a positive z to 0.
  const bool zero_means_clear = case_.dtype == DType::f32 || case_.dtype == DType::f64;
  std::size_t j = 0;  // the next sampled row
  for (std::int64_t row = 0; row < shape_.rows; ++row) {
    const bool sampled = j < ref.rows.size() && ref.rows[j] == row;
    for (std::size_t n = 0; n < channels; ++n) {
      const std::int64_t i = row * shape_.channels + static_cast<std::int64_t>(n);
      const double y = got[static_cast<std::size_t>(i)];
      if (!sampled) {
        if (finite_inputs) compare.check_written(i, y);
        if (!bits.empty() && (y > 0 || (y == 0 && zero_means_clear))) {
          compare_mask.check_bit(i, bit(bits, i), y > 0, y);
        }
        continue;
      }
      const std::size_t at = j * channels + n;
      const double rounding = gemm_rounding_allowance(case_, shape_, ref.magnitude[at]);
      compare.check(i, y, ref.y[at], tol.abs + tol.rel * std::abs(ref.y[at]) + rounding, ref.z[at]);
      // Where z is within the product's rounding of 0, its sign is the rounding's: not held to the reference.
      if (!bits.empty() && std::abs(ref.z[at]) > rounding) {
        compare_mask.check_bit(i, bit(bits, i), ref.z[at] > 0, ref.z[at]);
      }
    }
    if (sampled) ++j;
  }
  return result;
}

std::int64_t CaseData::output_row() const {
  return shape_.channels * (case_.direction == Direction::forward ? case_.signature.out_factor : 1);
}

std::int64_t CaseData::output_count() const { return shape_.rows * output_row(); }

HostValues<double> CaseData::output_values() const {
  return download_values(buffer_of(operands_.out), case_.dtype, static_cast<std::size_t>(output_count()));
}

std::vector<ZeroCount> CaseData::zero_count_values() const {
  const Buffer& counts = buffer_of(operands_.zero_counts);
  std::vector<ZeroCount> values(counts.bytes() / sizeof(ZeroCount));
  counts.download(values.data(), counts.bytes());
  return values;
}

double CaseData::output_sparsity() const {
  const std::int64_t n = output_count();
  if (operands_.zero_counts) return static_cast<double>(zero_count_values().back()) / static_cast<double>(n);
  const std::int64_t zeros = visit_dtype(case_.dtype, [&](auto storage) {
    using T = decltype(storage);
    return read_storage<T>(buffer_of(operands_.out), static_cast<std::size_t>(n), [n](const T* values) {
      std::int64_t count = 0;
#pragma omp parallel for schedule(static) reduction(+ : count) if (n >= kParallelSetupFrom)
      for (std::int64_t i = 0; i < n; ++i) count += DTypeTraits<T>::load(values[i]) == 0 ? 1 : 0;
      return count;
    });
  });
  return static_cast<double>(zeros) / static_cast<double>(n);
}

std::size_t CaseData::device_bytes() const {
  std::size_t total = pristine_.bytes();
  for (const Buffer& b : buffers_) total += b.bytes();
  return total;
}

ValidationResult run_and_validate(const Case& c, Shape shape, InputKind inputs, std::uint64_t seed,
                                  const ExecContext& ctx) {
  CaseData data(c, shape, inputs, seed, ctx.device_index);
  const Runner run = c.prepare(data.operands(), ctx);
  data.reset();
  run();
  synchronize(c.device, ctx);
  return data.validate();
}

}  // namespace actbench
