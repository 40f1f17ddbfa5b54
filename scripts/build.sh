#!/usr/bin/env bash
# Configures and builds actbench in build/ (Release; CUDA when a toolkit is found). Extra arguments go
# to the configure step, e.g. scripts/build.sh -DACTBENCH_CUDA=OFF.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j "$(nproc)"
