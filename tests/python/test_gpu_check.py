"""The GPU machine's scripts without a GPU: bundle.sh's run.sh finds cuDNN's wheel in both of its
layouts."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from conftest import SCRIPTS

pytestmark = pytest.mark.skipif(not all(shutil.which(t) for t in ("bash", "ldd", "xz", "timeout")),
                                reason="needs bash, ldd, xz and timeout")


def _executable(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def tools(tmp_path: Path) -> Path:
    """A folder put first on PATH: python3 this Python."""
    folder = tmp_path / "tools"
    folder.mkdir()
    _executable(folder / "python3", f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    return folder


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
