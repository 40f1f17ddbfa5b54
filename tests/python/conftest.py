"""Shared fixtures of the script tests: results files written by results_factory, and a way to run
a script as a user does (a separate process, to see its exit status and its stderr)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
sys.path[:0] = [str(SCRIPTS), str(Path(__file__).resolve().parent)]

import results_factory  # noqa: E402

# Small enough that charting it stays within a few seconds, large enough for every chart kind,
# with a GEMM layer whose M x N outputs are one of the sizes.
SMALL = {"activations": ("relu", "gelu"), "dtypes": ("f32",), "sizes": (4096, 1 << 20, 16 << 20),
         "layers": ((1024, 1024, 4096),)}
# A CPU forward run only: three charts, for tests of what surrounds the charts.
TINY = {"devices": ("cpu",), "activations": ("relu",), "dtypes": ("f32",),
        "directions": ("forward",), "sizes": (4096, 1 << 20)}


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("results")


@pytest.fixture(scope="session")
def results_document() -> dict:
    """The full fixture: CPU and GPU, several activations, dtypes and sizes."""
    return results_factory.make_results()


@pytest.fixture(scope="session")
def results_file(data_dir: Path, results_document: dict) -> Path:
    return results_factory.write_json(data_dir / "results.json", results_document)


@pytest.fixture(scope="session")
def small_document() -> dict:
    """Two activations, one dtype: for the tests that need every kind of case, not many."""
    return results_factory.make_results(**SMALL)


@pytest.fixture(scope="session")
def small_results_file(data_dir: Path, small_document: dict) -> Path:
    return results_factory.write_json(data_dir / "small.json", small_document)


@pytest.fixture(scope="session")
def tiny_results_file(data_dir: Path) -> Path:
    return results_factory.write_json(data_dir / "tiny.json", results_factory.make_results(**TINY))


@pytest.fixture(scope="session")
def curves_file(data_dir: Path) -> Path:
    return results_factory.write_json(data_dir / "curves.json", results_factory.make_curves())


def run_script(script: str, *args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPTS / script), *map(str, args)],
                          capture_output=True, text=True, timeout=300)
