#!/usr/bin/env bash
# The GPU checks for a borrowed GPU machine, in one remote command: such a machine has the CUDA
# driver, cuDNN and PyTorch but not this project's build dependencies, so actbench comes as a bundle
# built elsewhere (scripts/bundle.sh). Each step runs under its own time limit, so a slow one
# cannot eat the others' minutes; at its limit a step gets SIGINT (SIGKILL 30 s later), on which
# actbench and torch_peer.py write the points they measured to FILE.interrupted.json.
#
# Usage: scripts/gpu_check.sh BUNDLE.tar.xz OUT_DIR STEP...
#   preflight      always, first (name it alone to run only it), 20 s: the GPU and driver
#                  (nvidia-smi), and ldd of both bundled binaries with the library path run.sh
#                  gives them; a missing library ends the run here, exit 3, the libraries named
#   tests-new      80 + 60 s: the GPU tests of code that has never run on a GPU: the cuBLASLt GEMM
#                  layers, the zero statistics and the cuDNN registry (tests-new.json), then, with
#                  a limit of its own since each of its plans may be compiled at run time, the
#                  cuDNN graph API (tests-new-graph.json)
#   tests          240 s: the other GPU tests (every CUDA case against the float64 reference,
#                  misaligned operands): tests.json
#   sanitizer      240 s: compute-sanitizer memcheck over the f32 GPU tests: sanitizer.json (the
#                  device notes say it does not work where the borrowed H200 runs under gVisor)
#   sweep-DTYPE    140 s: actbench forward at 256M elements, cold L2, the GPU implementations:
#                  actbench-DTYPE.json, or actbench-DTYPE.interrupted.json when cut short (the
#                  whole f32 sweep needs minutes)
#   torch-DTYPE    140 s: scripts/torch_peer.py on the same cases: torch-DTYPE.json (or
#                  torch-DTYPE.interrupted.json)
# DTYPE is f32, f64, f16 or bf16. The test steps' JSON (googletest's) keeps each skip's reason.
# What the steps write is packed into OUT_DIR/gpu-check.tar.gz, refreshed after each step so that a
# command cut short still returns the steps that finished; beside it only the logs: OUT_DIR/gpu.txt
# (preflight, nvidia-smi -q), checks.log (test steps) and sweep.log (sweep, torch): four files, for
# a runner that brings back only a few (8 on the borrowed H200).
# Exit: 0 every step passed; 2 usage error (nothing ran); 3 the bundle does not unpack or preflight
# failed; else the first failing step's code (124: it hit its limit).
# Where one remote command may run 10 minutes (the borrowed H200), plan at most 540 s of limits per
# command; counting the 30 s that sweep and torch steps may take after SIGINT, these two need
# 20+80+60+140+30+140+30 = 500 s and 20+240+240 = 500 s:
# Example: scripts/gpu_check.sh .dist/actbench-bundle.tar.xz "$OUT" tests-new sweep-f32 torch-f32
#          scripts/gpu_check.sh .dist/actbench-bundle.tar.xz "$OUT" tests sanitizer
set -uo pipefail
usage() {
  echo "gpu_check.sh: $1" >&2
  sed -n '/^# Usage/,/^# DTYPE/p' "$0" >&2
  exit 2
}
[ $# -ge 3 ] || usage "give a bundle, an output folder and at least one step"
[ -f "$1" ] || usage "no bundle at '$1' (scripts/bundle.sh makes .dist/actbench-bundle.tar.xz)"
bundle=$(realpath "$1")
out=$(realpath -m "$2")
shift 2
for s in "$@"; do
  case $s in
    preflight | tests-new | tests | sanitizer | sweep-f32 | sweep-f64 | sweep-f16 | sweep-bf16 | torch-f32 | \
      torch-f64 | torch-f16 | torch-bf16) ;;
    *) usage "unknown step '$s'" ;;
  esac
done
cd "$(dirname "$0")/.." || exit 3
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
files="$work/gpu-check"
mkdir "$files"
tar -C "$work" -xJf "$bundle" || exit 3
here="$work/actbench-bundle"
run="$here/run.sh"

# preflight: before any step spends minutes, the driver answers and every library loads.
{
  echo "== preflight"
  timeout 10 nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
} >"$out/gpu.txt" 2>&1 || { echo "gpu_check.sh: preflight: nvidia-smi found no GPU driver ($out/gpu.txt)" >&2; exit 3; }
head -2 "$out/gpu.txt"
libraries=$(LD_LIBRARY_PATH=$("$run" --library-path) ldd "$here/actbench" "$here/actbench_tests" 2>&1)
echo "$libraries" >>"$out/gpu.txt"
missing=$(grep 'not found' <<<"$libraries" | sed 's/^[[:space:]]*//' | sort -u)
if [ -n "$missing" ]; then
  echo "gpu_check.sh: preflight: the bundled binaries miss libraries:" >&2
  echo "$missing" >&2
  exit 3
fi
timeout 10 nvidia-smi -q >>"$out/gpu.txt" 2>&1

# Never run on a GPU: committed after the H100 session (the GEMM layers, the zero statistics), or
# maybe not reached there (the cuDNN graph API).
new_tests='*gemm_cuda*:*gemm_mask_cuda*:*_stats_cuda_*:ZeroStats.Cuda*:Cudnn.*:GpuLibraries.*'
graph_tests='*cudnn_graph_cuda*'
gpu_tests="*cuda*:Misaligned/CudaKernel.*-$new_tests:$graph_tests"
sweep_impls=naive,vectorised,inplace,fused_bias,unfused_bias,cudnn,cudnn_graph
status=0

# pack: what the steps wrote, in one file (the runner brings back only a few).
pack() {
  tar -C "$work" -czf "$out/gpu-check.tar.gz.part" gpu-check && mv "$out/gpu-check.tar.gz.part" "$out/gpu-check.tar.gz"
}

# step LOG SECONDS COMMAND...: runs COMMAND under the limit, its output appended to LOG.
step() {
  local log=$1 seconds=$2
  shift 2
  echo "== $(date -u +%T) $* (limit ${seconds}s)" | tee -a "$log"
  local start=$SECONDS
  timeout --signal=INT --kill-after=30 "$seconds" "$@" >>"$log" 2>&1
  local rc=$?
  echo "== rc $rc after $((SECONDS - start))s" | tee -a "$log"
  if [ "$rc" -ne 0 ] && [ "$status" -eq 0 ]; then status=$rc; fi
  pack
}

for s in "$@"; do
  case $s in
    tests-new)
      step "$out/checks.log" 80 "$run" actbench_tests --gtest_filter="$new_tests" \
        --gtest_output="json:$files/tests-new.json"
      step "$out/checks.log" 60 "$run" actbench_tests --gtest_filter="$graph_tests" \
        --gtest_output="json:$files/tests-new-graph.json" ;;
    tests)
      step "$out/checks.log" 240 "$run" actbench_tests --gtest_filter="$gpu_tests" \
        --gtest_output="json:$files/tests.json" ;;
    sanitizer)
      step "$out/checks.log" 240 compute-sanitizer --tool memcheck --error-exitcode=1 \
        "$run" actbench_tests --gtest_filter='*cuda_f32*:Misaligned/CudaKernel.*' \
        --gtest_output="json:$files/sanitizer.json" ;;
    sweep-*)
      step "$out/sweep.log" 140 "$run" actbench --devices=cuda --sizes=256M --directions=forward --l2=cold \
        --impls="$sweep_impls" --dtypes="${s#sweep-}" --out="$files/actbench-${s#sweep-}.json" ;;
    torch-*)
      step "$out/sweep.log" 140 python3 scripts/torch_peer.py --devices=cuda --sizes=256M --directions=forward \
        --dtypes="${s#torch-}" --out="$files/torch-${s#torch-}.json" ;;
  esac
done
exit "$status"
