#include "kernels/registry.hpp"

#include "kernels/registrations.hpp"

namespace actbench {

std::string Case::id() const {
  std::string s = activation;
  for (std::string_view part : {name_of(direction), std::string_view(implementation), name_of(device),
                                name_of(dtype)}) {
    s += '/';
    s += part;
  }
  return s;
}

std::string size_label(Shape shape) {
  if (shape.depth == 0) return std::to_string(shape.elements());
  return std::to_string(shape.rows) + "x" + std::to_string(shape.channels) + "x" + std::to_string(shape.depth);
}

const Case* Registry::find(const std::string& id) const {
  for (const Case& c : cases_) {
    if (c.id() == id) return &c;
  }
  return nullptr;
}

std::int64_t minimum_bytes(const Case& c, Shape shape) {
  const std::int64_t n = shape.elements();
  const std::int64_t elem = static_cast<std::int64_t>(size_of(c.dtype));
  const std::int64_t mask_bytes = (n + 7) / 8;
  const Signature& s = c.signature;
  std::int64_t channel_vectors = (s.slope ? 1 : 0) + (s.bias ? 1 : 0) + (s.bias_grad ? 1 : 0);
  std::int64_t bytes = channel_vectors * shape.channels * elem;
  if (c.direction == Direction::forward) {
    // Read x (a GEMM: x and W), write y.
    const std::int64_t read = s.gemm ? shape.rows * shape.depth + shape.depth * shape.channels : n;
    bytes += (read + n * s.out_factor) * elem;
    if (s.mask_out) bytes += mask_bytes;
    if (s.zero_stats) bytes += zero_count_slots(s, shape) * static_cast<std::int64_t>(sizeof(ZeroCount));
  } else {
    bytes += s.mask_in ? mask_bytes : n * elem;  // the saved input
    bytes += n * elem * (s.out_factor + 1);      // read dy, write dx
  }
  return bytes;
}

std::int64_t matmul_flops(const Case& c, Shape shape) {
  return c.signature.gemm ? 2 * shape.rows * shape.channels * shape.depth : 0;
}

const Registry& registry() {
  static const Registry table = [] {
    Registry r;
    register_cpu_naive(r);
    register_cpu_vectorised(r);
    register_onednn(r);
    register_cpu_gemm(r);
#if defined(ACTBENCH_WITH_CUDA)
    register_cuda_kernels(r);
    register_cudnn(r);
    register_cuda_gemm(r);
#endif
    return r;
  }();
  return table;
}

}  // namespace actbench
