#include "harness/inputs.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <list>
#include <mutex>
#include <random>
#include <tuple>

#include "harness/parallel_setup.hpp"

namespace actbench {

std::string_view name_of(InputKind k) {
  switch (k) {
    case InputKind::mixed: return "mixed";
    case InputKind::positive: return "positive";
    case InputKind::negative: return "negative";
    case InputKind::dead90: return "dead90";
    case InputKind::special: return "special";
    case InputKind::wide: return "wide";
  }
  return "mixed";
}

std::optional<InputKind> parse_input_kind(std::string_view name) {
  for (InputKind k : kAllInputKinds) {
    if (name_of(k) == name) return k;
  }
  return std::nullopt;
}

namespace {

// Values are drawn in blocks, each from its own generator seeded with (seed, block): reproducible
// from the seed whatever the number of threads, and drawn by all of them: 64M elements took 1.4 s on
// one Zen 5 core, 0.8 s on two, and a GPU sweep reaches 256M.
constexpr std::int64_t kBlock = std::int64_t{1} << 16;

// SplitMix64's finaliser: neighbouring blocks get unrelated generator states.
std::uint64_t block_seed(std::uint64_t seed, std::uint64_t block) {
  std::uint64_t z = seed + (block + 1) * 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// The values a kernel must get right beyond the smooth middle: NaN, both infinities, both zeros,
// f32/f16 denormals, and magnitudes where exp overflows.
constexpr double kSpecials[] = {std::numeric_limits<double>::quiet_NaN(),
                                std::numeric_limits<double>::infinity(),
                                -std::numeric_limits<double>::infinity(),
                                0.0, -0.0, 1e-40, -1e-40, 3e-8, -3e-8, 1e5, -1e5, 100.0, -100.0};

struct Draw {
  std::mt19937_64 rng;
  std::normal_distribution<double> normal{0.0, 1.0};
  std::uniform_real_distribution<double> unit{0.0, 1.0};

  double operator()(InputKind kind) {
    switch (kind) {
      case InputKind::mixed: return normal(rng);
      case InputKind::positive: return std::abs(normal(rng)) + 1e-3;
      case InputKind::negative: return -std::abs(normal(rng)) - 1e-3;
      case InputKind::dead90: return unit(rng) < 0.9 ? -std::abs(normal(rng)) - 1e-3 : std::abs(normal(rng)) + 1e-3;
      case InputKind::special:
        return unit(rng) < 0.01 ? kSpecials[static_cast<std::size_t>(unit(rng) * std::size(kSpecials)) % std::size(kSpecials)]
                                : normal(rng);
      case InputKind::wide: return unit(rng) * 24.0 - 12.0;
    }
    return normal(rng);
  }
};

HostValues<double> draw_inputs(InputKind kind, std::int64_t n, std::uint64_t seed) {
  HostValues<double> v(static_cast<std::size_t>(n));
  const std::int64_t blocks = (n + kBlock - 1) / kBlock;
#pragma omp parallel for schedule(static) if (n >= kParallelSetupFrom)
  for (std::int64_t b = 0; b < blocks; ++b) {
    Draw draw{std::mt19937_64(block_seed(seed, static_cast<std::uint64_t>(b)))};
    const std::int64_t end = std::min(n, (b + 1) * kBlock);
    for (std::int64_t i = b * kBlock; i < end; ++i) v[static_cast<std::size_t>(i)] = draw(kind);
  }
  return v;
}

// The most recent draws, newest first. The implementations of one comparison are set up one after
// another on the same inputs, and drawing them was the largest cost of setting up a point (a fifth
// of the CPU time of actbench --quick, in normal_distribution and mt19937_64); a copy costs a tenth
// of a draw. Bounded, so that the largest tensors are drawn again rather than held twice.
constexpr std::size_t kRecentBytes = std::size_t{1} << 30;
struct RecentDraw {
  std::tuple<InputKind, std::int64_t, std::uint64_t> key;
  HostValues<double> values;
};
std::mutex recent_mutex;
std::list<RecentDraw> recent;
std::size_t recent_bytes = 0;

// A copy made by every thread, each into its share of the fresh pages (see host_values.hpp).
HostValues<double> copy_of(const HostValues<double>& from) {
  HostValues<double> to(from.size());
  const auto n = static_cast<std::int64_t>(from.size());
#pragma omp parallel for schedule(static) if (n >= kParallelSetupFrom)
  for (std::int64_t i = 0; i < n; ++i) to[static_cast<std::size_t>(i)] = from[static_cast<std::size_t>(i)];
  return to;
}

}  // namespace

HostValues<double> make_inputs(InputKind kind, std::int64_t n, std::uint64_t seed) {
  const auto key = std::make_tuple(kind, n, seed);
  const std::lock_guard lock(recent_mutex);
  for (auto it = recent.begin(); it != recent.end(); ++it) {
    if (it->key == key) {
      recent.splice(recent.begin(), recent, it);
      return copy_of(it->values);
    }
  }
  HostValues<double> values = draw_inputs(kind, n, seed);
  const std::size_t bytes = values.size() * sizeof(double);
  if (bytes > kRecentBytes) return values;
  while (recent_bytes + bytes > kRecentBytes) {  // the least recently used go first
    recent_bytes -= recent.back().values.size() * sizeof(double);
    recent.pop_back();
  }
  recent.push_front(RecentDraw{key, copy_of(values)});
  recent_bytes += bytes;
  return values;
}

}  // namespace actbench
