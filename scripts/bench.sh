#!/usr/bin/env bash
# The default benchmark (README): installs what is missing, builds, runs the full default sweep (CPU,
# plus GPU when one is present) into results/latest.json, and draws its charts and report into
# results/latest/. Extra arguments go to actbench (e.g. --quick).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/build.sh
status=0
build/bench/actbench --out=results/latest.json "$@" || status=$?
if [ -f results/latest.json ]; then
  .venv/bin/python scripts/plot.py results/latest.json -o results/latest
  .venv/bin/python scripts/report.py results/latest.json -o results/latest/report.html
  echo "bench: results/latest.json, charts and report in results/latest/"
fi
exit "$status"
