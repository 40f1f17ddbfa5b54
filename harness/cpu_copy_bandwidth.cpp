#include "harness/cpu_copy_bandwidth.hpp"

#include <algorithm>
#include <barrier>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "harness/buffers.hpp"
#include "kernels/cpu/stores.hpp"
#include "kernels/cpu/stream_copy.hpp"

namespace actbench {
namespace {

// One untimed pass faults the pages in and warms the TLBs; the median of the timed passes is the
// figure (robust to one pass disturbed by another process).
constexpr int kWarmupPasses = 1;
constexpr int kTimedPasses = 9;
constexpr std::size_t kSliceAlignment = 64;
// A timed pass copies at least this much, repeating a small copy: a single copy of a cache-resident
// buffer lasts less than the barrier that ends it.
constexpr std::size_t kPassBytes = std::size_t{16} << 20;

using CopyFunction = void (*)(void* to, const void* from, std::size_t count);

void library_copy(void* to, const void* from, std::size_t count) { std::memcpy(to, from, count); }

// (read + write bytes) / median time of `copy` from src to dst (`bytes` each), run by `threads`
// threads, each on its own slice, `repeats` times per pass.
double median_copy_gbps(int threads, const Buffer& src, const Buffer& dst, std::size_t bytes, CopyFunction copy) {
  const std::size_t repeats = std::max<std::size_t>(1, kPassBytes / std::max<std::size_t>(bytes, 1));
  auto* from = static_cast<unsigned char*>(src.data());
  auto* to = static_cast<unsigned char*>(dst.data());

  // Slices are cache-line aligned so no two threads write the same line.
  const std::size_t lines = (bytes + kSliceAlignment - 1) / kSliceAlignment;
  auto slice = [&](int t) {
    const std::size_t begin = std::min(bytes, lines * t / threads * kSliceAlignment);
    const std::size_t end = std::min(bytes, lines * (t + 1) / threads * kSliceAlignment);
    return std::pair{begin, end - begin};
  };

  using Clock = std::chrono::steady_clock;
  std::vector<double> seconds(kTimedPasses);
  Clock::time_point start;
  std::barrier sync(threads);
  auto worker = [&](int t) {
    const auto [offset, count] = slice(t);
    // Each thread first touches its own slices, so on a NUMA machine the pages sit near it.
    std::memset(from + offset, t + 1, count);
    std::memset(to + offset, 0, count);
    for (int pass = 0; pass < kWarmupPasses + kTimedPasses; ++pass) {
      sync.arrive_and_wait();
      if (t == 0) start = Clock::now();
      for (std::size_t r = 0; r < repeats; ++r) copy(to + offset, from + offset, count);
      sync.arrive_and_wait();
      if (t == 0 && pass >= kWarmupPasses) {
        seconds[pass - kWarmupPasses] = std::chrono::duration<double>(Clock::now() - start).count();
      }
    }
  };
  std::vector<std::jthread> pool;
  try {
    for (int t = 1; t < threads; ++t) pool.emplace_back(worker, t);
  } catch (const std::system_error& e) {
    // The threads already started wait on the barrier: drop the missing ones so they finish.
    for (int t = static_cast<int>(pool.size()) + 1; t < threads; ++t) sync.arrive_and_drop();
    worker(0);
    throw std::runtime_error("cannot start " + std::to_string(threads) + " copy threads: " + e.what());
  }
  worker(0);
  pool.clear();

  std::nth_element(seconds.begin(), seconds.begin() + kTimedPasses / 2, seconds.end());
  return 2.0 * static_cast<double>(bytes * repeats) / seconds[kTimedPasses / 2] / 1e9;
}

}  // namespace

std::size_t dram_copy_bytes(std::size_t last_level_cache_bytes, std::size_t available_bytes) {
  constexpr std::size_t kMinimum = std::size_t{64} << 20;
  const std::size_t wanted = std::max(4 * last_level_cache_bytes, kMinimum);
  return std::max(std::min(wanted, available_bytes / 4), kSliceAlignment);
}

double measure_cpu_copy_gbps(int threads, std::size_t bytes, std::size_t last_level_cache_bytes) {
  if (threads < 1) throw std::runtime_error("copy bandwidth needs at least one thread");
  const Buffer src(Device::cpu, 0, bytes);
  const Buffer dst(Device::cpu, 0, bytes);
  // Non-temporal stores write the destination lines without reading them first (no read for
  // ownership), which is how a copy reaches the memory's limit. glibc's memcpy switches to them only
  // above a threshold of its own: on a 2-core EPYC VM it did not for 64 MiB per thread, and moved 26
  // GB/s against 36 for a non-temporal copy. That copy must store as wide as the kernels do: there
  // the same line-at-a-time loop moved 29-31 GB/s with 16-byte stores and 33-34 with 32-byte ones.
  // In a cache it is the other way round: on two Zen 5 cores a copy of 16 KiB moved 257 GB/s through
  // glibc's memcpy and 610-810 GB/s through the vector loop with ordinary stores.
  const bool streaming = stores_for(2 * static_cast<std::int64_t>(bytes), static_cast<std::int64_t>(last_level_cache_bytes)) ==
                         Stores::streaming;
  return std::max(median_copy_gbps(threads, src, dst, bytes, library_copy),
                  median_copy_gbps(threads, src, dst, bytes, streaming ? stream_copy : vector_copy));
}

}  // namespace actbench
