#!/usr/bin/env bash
# The test command (README): installs what is missing, builds, runs every C++ test (ctest; GPU tests
# skip with the reason when no GPU is present), the Python tests, a sanitizer build's tests, and a
# quick benchmark compared with the committed baseline in report-only mode (CI machines are noisy).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/build.sh

echo "== C++ tests (Release)"
ctest --test-dir build --output-on-failure -j "$(nproc)"

echo "== Python tests"
ACTBENCH_BIN="$PWD/build/bench/actbench" .venv/bin/python -m pytest -q tests/python

echo "== C++ tests under AddressSanitizer and UBSan (Debug, CPU)"
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$(nproc)" --target actbench_tests
# One process for the whole suite: a process per test (ctest) costs minutes under the sanitizers.
build-asan/tests/actbench_tests --gtest_brief=1

echo "== Quick benchmark against the committed baseline (report only)"
build/bench/actbench --quick --quiet --out=build/quick.json >/dev/null
.venv/bin/python scripts/compare.py results/baseline/quick-cpu.json build/quick.json --report-only
