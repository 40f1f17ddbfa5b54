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
# cuDNN from PyTorch's wheel when the system has none. Usage: run.sh actbench|actbench_tests ARGS...;
# run.sh --library-path prints the library path they run with (for ldd).
here=$(cd "$(dirname "$0")" && pwd)
# __path__, not __file__: the cu13 wheel's nvidia.cudnn has no __init__.py (a namespace package,
# whose __file__ is None); a regular package has __path__ too.
cudnn=$(python3 -c 'import nvidia.cudnn, os; print(os.path.join(nvidia.cudnn.__path__[0], "lib"))' 2>/dev/null)
toolkit=$(command -v nvcc >/dev/null && echo "$(dirname "$(dirname "$(readlink -f "$(command -v nvcc)")")")/lib64")
export LD_LIBRARY_PATH="$here/lib${toolkit:+:$toolkit}${cudnn:+:$cudnn}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if [ "${1:-}" = --library-path ]; then
  echo "$LD_LIBRARY_PATH"
  exit 0
fi
exe=$1
shift
exec "$here/$exe" "$@"
RUN
chmod +x "$stage/run.sh"
tar -C "$(dirname "$stage")" -cJf "$out/actbench-bundle.tar.xz" actbench-bundle
rm -rf "$(dirname "$stage")"
ls -la "$out/actbench-bundle.tar.xz"
