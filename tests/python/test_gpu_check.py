"""The GPU machine's scripts without a GPU: bundle.sh's run.sh finds cuDNN's wheel in both of its
layouts, and gpu_check.sh refuses bad arguments, stops at its preflight when a library is missing,
and runs end to end over a fake bundle whose run.sh stands in for actbench and its tests."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from actbench_results import load_results
from conftest import SCRIPTS

pytestmark = pytest.mark.skipif(not all(shutil.which(t) for t in ("bash", "ldd", "xz", "timeout")),
                                reason="needs bash, ldd, xz and timeout")

# Stands in for the bundle's run.sh: records each call, and writes the files the real binaries
# would write where the call names them.
RUN_STUB = """#!/usr/bin/env bash
here=$(cd "$(dirname "$0")" && pwd)
if [ "$1" = --library-path ]; then echo "$here/lib"; exit 0; fi
echo "$*" >>"$STUB_LOG"
for arg in "$@"; do
  case $arg in
    --gtest_output=json:*) echo '{"tests": 1}' >"${arg#--gtest_output=json:}" ;;
    --out=*) echo '{}' >"${arg#--out=}" ;;
  esac
done
[ "$1" != "${STUB_FAILS:-}" ] || exit 7
"""


def _executable(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def fake_bundle(tmp_path: Path) -> Path:
    """run.sh as above; the binaries are a real ELF file needing only libc, for ldd."""
    stage = tmp_path / "stage" / "actbench-bundle"
    (stage / "lib").mkdir(parents=True)
    _executable(stage / "run.sh", RUN_STUB)
    for binary in ("actbench", "actbench_tests"):
        shutil.copy(shutil.which("true"), stage / binary)
    bundle = tmp_path / "actbench-bundle.tar.xz"
    with tarfile.open(bundle, "w:xz") as tar:
        tar.add(stage, arcname="actbench-bundle")
    return bundle


@pytest.fixture
def tools(tmp_path: Path) -> Path:
    """A folder put first on PATH: nvidia-smi answering as the H200 did, python3 this Python."""
    folder = tmp_path / "tools"
    folder.mkdir()
    _executable(folder / "nvidia-smi", "#!/bin/sh\necho 'NVIDIA H200, 580.159.03, 143771 MiB'\n")
    _executable(folder / "python3", f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    return folder


def _gpu_check(tools: Path, *args: object, **env: str) -> subprocess.CompletedProcess:
    # No GPU for torch even where the tests run on a machine that has one: the torch step stays short.
    environment = {**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}",
                   "CUDA_VISIBLE_DEVICES": "", **env}
    return subprocess.run(["bash", str(SCRIPTS / "gpu_check.sh"), *map(str, args)],
                          capture_output=True, text=True, timeout=240, env=environment)


@pytest.mark.parametrize("args, message", [
    ([], "give a bundle, an output folder and at least one step"),
    (["{bundle}", "{out}"], "give a bundle, an output folder and at least one step"),
    (["{tmp}/absent.tar.xz", "{out}", "tests"],
     "no bundle at '{tmp}/absent.tar.xz' (scripts/bundle.sh makes .dist/actbench-bundle.tar.xz)"),
    (["{bundle}", "{out}", "tests", "sweep-f8"], "unknown step 'sweep-f8'"),
    (["{bundle}", "{out}", "torch"], "unknown step 'torch'"),
])
def test_usage_errors_exit_2_before_anything_runs(tools, fake_bundle, tmp_path, args, message):
    fill = {"bundle": fake_bundle, "out": tmp_path / "out", "tmp": tmp_path}
    result = _gpu_check(tools, *(a.format(**fill) for a in args))
    assert result.returncode == 2
    first, *usage = result.stderr.splitlines()
    assert first == f"gpu_check.sh: {message.format(**fill)}"
    assert usage[0].startswith("# Usage: scripts/gpu_check.sh BUNDLE.tar.xz OUT_DIR STEP...")
    assert not (tmp_path / "out").exists()


def test_preflight_names_the_missing_libraries_and_runs_no_step(tools, fake_bundle, tmp_path):
    _executable(tools / "ldd", "#!/bin/sh\nprintf '\\tlibcudnn.so.9 => not found\\n"
                               "\\tlibcublasLt.so.13 => not found\\n'\n")
    log = tmp_path / "calls.log"
    result = _gpu_check(tools, fake_bundle, tmp_path / "out", "tests-new", STUB_LOG=str(log))
    assert result.returncode == 3
    assert result.stderr.splitlines() == [
        "gpu_check.sh: preflight: the bundled binaries miss libraries:",
        "libcublasLt.so.13 => not found", "libcudnn.so.9 => not found"]
    assert not log.exists()
    assert "NVIDIA H200, 580.159.03" in (tmp_path / "out" / "gpu.txt").read_text(encoding="utf-8")


def test_preflight_stops_where_no_driver_answers(tools, fake_bundle, tmp_path):
    _executable(tools / "nvidia-smi", "#!/bin/sh\necho 'NVIDIA-SMI has failed' >&2\nexit 9\n")
    result = _gpu_check(tools, fake_bundle, tmp_path / "out", "tests")
    assert result.returncode == 3
    assert "nvidia-smi found no GPU driver" in result.stderr


def test_a_whole_run_returns_one_archive_and_the_logs(tools, fake_bundle, tmp_path):
    out, log = tmp_path / "out", tmp_path / "calls.log"
    result = _gpu_check(tools, fake_bundle, out, "tests-new", "tests", "sweep-bf16", "torch-f32",
                        STUB_LOG=str(log), STUB_FAILS="actbench")
    assert result.returncode == 7, result.stdout + result.stderr  # the sweep's, the first to fail
    assert sorted(p.name for p in out.iterdir()) == ["checks.log", "gpu-check.tar.gz", "gpu.txt",
                                                    "sweep.log"]
    with tarfile.open(out / "gpu-check.tar.gz") as tar:
        tar.extractall(tmp_path / "unpacked", filter="data")
    files = tmp_path / "unpacked" / "gpu-check"
    assert sorted(p.name for p in files.iterdir()) == [
        "actbench-bf16.json", "tests-new-graph.json", "tests-new.json", "tests.json",
        "torch-f32.json"]
    assert load_results(files / "torch-f32.json").skipped  # the real torch_peer.py, no GPU here
    calls = log.read_text(encoding="utf-8").splitlines()
    assert [c.split()[0] for c in calls] == ["actbench_tests"] * 3 + ["actbench"]
    assert all("--gtest_brief" not in c for c in calls)
    assert "--gtest_filter=*gemm_cuda*:" in calls[0] and "cudnn_graph" not in calls[0]
    assert "--gtest_filter=*cudnn_graph_cuda*" in calls[1]
    assert "-*gemm_cuda*:" in calls[2] and "--dtypes=bf16" in calls[3]
    assert "== rc 7 after" in (out / "sweep.log").read_text(encoding="utf-8")


@pytest.mark.parametrize("init_files", [(), ("nvidia/__init__.py", "nvidia/cudnn/__init__.py")],
                         ids=["namespace package (cu13 wheel)", "regular package (cu12 wheel)"])
def test_run_sh_finds_the_cudnn_wheel_in_both_layouts(tools, tmp_path, init_files):
    # Any ELF with a non-system library does for actbench here: xz, with liblzma.
    build = tmp_path / "build"
    for binary in ("bench/actbench", "tests/actbench_tests"):
        (build / binary).parent.mkdir(parents=True)
        shutil.copy(shutil.which("xz"), build / binary)
    subprocess.run(["bash", str(SCRIPTS / "bundle.sh"), str(build), str(tmp_path / "dist")],
                   check=True, capture_output=True, timeout=120)
    with tarfile.open(tmp_path / "dist" / "actbench-bundle.tar.xz") as tar:
        tar.extractall(tmp_path, filter="fully_trusted")
    site = tmp_path / "site"
    (site / "nvidia" / "cudnn" / "lib").mkdir(parents=True)
    for name in init_files:
        (site / name).touch()
    environment = {**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}",
                   "PYTHONPATH": str(site)}
    path = subprocess.run([str(tmp_path / "actbench-bundle" / "run.sh"), "--library-path"],
                          check=True, capture_output=True, text=True, env=environment).stdout
    assert str(site / "nvidia" / "cudnn" / "lib") in path.strip().split(":")
