#!/usr/bin/env bash
# The GPU checks for a borrowed GPU machine, run in one go: such a machine has the CUDA driver, cuDNN
# and PyTorch but not this project's build dependencies, so actbench comes as a bundle built
# elsewhere (scripts/bundle.sh). Each step runs under its own time limit, so a slow one cannot eat
# the others' minutes, and each writes its own file, so a step cut short loses only its own result.
#
# Usage: scripts/gpu_check.sh BUNDLE.tar.xz OUT_DIR STEP...
#   tests          the GPU tests (every case against the float64 reference, misaligned operands, cuDNN)
#   sanitizer      compute-sanitizer memcheck over the f32 cases of the GPU tests
#   sweep-DTYPE    actbench forward at 256M elements, cold L2, the GPU implementations (the size the
#                  GPU targets are set at): OUT_DIR/actbench-DTYPE.json
#   torch-DTYPE    scripts/torch_peer.py on the same cases: OUT_DIR/torch-DTYPE.json
# Logs go to OUT_DIR/gpu.txt (nvidia-smi), OUT_DIR/checks.log (tests, sanitizer) and
# OUT_DIR/sweep.log (actbench, torch). The exit code is the first failing step's, 0 if none failed.
# Example: scripts/gpu_check.sh .dist/actbench-bundle.tar.xz "$OUT" tests sanitizer sweep-f32 torch-f32
set -uo pipefail
if [ $# -lt 3 ]; then
  sed -n '/^# Usage/,/^# Example/p' "$0" >&2
  exit 2
fi
bundle=$(realpath "$1")
out=$(realpath -m "$2")
shift 2
cd "$(dirname "$0")/.."
for s in "$@"; do
  case $s in
    tests | sanitizer | sweep-* | torch-*) ;;
    *) echo "gpu_check.sh: unknown step '$s' (tests, sanitizer, sweep-DTYPE, torch-DTYPE)" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -C "$work" -xJf "$bundle" || exit 3
run="$work/actbench-bundle/run.sh"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem,power.limit --format=csv >"$out/gpu.txt" 2>&1
nvidia-smi -q >>"$out/gpu.txt" 2>&1
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)' >>"$out/gpu.txt" 2>&1

gpu_tests='*cuda*:Cudnn.*:Misaligned/CudaKernel.*'
sweep_impls=naive,vectorised,inplace,fused_bias,unfused_bias,cudnn,cudnn_graph
status=0

# step LOG SECONDS COMMAND...: runs COMMAND under the limit, its output appended to LOG.
step() {
  local log=$1 seconds=$2
  shift 2
  echo "== $(date -u +%T) $* (limit ${seconds}s)" >>"$log"
  local start=$SECONDS
  timeout --signal=INT --kill-after=10 "$seconds" "$@" >>"$log" 2>&1
  local rc=$?
  echo "== rc $rc after $((SECONDS - start))s" >>"$log"
  if [ "$rc" -ne 0 ] && [ "$status" -eq 0 ]; then status=$rc; fi
}

for s in "$@"; do
  case $s in
    tests) step "$out/checks.log" 240 "$run" actbench_tests --gtest_filter="$gpu_tests" --gtest_brief=1 ;;
    sanitizer)
      step "$out/checks.log" 240 compute-sanitizer --tool memcheck --error-exitcode=1 \
        "$run" actbench_tests --gtest_filter='*cuda_f32*:Misaligned/CudaKernel.*' --gtest_brief=1 ;;
    sweep-*)
      step "$out/sweep.log" 240 "$run" actbench --devices=cuda --sizes=256M --directions=forward --l2=cold \
        --impls="$sweep_impls" --dtypes="${s#sweep-}" --out="$out/actbench-${s#sweep-}.json" ;;
    torch-*)
      step "$out/sweep.log" 180 python3 scripts/torch_peer.py --devices=cuda --sizes=256M --directions=forward \
        --dtypes="${s#torch-}" --out="$out/torch-${s#torch-}.json" ;;
  esac
done
exit "$status"
