"""The shared results reader accepts gzip-compressed files (how large committed sweeps are kept)
and reads exactly what the uncompressed file holds; it checks results/schema.json wherever
jsonschema is installed."""
from __future__ import annotations

import copy
import gzip
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
