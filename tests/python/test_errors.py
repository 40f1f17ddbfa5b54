"""Unusable input gives one clear line on stderr and exit status 2, never a traceback (issue 6,
item 5), for each script."""
from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import compare
import plot
import pytest
import report
from conftest import run_script

BAD_INPUTS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "missing file": (lambda d: d / "absent.json", "no such file"),
    "directory": (lambda d: d, "is a directory"),
    "empty file": (lambda d: _write(d / "empty.json", ""), "malformed JSON"),
    "malformed JSON": (lambda d: _write(d / "broken.json", '{"context": {"actbench": '),
                       "malformed JSON at line 1"),
    "not UTF-8": (lambda d: _write_bytes(d / "binary.json", b"\xff\xfe\x00garbage"), "UTF-8"),
    "truncated gzip": (lambda d: _write_bytes(d / "cut.json.gz", gzip.compress(b'{"context": {}}')[:12]),
                       "corrupt gzip"),
    "JSON but not an object": (lambda d: _write(d / "list.json", "[1, 2, 3]"),
                               "not actbench results"),
    "plain Google Benchmark output": (
        lambda d: _write(d / "gbench.json", json.dumps({"context": {"date": "x"},
                                                        "benchmarks": []})),
        "not actbench results"),
    "unknown schema_version": (
        lambda d: _write(d / "future.json", json.dumps({"context": {"actbench": {
            "schema_version": 99}}, "benchmarks": []})),
        "unknown schema_version 99"),
    "no benchmarks list": (
        lambda d: _write(d / "nobench.json", json.dumps({"context": {"actbench": {
            "schema_version": 1}}})),
        "no 'benchmarks' list"),
}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _mutated(results_document: dict, path: Path, change: Callable[[dict], None]) -> Path:
    document = json.loads(json.dumps(results_document))
    change(document)
    return _write(path, json.dumps(document))


def _invocations(bad: Path, good: Path, out: Path) -> dict[str, tuple[Callable, list[str]]]:
    return {
        "compare.py (baseline)": (compare.main, [str(bad), str(good)]),
        "compare.py (new)": (compare.main, [str(good), str(bad)]),
        "plot.py": (plot.main, [str(bad), "-o", str(out / "charts")]),
        "report.py": (report.main, [str(bad), "-o", str(out / "report.html")]),
    }


def _assert_one_line_error(rc: int, captured, prog: str, bad: Path, message: str) -> None:
    assert rc == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"{prog}: error: ")
    assert str(bad) in lines[0] and message in lines[0]
    assert "Traceback" not in captured.err


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
@pytest.mark.parametrize("script", ["compare.py (baseline)", "compare.py (new)", "plot.py",
                                    "report.py"])
def test_bad_input_is_one_line_and_exit_2(case, script, tmp_path, small_results_file, capsys):
    make_bad, message = BAD_INPUTS[case]
    bad = make_bad(tmp_path)
    main, argv = _invocations(bad, small_results_file, tmp_path)[script]
    rc = main(argv)
    _assert_one_line_error(rc, capsys.readouterr(), script.split()[0], bad, message)


@pytest.mark.parametrize("change, message", [
    (lambda d: d["benchmarks"][0].__setitem__("real_time", "fast"),
     "benchmarks[0].real_time is 'fast', expected int or float"),
    (lambda d: d["benchmarks"][0].pop("elements"), "benchmarks[0] has no 'elements'"),
    (lambda d: d["benchmarks"][0].__setitem__("time_unit", "fortnights"),
     "time_unit is 'fortnights'"),
    (lambda d: d["benchmarks"][0].__setitem__("device", "tpu"), "expected cpu or cuda:N"),
    (lambda d: d["benchmarks"][0].__setitem__("elements", True), "expected int"),
    (lambda d: d["context"]["actbench"].__setitem__("gpus", {"name": "x"}), "is not a list"),
    (lambda d: d.__setitem__("skipped", "none"), "skipped is not a list"),
])
def test_wrong_field_types_are_rejected(change, message, tmp_path, small_document, capsys):
    bad = _mutated(small_document, tmp_path / "bad.json", change)
    rc = compare.main([str(bad), str(bad)])
    _assert_one_line_error(rc, capsys.readouterr(), "compare.py", bad, message)


@pytest.mark.parametrize("script, argv", [
    ("plot.py", ["{bad}", "-o", "{out}"]),
    ("compare.py", ["{good}", "{bad}"]),
    ("report.py", ["{bad}", "-o", "{out}/r.html"]),
])
def test_as_a_process_no_traceback(script, argv, tmp_path, small_results_file):
    bad = _write(tmp_path / "broken.json", '{"benchmarks": [')
    args = [a.format(bad=bad, good=small_results_file, out=tmp_path) for a in argv]
    result = run_script(script, *args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "malformed JSON" in result.stderr


@pytest.mark.parametrize("main, argv, message", [
    (compare.main, ["{good}", "{good}", "--min-effect", "-1"], "--min-effect must be >= 0"),
    (compare.main, ["{good}", "{good}", "--alpha", "2"], "--alpha must be between 0 and 1"),
    (compare.main, ["{good}"], "the following arguments are required: new"),
    (plot.main, ["{good}"], "the following arguments are required: -o"),
    (plot.main, ["{good}", "-o", "{out}", "--formats", "gif"], "--formats takes png or svg"),
    (plot.main, ["{good}", "-o", "{out}", "--trend"], "--trend needs at least two"),
    (plot.main, ["-o", "{out}"], "give at least one results file or --curves"),
    (report.main, ["{good}", "-o", "{out}/report.pdf"], "-o must end in .html or .md"),
])
def test_usage_errors_are_one_line_and_exit_2(main, argv, message, tmp_path, small_results_file,
                                              capsys):
    args = [a.format(good=small_results_file, out=tmp_path) for a in argv]
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_bad_curves_file_is_one_line_and_exit_2(tmp_path, capsys):
    bad = _write(tmp_path / "curves.json", json.dumps({"x": [0, 1], "activations": {
        "relu": {"forward": [0], "derivative": [0, 1]}}}))
    rc = plot.main(["--curves", str(bad), "-o", str(tmp_path / "out")])
    _assert_one_line_error(rc, capsys.readouterr(), "plot.py", bad,
                           "activations.relu.forward must be 2 numbers")


def test_compare_without_common_cases_is_unusable(tmp_path, capsys):
    import results_factory
    cpu = results_factory.write_json(tmp_path / "cpu.json", results_factory.make_results(
        devices=("cpu",), activations=("relu",), dtypes=("f32",), sizes=(4096,)))
    gpu = results_factory.write_json(tmp_path / "gpu.json", results_factory.make_results(
        devices=("cuda:0",), activations=("relu",), dtypes=("f32",), sizes=(4096,)))
    rc = compare.main([str(cpu), str(gpu), "--report-only"])
    captured = capsys.readouterr()
    assert rc == 2 and "no case in common" in captured.err
