"""The shared results reader accepts gzip-compressed files (how large committed sweeps are kept)
and reads exactly what the uncompressed file holds; it reads interrupted runs, and checks
results/schema.json wherever jsonschema is installed."""
from __future__ import annotations

import copy
import gzip
import re
import subprocess
import sys
from pathlib import Path

import pytest
import results_factory
from actbench_results import ResultsError, load_results
from conftest import SCRIPTS


def test_gzip_compressed_results_load_like_plain_ones(small_results_file: Path, tmp_path: Path):
    compressed = tmp_path / "small.json.gz"
    compressed.write_bytes(gzip.compress(small_results_file.read_bytes()))
    plain, unpacked = load_results(small_results_file), load_results(compressed)
    assert unpacked.cases.keys() == plain.cases.keys()
    assert unpacked.commit == plain.commit


def _interrupted(document: dict, tmp_path: Path, interrupted: dict) -> Path:
    document = copy.deepcopy(document)
    document["context"]["actbench"]["interrupted"] = interrupted
    return results_factory.write_json(tmp_path / "small.interrupted.json", document)


def test_an_interrupted_run_loads_and_says_so(small_document: dict, tmp_path: Path):
    path = _interrupted(small_document, tmp_path, {"signal": "SIGTERM", "points_not_run": 7})
    results = load_results(path)  # results/schema.json included
    assert results.interrupted == {"signal": "SIGTERM", "points_not_run": 7}
    assert results.interruption_note() == ("small.interrupted.json is an interrupted run "
                                           "(SIGTERM): 7 points were not run, so cases are missing")
    assert results.cases


@pytest.mark.parametrize("interrupted, message", [
    ({"signal": "SIGINT"}, "context.actbench.interrupted has no 'points_not_run'"),
    ({"signal": "SIGINT", "points_not_run": "3"}, "points_not_run is '3', expected int"),
    ({"signal": "SIGKILL", "points_not_run": 3}, "does not match results/schema.json"),
])
def test_a_malformed_interruption_is_refused(small_document: dict, tmp_path: Path,
                                             interrupted: dict, message: str):
    with pytest.raises(ResultsError, match=re.escape(message)):
        load_results(_interrupted(small_document, tmp_path, interrupted))


def test_without_jsonschema_the_schema_check_is_skipped_with_one_warning(small_document: dict,
                                                                         tmp_path: Path):
    """A borrowed GPU machine's Python lacks jsonschema; its files are checked later, here."""
    document = copy.deepcopy(small_document)
    del document["context"]["actbench"]["libraries"]  # the schema requires it, the reader does not
    path = results_factory.write_json(tmp_path / "no-libraries.json", document)
    with pytest.raises(ResultsError, match="does not match results/schema.json"):
        load_results(path)
    load_twice = ("import sys; sys.modules['jsonschema'] = None; sys.path.insert(0, sys.argv[1]); "
                  "from actbench_results import load_results; "
                  "[load_results(sys.argv[2]) for _ in range(2)]")
    result = subprocess.run([sys.executable, "-c", load_twice, str(SCRIPTS), str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "warning: jsonschema is not installed, so results/schema.json was not checked; load the "
        "file on a machine that has it (scripts/requirements.txt)"]
