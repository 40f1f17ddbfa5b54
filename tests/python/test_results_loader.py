"""The shared results reader accepts gzip-compressed files (how large committed sweeps are kept)
and reads exactly what the uncompressed file holds."""
from __future__ import annotations

import gzip
from pathlib import Path

from actbench_results import load_results


def test_gzip_compressed_results_load_like_plain_ones(small_results_file: Path, tmp_path: Path):
    compressed = tmp_path / "small.json.gz"
    compressed.write_bytes(gzip.compress(small_results_file.read_bytes()))
    plain, unpacked = load_results(small_results_file), load_results(compressed)
    assert unpacked.cases.keys() == plain.cases.keys()
    assert unpacked.commit == plain.commit
