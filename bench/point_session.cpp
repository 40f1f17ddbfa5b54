#include "bench/point_session.hpp"

#include <iostream>
#include <new>
#include <stdexcept>
#include <utility>

#include "bench/interrupt.hpp"
#include "harness/buffers.hpp"
#include "kernels/registry.hpp"

namespace actbench::cli {

std::string describe(const Point& p) {
  if (p.shape.depth > 0) return p.name;  // the name gives the layer's M x N x K
  return p.name + " (" + std::to_string(p.shape.rows) + "x" + std::to_string(p.shape.channels) + ")";
}

PointSession::PointSession(const std::vector<Point>& points, const Machine& machine, const RunClock& clock,
                           Progress& progress, std::uint64_t seed, std::function<void(std::size_t)> between_points)
    : points_(points),
      machine_(machine),
      clock_(clock),
      progress_(progress),
      seed_(seed),
      between_points_(std::move(between_points)),
      outcomes_(points.size()) {}

PointSession::~PointSession() { release(); }

void PointSession::release() {
  if (current_) outcomes_[*current_].timed_to_s = clock_.seconds();
  active_.reset();
  current_.reset();
}

ExecContext PointSession::context_for(const Point& p) {
  ExecContext ctx;
  ctx.threads = p.threads;
  ctx.device_index = p.device_index;
  ctx.cache_bytes = static_cast<std::int64_t>(machine_.cpu.last_level_bytes());
  if (p.c->device == Device::cuda) {
    auto& stream = streams_[p.device_index];
    if (!stream) stream = std::make_unique<GpuStream>(p.device_index);
    ctx.stream = stream->get();
  }
  return ctx;
}

PointSession::Active* PointSession::acquire(std::size_t index) {
  if (const std::string signal = interruption(); !signal.empty()) {
    // A point cut short keeps none of its repetitions: it goes back to not run.
    PointOutcome& out = outcomes_[index];
    if (out.status == PointStatus::measured || out.status == PointStatus::pending) {
      out.status = PointStatus::pending;
      out.reason = kNotRunPrefix + signal;
    }
    release();
    return nullptr;
  }
  if (current_ == index) return active_.get();
  const PointStatus status = outcomes_[index].status;
  if (status != PointStatus::pending && status != PointStatus::measured) return nullptr;
  release();
  between_points_(index);
  if (status == PointStatus::pending) progress_.start(points_[index].name);
  build(index);
  return active_.get();
}

std::string PointSession::why_not_timed(std::size_t index) const {
  const PointOutcome& out = outcomes_[index];
  return out.status == PointStatus::failed ? "validation failed: " + out.validation.first_mismatch : out.reason;
}

void PointSession::record_error(std::size_t index, const std::string& what) {
  outcomes_[index].status = PointStatus::error;
  outcomes_[index].reason = what;
  std::cerr << "ERROR " << describe(points_[index]) << ": " << what << '\n';
  release();
}

void PointSession::build(std::size_t index) {
  const Point& p = points_[index];
  PointOutcome& out = outcomes_[index];
  auto active = std::make_unique<Active>();
  ExecContext ctx;

  // Allocation and Prepare may refuse the point (no memory, a library that cannot express it):
  // that is a skip with its reason, not an error.
  try {
    ctx = context_for(p);
    ctx.library_kernel = &out.library_kernel;
    active->data = std::make_unique<CaseData>(*p.c, p.shape, p.input, seed_, p.device_index);
    active->run = p.c->prepare(active->data->operands(), ctx);
    if (p.c->signature.inplace) {
      active->restore = [data = active->data.get(), threads = ctx.threads] { data->restore_inplace_input(threads); };
    }
  } catch (const std::bad_alloc&) {
    out.status = PointStatus::skipped;
    out.reason = "does not fit in host memory";
  } catch (const std::runtime_error& e) {
    out.status = PointStatus::skipped;
    out.reason = e.what();
  }
  if (out.status == PointStatus::skipped) {
    std::cerr << "skipped " << describe(p) << ": " << out.reason << '\n';
    return;
  }

  // Validate before timing: a wrong answer is never timed.
  try {
    active->data->reset();
    active->run();
    synchronize(p.c->device, ctx);
    out.validation = active->data->validate();
    if (!out.validation.passed) {
      out.status = PointStatus::failed;
      std::cerr << "FAILED " << describe(p) << ": " << out.validation.mismatches << " mismatches, first: "
                << out.validation.first_mismatch << '\n';
      return;
    }
    if (p.c->direction == Direction::forward) out.sparsity = active->data->output_sparsity();
    if (p.c->device == Device::cuda) {
      active->sampler = std::make_unique<GpuSampler>(active->run, ctx, p.cold_l2, active->restore);
      // Where the working set fits in L2 the kernel takes a few microseconds, as long as a launch:
      // report the launch overhead there, separately from the kernel time.
      if (static_cast<std::size_t>(minimum_bytes(*p.c, p.shape)) <= machine_.gpus[p.device_index].l2_bytes) {
        out.launch_overhead_seconds = active->sampler->launch_overhead_seconds();
      }
    }
  } catch (const std::exception& e) {
    record_error(index, e.what());
    return;
  }
  if (out.status == PointStatus::pending) out.timed_from_s = clock_.seconds();
  out.status = PointStatus::measured;
  active_ = std::move(active);
  current_ = index;
}

}  // namespace actbench::cli
