"""The scripts on real actbench output (issue 6 acceptance, from a --quick run).

Runs when ACTBENCH_BIN names the built actbench executable (CI sets it); skipped otherwise.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import results_factory
from actbench_results import load_results
from conftest import run_script

ACTBENCH = os.environ.get("ACTBENCH_BIN", "")

pytestmark = pytest.mark.skipif(
    not (ACTBENCH and Path(ACTBENCH).is_file() and os.access(ACTBENCH, os.X_OK)),
    reason="set ACTBENCH_BIN to the actbench executable to test the scripts on its real output")


def _actbench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([ACTBENCH, *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("actbench") / "quick.json"
    result = _actbench("--quick", "--quiet", f"--out={out}")
    assert result.returncode == 0, result.stderr[-2000:]
    return out


def test_quick_run_is_readable_results(quick_run):
    results = load_results(quick_run)   # also checks results/schema.json when present
    assert results.cases
    assert all(case.median_time > 0 and case.gbps for case in results.cases.values())


def test_plot_writes_at_least_five_pngs(quick_run, tmp_path):
    result = run_script("plot.py", quick_run, "-o", tmp_path, "--formats", "png")
    assert result.returncode == 0, result.stderr
    assert len(list(tmp_path.glob("*.png"))) >= 5


def test_compare_with_itself_passes(quick_run):
    result = run_script("compare.py", quick_run, quick_run)
    assert result.returncode == 0, result.stdout + result.stderr


def test_compare_names_the_activation_made_slower(quick_run, tmp_path):
    document = json.loads(quick_run.read_text(encoding="utf-8"))
    activation = next(e["activation"] for e in document["benchmarks"] if "activation" in e)
    slower = results_factory.write_json(tmp_path / "slower.json",
                                        results_factory.slow_down(document, activation, 1.5))
    result = run_script("compare.py", quick_run, slower)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"Regressed activations: {activation}." in result.stdout


def test_broken_results_exit_2(quick_run, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text(quick_run.read_text(encoding="utf-8")[:1000], encoding="utf-8")
    result = run_script("compare.py", broken, quick_run)
    assert result.returncode == 2 and "malformed JSON" in result.stderr
    assert "Traceback" not in result.stderr


def test_report_is_self_contained_html(quick_run, tmp_path):
    out = tmp_path / "report.html"
    result = run_script("report.py", quick_run, "-o", out)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "<img" in text and "href=" not in text
    assert all(src.startswith("data:") for src in text.split('src="')[1:])


def test_curves_from_dump_curves_are_charted(tmp_path):
    curves = tmp_path / "curves.json"
    result = _actbench(f"--dump-curves={curves}")
    assert result.returncode == 0, result.stderr[-2000:]
    out = tmp_path / "charts"
    result = run_script("plot.py", "--curves", curves, "-o", out, "--formats", "png")
    assert result.returncode == 0, result.stderr
    assert (out / "activation_curves.png").is_file()
