#include "harness/matmul_roof.hpp"

#include <algorithm>
#include <chrono>

#include "harness/buffers.hpp"
#include "harness/case_data.hpp"
#include "harness/gpu_timing.hpp"
#include "kernels/matmul.hpp"

namespace actbench {
namespace {

constexpr int kRuns = 3;
// CPU: at least this long in all. Three runs of a 25 ms product once fell in a slow minute of a shared
// VM and set a roof of 82 GFLOP/s under layers that reached 137.
constexpr double kMinCpuSeconds = 0.5;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

double measure_matmul_gflops(Device device, DType dtype, Shape layer, const ExecContext& ctx) {
  // A layer case's buffers, holding the same non-zero inputs as the layers'.
  Case product;
  product.implementation = "matmul";
  product.device = device;
  product.dtype = dtype;
  product.signature.gemm = true;
  CaseData data(product, layer, InputKind::mixed, 1, ctx.device_index);
  const Runner run = prepare_matmul(device, dtype, data.operands(), ctx);
  const double flops = static_cast<double>(matmul_flops(product, layer));
  double fastest = 0;
  if (device == Device::cuda) {
    // Timed as the layers are, with events and no launch latency (a host clock around run() and a
    // synchronisation would add ~10 us to a product of tens of us); L2 kept warm: the roof is the best
    // the product reaches.
    GpuSampler sampler(run, ctx, /*cold_l2=*/false);
    for (int i = 0; i < kRuns; ++i) fastest = std::max(fastest, flops / sampler.sample().seconds_per_launch / 1e9);
    return fastest;
  }
  run();  // warm-up: first touch of the output, the library's caches
  synchronize(device, ctx);
  const auto first = std::chrono::steady_clock::now();
  for (int i = 0; i < kRuns || seconds_since(first) < kMinCpuSeconds; ++i) {
    const auto start = std::chrono::steady_clock::now();
    run();
    synchronize(device, ctx);
    fastest = std::max(fastest, flops / seconds_since(start) / 1e9);
  }
  return fastest;
}

}  // namespace actbench
