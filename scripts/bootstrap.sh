#!/usr/bin/env bash
# Installs what actbench needs on a fresh Debian machine: the Debian packages of the C++ stack when
# missing (needs root or sudo) and a Python venv in .venv with scripts/requirements.txt, plus
# PyTorch for scripts/torch_peer.py from scripts/requirements-torch.txt.
# The CUDA toolkit and cuDNN are not Debian packages here: when nvcc is on PATH the build uses it,
# otherwise it builds the CPU half only.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ make pkg-config git libbenchmark-dev nlohmann-json3-dev libgtest-dev libgmock-dev
          libdnnl-dev libhwy-dev libsleef-dev python3-venv)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if ! cmp -s scripts/requirements.txt .venv/.installed-requirements 2>/dev/null; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -r scripts/requirements.txt
  cp scripts/requirements.txt .venv/.installed-requirements
fi
# --no-deps: the file pins torch's dependencies itself, without the CUDA parts torch never loads here.
if ! cmp -s scripts/requirements-torch.txt .venv/.installed-requirements-torch 2>/dev/null; then
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps \
    -r scripts/requirements-torch.txt
  cp scripts/requirements-torch.txt .venv/.installed-requirements-torch
fi
