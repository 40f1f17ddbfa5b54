#include "bench/curves.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "kernels/registry.hpp"

namespace actbench::cli {
namespace {

constexpr double kFrom = -6.0;
constexpr double kTo = 6.0;
constexpr int kPoints = 241;  // a step of 0.05: smooth curves, and 0 is a sample point (the kinks)
// PReLU's learned slope, drawn at PyTorch's initial value.
constexpr double kPreluSlope = 0.25;
constexpr const char* kImplementation = "naive";

const Case& naive_f64(const std::string& activation, Direction direction) {
  for (const Case& c : registry().cases()) {
    if (c.activation == activation && c.direction == direction && c.implementation == kImplementation &&
        c.device == Device::cpu && c.dtype == DType::f64 && c.runnable()) {
      return c;
    }
  }
  throw std::runtime_error("no runnable naive f64 CPU case for " + activation + " " + std::string(name_of(direction)));
}

// Runs a case once on the curve's x values; returns the first `kPoints` outputs (for CReLU, whose
// rows are [f(x) | f(-x)], the f(x) half).
std::vector<double> run_on_grid(const Case& c, const std::vector<double>& x) {
  const std::size_t wide = x.size() * static_cast<std::size_t>(c.signature.out_factor);
  const std::vector<double> slope(x.size(), kPreluSlope);
  // Backward: dy = 1 on f(x)'s half and 0 on CReLU's f(-x) half, so dx = f'(x).
  std::vector<double> dy(wide, 0.0);
  std::fill(dy.begin(), dy.begin() + static_cast<std::ptrdiff_t>(x.size()), 1.0);
  std::vector<double> out(wide);
  Operands op;
  op.x = x.data();
  op.dy = dy.data();
  op.out = out.data();
  op.slope = slope.data();
  op.shape = Shape{1, static_cast<std::int64_t>(x.size())};
  c.prepare(op, ExecContext{})();
  out.resize(x.size());
  return out;
}

}  // namespace

nlohmann::json activation_curves(const Options& o) {
  std::vector<double> x(kPoints);
  for (int i = 0; i < kPoints; ++i) x[i] = kFrom + (kTo - kFrom) * i / (kPoints - 1);
  nlohmann::json activations = nlohmann::json::object();
  for (const Case& c : registry().cases()) {
    const bool wanted = o.activations.empty() ||
                        std::find(o.activations.begin(), o.activations.end(), c.activation) != o.activations.end();
    if (!wanted || activations.contains(c.activation)) continue;
    activations[c.activation] = {{"forward", run_on_grid(naive_f64(c.activation, Direction::forward), x)},
                                 {"derivative", run_on_grid(naive_f64(c.activation, Direction::backward), x)}};
  }
  return {{"x", x},
          {"activations", activations},
          {"implementation", kImplementation},
          {"dtype", "f64"},
          {"parameters", {{"prelu_slope", kPreluSlope}}}};
}

}  // namespace actbench::cli
