#include "kernels/cublaslt/cublaslt_matmul.hpp"

#include <cuda_runtime_api.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "kernels/cublaslt/cublaslt_check.hpp"
#include "kernels/cuda/cuda_check.hpp"
#include "kernels/cuda/device_memory.hpp"
#include "kernels/cuda/launch.hpp"
#include "kernels/cuda/library_handles.hpp"

namespace actbench::cublaslt {
namespace {

// What cuBLASLt's heuristic may use for split-K and stream-K reductions: what PyTorch gives it too.
constexpr std::size_t kWorkspaceBytes = std::size_t{32} << 20;

cublasLtHandle_t handle_for(int device) {
  thread_local cuda::ThreadDeviceHandles<cublasLtHandle_t, cublasLtDestroy> handles;
  return handles.get(device, [] {
    cublasLtHandle_t handle = nullptr;
    AB_CUBLAS_CHECK(cublasLtCreate(&handle));
    return handle;
  });
}

cudaDataType_t data_type(DType d) {
  switch (d) {
    case DType::f32: return CUDA_R_32F;
    case DType::f64: return CUDA_R_64F;
    case DType::f16: return CUDA_R_16F;
    case DType::bf16: return CUDA_R_16BF;
  }
  return CUDA_R_32F;
}

using Layout = cuda::Owned<cublasLtMatrixLayout_t, cublasLtMatrixLayoutDestroy>;
using MatmulDesc = cuda::Owned<cublasLtMatmulDesc_t, cublasLtMatmulDescDestroy>;
using Preference = cuda::Owned<cublasLtMatmulPreference_t, cublasLtMatmulPreferenceDestroy>;

Layout column_major(DType dtype, std::int64_t rows, std::int64_t cols) {
  cublasLtMatrixLayout_t raw = nullptr;
  AB_CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&raw, data_type(dtype), static_cast<std::uint64_t>(rows),
                                             static_cast<std::uint64_t>(cols), rows));
  return Layout(raw);
}

cublasLtEpilogue_t epilogue_of(Epilogue e) {
  switch (e) {
    case Epilogue::relu_bias: return CUBLASLT_EPILOGUE_RELU_BIAS;
    case Epilogue::gelu_bias: return CUBLASLT_EPILOGUE_GELU_BIAS;
    case Epilogue::relu_aux_bias: return CUBLASLT_EPILOGUE_RELU_AUX_BIAS;
    case Epilogue::none: break;
  }
  return CUBLASLT_EPILOGUE_DEFAULT;
}

template <class Value>
void set(cublasLtMatmulDesc_t desc, cublasLtMatmulDescAttributes_t attribute, const Value& value) {
  AB_CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(desc, attribute, &value, sizeof(value)));
}

// Which of cuBLASLt's kernels the heuristic chose: "algo 21, tile 18, stages 2, split-K 1, reduction 0".
std::string describe(const cublasLtMatmulAlgo_t& algo) {
  std::string text;
  for (const auto& [attribute, name] : {std::pair{CUBLASLT_ALGO_CONFIG_ID, "algo"},
                                        std::pair{CUBLASLT_ALGO_CONFIG_TILE_ID, "tile"},
                                        std::pair{CUBLASLT_ALGO_CONFIG_STAGES_ID, "stages"},
                                        std::pair{CUBLASLT_ALGO_CONFIG_SPLITK_NUM, "split-K"},
                                        std::pair{CUBLASLT_ALGO_CONFIG_REDUCTION_SCHEME, "reduction"}}) {
    std::int32_t value = 0;  // each of these is a 32-bit integer
    std::size_t written = 0;
    AB_CUBLAS_CHECK(cublasLtMatmulAlgoConfigGetAttribute(&algo, attribute, &value, sizeof(value), &written));
    text += (text.empty() ? "" : ", ") + std::string(name) + " " + std::to_string(value);
  }
  return text;
}

// Everything one prepared matmul keeps alive; shared by the runner's copies.
struct Plan {
  cublasLtHandle_t handle = nullptr;
  MatmulDesc desc;
  Layout w, x, y;
  cublasLtMatmulAlgo_t algo{};
  std::shared_ptr<void> workspace;
  // alpha = 1 and beta = 0 in the scale type: double for f64, float otherwise.
  double one_d = 1, zero_d = 0;
  float one_f = 1, zero_f = 0;
};

}  // namespace

Runner prepare_matmul(Epilogue epilogue, DType dtype, const Operands& o, const ExecContext& ctx) {
  AB_CUDA_CHECK(cudaSetDevice(ctx.device_index));
  const std::int64_t m = o.shape.rows, n = o.shape.channels, k = o.shape.depth;
  auto plan = std::make_shared<Plan>();
  plan->handle = handle_for(ctx.device_index);
  const bool f64 = dtype == DType::f64;
  cublasLtMatmulDesc_t desc = nullptr;
  // f16 and bf16 accumulate in f32 (DESIGN.md: compute in f32), and f32 in full f32, not TF32.
  AB_CUBLAS_CHECK(cublasLtMatmulDescCreate(&desc, f64 ? CUBLAS_COMPUTE_64F : CUBLAS_COMPUTE_32F,
                                           f64 ? CUDA_R_64F : CUDA_R_32F));
  plan->desc.reset(desc);
  if (epilogue != Epilogue::none) {
    set(desc, CUBLASLT_MATMUL_DESC_EPILOGUE, epilogue_of(epilogue));
    set(desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER, o.bias);
  }
  if (epilogue == Epilogue::relu_aux_bias) {
    // The mask is column-major like y' (n x m): with a leading dimension of n bits, bit j * n + i is
    // element (j, i) of y, our row-major bit i. cuBLASLt wants that dimension a multiple of 128.
    if (n % 128 != 0) {
      throw std::runtime_error("cuBLASLt's ReLU mask needs rows of a multiple of 128 bits; this layer's are " +
                               std::to_string(n));
    }
    set(desc, CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_POINTER, static_cast<void*>(o.mask));
    set(desc, CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_LD, n);
  }
  // cuBLASLt is column-major: row-major y (m x n) = x (m x k) W (k x n) is, read column-major,
  // y' (n x m) = W' (n x k) x' (k x m), with no transposes; the bias runs along y's n rows.
  plan->w = column_major(dtype, n, k);
  plan->x = column_major(dtype, k, m);
  plan->y = column_major(dtype, n, m);

  cublasLtMatmulPreference_t raw_preference = nullptr;
  AB_CUBLAS_CHECK(cublasLtMatmulPreferenceCreate(&raw_preference));
  const Preference preference(raw_preference);
  AB_CUBLAS_CHECK(cublasLtMatmulPreferenceSetAttribute(preference.get(), CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES,
                                                       &kWorkspaceBytes, sizeof(kWorkspaceBytes)));
  // A split-K algorithm may add its partial sums in the output type (in place, or in a workspace of
  // it): in f16/bf16 that rounds the sum several times, past the f32 accumulation the validation allows.
  const std::uint32_t reductions = CUBLASLT_REDUCTION_SCHEME_NONE | CUBLASLT_REDUCTION_SCHEME_COMPUTE_TYPE;
  AB_CUBLAS_CHECK(cublasLtMatmulPreferenceSetAttribute(preference.get(), CUBLASLT_MATMUL_PREF_REDUCTION_SCHEME_MASK,
                                                       &reductions, sizeof(reductions)));
  cublasLtMatmulHeuristicResult_t heuristic{};
  int found = 0;
  AB_CUBLAS_CHECK(cublasLtMatmulAlgoGetHeuristic(plan->handle, desc, plan->w.get(), plan->x.get(), plan->y.get(),
                                                 plan->y.get(), preference.get(), 1, &heuristic, &found));
  if (found == 0) {
    throw std::runtime_error("cuBLASLt has no algorithm for a " + std::string(name_of(dtype)) + " " +
                             std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k) + " matmul" +
                             (epilogue == Epilogue::none ? "" : " with this epilogue"));
  }
  plan->algo = heuristic.algo;
  if (ctx.library_kernel) *ctx.library_kernel = describe(plan->algo);
  plan->workspace = cuda::allocate_device(ctx.device_index, kWorkspaceBytes);

  const Runner run = [plan, w = o.weights, x = o.x, y = o.out, f64, stream = static_cast<cudaStream_t>(ctx.stream)] {
    const void* one = f64 ? static_cast<const void*>(&plan->one_d) : &plan->one_f;
    const void* zero = f64 ? static_cast<const void*>(&plan->zero_d) : &plan->zero_f;
    AB_CUBLAS_CHECK(cublasLtMatmul(plan->handle, plan->desc.get(), one, w, plan->w.get(), x, plan->x.get(), zero, y,
                                   plan->y.get(), y, plan->y.get(), &plan->algo, plan->workspace.get(),
                                   kWorkspaceBytes, stream));
  };
  return cuda::after_trial_run(run, ctx);
}

}  // namespace actbench::cublaslt
