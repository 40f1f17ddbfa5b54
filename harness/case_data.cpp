#include "harness/case_data.hpp"

#include <algorithm>
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

// Converts float64 values to the storage type, and back to the exact values the kernel will see.
template <class T>
HostValues<T> to_storage(HostValues<double>& values) {
  HostValues<T> out(values.size());
#pragma omp parallel for schedule(static) if (static_cast<std::int64_t>(values.size()) >= kParallelSetupFrom)
  for (std::size_t i = 0; i < values.size(); ++i) {
    using Compute = typename DTypeTraits<T>::Compute;
    out[i] = DTypeTraits<T>::store(static_cast<Compute>(values[i]));
    values[i] = static_cast<double>(DTypeTraits<T>::load(out[i]));
  }
  return out;
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

template <class T>
HostValues<double> from_storage(const Buffer& b, std::size_t count) {
  return read_storage<T>(b, count, [count](const T* raw) {
    HostValues<double> out(count);
#pragma omp parallel for schedule(static) if (static_cast<std::int64_t>(count) >= kParallelSetupFrom)
    for (std::size_t i = 0; i < count; ++i) out[i] = static_cast<double>(DTypeTraits<T>::load(raw[i]));
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
  return std::ldexp(epsilon_of(dtype), std::ilogb(a));
}

struct Comparison {
  ValidationResult& result;
  DType dtype;
  const char* what;

  void check(std::int64_t i, double got, double want, double allowed, double input) {
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
        result.max_abs_error = std::max(result.max_abs_error, err);
        if (want != 0) result.max_rel_error = std::max(result.max_rel_error, err / std::abs(want));
        result.max_ulp = std::max(result.max_ulp, err / ulp_at(want, dtype));
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
}

// Runs check(part, begin, end) on contiguous shares of [0, count), one per thread (parallel_chunks,
// as the kernels split), each into its own result, and merges them into `result` as one sequential
// loop would have filled it.
template <class Check>
void check_in_parallel(ValidationResult& result, std::int64_t count, const Check& check) {
  const int workers = count >= kParallelSetupFrom ? omp_get_max_threads() : 1;
  std::vector<ValidationResult> parts(static_cast<std::size_t>(workers));
  parallel_chunks(count, workers, [&](std::int64_t begin, std::int64_t end, int thread, int) {
    check(parts[static_cast<std::size_t>(thread)], begin, end);
  });
  for (const ValidationResult& part : parts) merge_into(result, part);
}

bool bit(const std::vector<std::uint8_t>& bytes, std::int64_t i) {
  return (bytes[static_cast<std::size_t>(i / 8)] >> (i % 8)) & 1u;
}

}  // namespace

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

  x_ = make_inputs(inputs, x_count, seed);
  if (s.gemm) {
    // Trained layers' weights scale as 1/sqrt(fan-in) (Xavier and Kaiming initialisation), which keeps
    // x W of the order of x, where the activations do their work.
    weights_ = make_inputs(InputKind::mixed, weight_count, seed + 3);
    for (double& w : weights_) w /= std::sqrt(static_cast<double>(shape.depth));
  }
  if (!forward) dy_ = make_inputs(InputKind::mixed, static_cast<std::int64_t>(dy_count), seed ^ 0x9e3779b97f4a7c15ull);
  if (s.slope) {
    slope_ = make_inputs(InputKind::positive, shape.channels, seed + 1);
    for (double& a : slope_) a = 0.05 + 0.1 * std::min(a, 2.5);  // learned slopes are small and positive
  }
  if (forward && s.bias) bias_ = make_inputs(InputKind::mixed, shape.channels, seed + 2);

  // Uploads values in the storage dtype and keeps, in `values`, exactly what the kernel will read.
  auto upload = [&](HostValues<double>& values) -> Buffer& {
    buffers_.emplace_back(c.device, dev, values.size() * elem);
    visit_dtype(c.dtype, [&](auto storage) {
      const auto raw = to_storage<decltype(storage)>(values);
      buffers_.back().upload(raw.data(), raw.size() * elem);
    });
    return buffers_.back();
  };
  buffers_.reserve(8);  // operands_ keeps pointers into buffers_: no reallocation after this point

  if (!forward && s.mask_in) {
    // The mask of the rounded x: round x first, then derive the bits the kernel reads.
    visit_dtype(c.dtype, [&](auto storage) { to_storage<decltype(storage)>(x_); });
    const auto bits = relu_mask(x_);
    buffers_.emplace_back(c.device, dev, mask_bytes);
    buffers_.back().upload(bits.data(), bits.size());
    operands_.mask = buffers_.back().data();
  } else {
    Buffer& xb = upload(x_);
    operands_.x = xb.data();
    if (forward && s.inplace) inplace_target_ = &xb;
  }
  if (!forward) {
    Buffer& dyb = upload(dy_);
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
  const ReferenceOutputs ref = compute_reference(case_, shape_, ReferenceInputs{x_, dy_, slope_, bias_});
  ValidationResult result;
  result.tolerance = tolerance_for(case_, shape_);
  const Tolerance& tol = result.tolerance;

  const auto got = output_values();
  const auto channels = static_cast<std::size_t>(shape_.channels);
  check_in_parallel(result, static_cast<std::int64_t>(ref.out.size()), [&](ValidationResult& part, std::int64_t begin,
                                                                          std::int64_t end) {
    Comparison compare{part, case_.dtype, forward ? "y" : "dx"};
    for (auto i = static_cast<std::size_t>(begin); i < static_cast<std::size_t>(end); ++i) {
      const std::size_t src = forward && s.out_factor == 2 ? (i / (2 * channels)) * channels + i % channels : i;
      double scale = 1;
      if (!forward && s.out_factor == 2) {  // dx reads dy_lo and dy_hi of its row
        const std::size_t lo = (i / channels) * 2 * channels + i % channels;
        scale = std::max({scale, std::abs(dy_[lo]), std::abs(dy_[lo + channels])});
      } else if (!forward) {
        scale = std::max(scale, std::abs(dy_[i]));
      }
      compare.check(static_cast<std::int64_t>(i), got[i], ref.out[i], tol.abs * scale + tol.rel * std::abs(ref.out[i]),
                    x_[src]);
    }
  });

  if (!ref.bias_grad.empty()) {
    // A sum of `rows` terms: each addition may round (rows * eps_c relative to the sum of magnitudes).
    const double eps_c = case_.dtype == DType::f64 ? epsilon_of(DType::f64) : epsilon_of(DType::f32);
    const Buffer& db = buffer_of(operands_.bias_grad);
    const auto got_db = download_values(db, case_.dtype, ref.bias_grad.size());
    Comparison compare_db{result, case_.dtype, "bias_grad"};
    const double dy_scale = std::max(1.0, std::abs(*std::max_element(dy_.begin(), dy_.end(), [](double a, double b) {
                                              return std::abs(a) < std::abs(b);
                                            })));
    for (std::size_t c = 0; c < ref.bias_grad.size(); ++c) {
      const double allowed = tol.abs * dy_scale * static_cast<double>(shape_.rows) +
                             (tol.rel + static_cast<double>(shape_.rows) * eps_c) * ref.bias_grad_abs[c] +
                             epsilon_of(case_.dtype) * std::abs(ref.bias_grad[c]);
      compare_db.check(static_cast<std::int64_t>(c), got_db[c], ref.bias_grad[c], allowed, 0.0);
    }
  }

  if (!ref.mask.empty()) {
    std::vector<std::uint8_t> bits(ref.mask.size());
    const Buffer& mb = buffer_of(operands_.mask);
    mb.download(bits.data(), bits.size());
    check_in_parallel(result, n, [&](ValidationResult& part, std::int64_t begin, std::int64_t end) {
      Comparison compare_mask{part, case_.dtype, "mask"};
      for (std::int64_t i = begin; i < end; ++i) {
        compare_mask.check_bit(i, bit(bits, i), bit(ref.mask, i), x_[static_cast<std::size_t>(i)]);
      }
    });
  }

  if (forward && s.zero_stats) {
    // Exactly against a direct count of the kernel's own y, not the reference's: rounding may
    // legitimately make or avoid a zero (gelu(-10) is about -7.6e-23, stored as -0 in f16), and y
    // itself was just held to the reference within tolerance.
    const std::int64_t channels = shape_.channels * s.out_factor;
    const auto want = zero_counts(got, channels);
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

// y on the reference's sampled rows, each element against its own allowance for the product's rounding.
// A large layer's other rows get the checks that need no reference, which cost nothing next to the
// download: with finite inputs every y was written (no NaN poison left), and the ReLU mask has its bit
// set wherever y > 0. A mask byte still holding reset()'s 0xA5 fails that unless its four clear bits
// all fall where y = 0.
ValidationResult CaseData::validate_gemm() const {
  const GemmReference ref = gemm_reference(case_, shape_, x_, weights_, bias_, slope_);
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
  const bool finite_inputs = all_finite(x_) && all_finite(weights_) && all_finite(bias_) && all_finite(slope_);
  std::size_t j = 0;  // the next sampled row
  for (std::int64_t row = 0; row < shape_.rows; ++row) {
    const bool sampled = j < ref.rows.size() && ref.rows[j] == row;
    for (std::size_t n = 0; n < channels; ++n) {
      const std::int64_t i = row * shape_.channels + static_cast<std::int64_t>(n);
      const double y = got[static_cast<std::size_t>(i)];
      if (!sampled) {
        if (finite_inputs) compare.check_written(i, y);
        if (!bits.empty() && y > 0) compare_mask.check_bit(i, bit(bits, i), true, y);
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

std::int64_t CaseData::output_count() const {
  return shape_.elements() * (case_.direction == Direction::forward ? case_.signature.out_factor : 1);
}

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
