#!/usr/bin/env bash
# Packs the built actbench and actbench_tests with the non-system shared libraries they need (ldd) so
# they run on a machine that has the CUDA driver and cuDNN but not Google Benchmark, oneDNN, Highway
# or SLEEF. Usage: scripts/bundle.sh [BUILD_DIR] [OUT_DIR]; then on the other machine:
#   tar -xJf OUT_DIR/actbench-bundle.tar.xz && actbench-bundle/run.sh actbench --quick
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${2:-.dist}
stage=$(mktemp -d)/actbench-bundle
mkdir -p "$stage/lib" "$out"
binaries=("$build/bench/actbench" "$build/tests/actbench_tests")
cp "${binaries[@]}" "$stage/"
# System libraries (glibc, libstdc++, the CUDA driver) come from the target; cuDNN and cuBLASLt
# (500 MB) are too large to carry and are found there at run time.
ldd "${binaries[@]}" | awk '/=> \// {print $3}' | sort -u |
  grep -vE '/(libc|libm|libpthread|libdl|librt|libstdc\+\+|libgcc_s|libcuda|libcudnn[a-z_]*|libcublas[A-Za-z]*)\.so' |
  xargs -r cp -L -t "$stage/lib"
strip --strip-unneeded "$stage"/actbench "$stage"/actbench_tests "$stage"/lib/*.so* 2>/dev/null || true
cat > "$stage/run.sh" <<'RUN'
#!/usr/bin/env bash
# Runs a bundled binary with the bundled libraries, cuBLASLt from the CUDA toolkit beside nvcc, and
# cuDNN from PyTorch's wheel when the system has none.
here=$(cd "$(dirname "$0")" && pwd)
cudnn=$(python3 -c 'import nvidia.cudnn, os; print(os.path.join(os.path.dirname(nvidia.cudnn.__file__), "lib"))' 2>/dev/null)
toolkit=$(command -v nvcc >/dev/null && echo "$(dirname "$(dirname "$(readlink -f "$(command -v nvcc)")")")/lib64")
export LD_LIBRARY_PATH="$here/lib${toolkit:+:$toolkit}${cudnn:+:$cudnn}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
exe=$1
shift
exec "$here/$exe" "$@"
RUN
chmod +x "$stage/run.sh"
tar -C "$(dirname "$stage")" -cJf "$out/actbench-bundle.tar.xz" actbench-bundle
rm -rf "$(dirname "$stage")"
ls -la "$out/actbench-bundle.tar.xz"
