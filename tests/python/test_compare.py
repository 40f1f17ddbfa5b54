"""compare.py: verdicts by the U test or the noise rule, the gate's exit status, Markdown and
JUnit output (issue 6, item 3 and its acceptance)."""
from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import compare
import pytest
import results_factory
from actbench_results import load_results
from conftest import SMALL, run_script


@pytest.fixture(scope="module")
def slowed_file(data_dir: Path, small_document: dict) -> Path:
    """The small fixture with every gelu case 1.5x slower."""
    return results_factory.write_json(data_dir / "gelu_slower.json",
                                      results_factory.slow_down(small_document, "gelu", 1.5))


def _trimmed(document: dict, repetitions: int) -> dict:
    """The document as if run with fewer repetitions (and no cv aggregate to fall back on)."""
    return {**document, "benchmarks": [
        e for e in document["benchmarks"]
        if e.get("repetition_index", 0) < repetitions and e.get("aggregate_name") != "cv"]}


def test_file_against_itself_passes(results_file):
    """The full fixture: every activation, implementation, dtype and device."""
    result = run_script("compare.py", results_file, results_file)
    assert result.returncode == 0, result.stderr
    assert "**PASS**" in result.stdout and "regression" not in result.stdout


def test_one_activation_slower_fails_and_is_named(small_results_file, slowed_file):
    result = run_script("compare.py", small_results_file, slowed_file)
    assert result.returncode == 1, result.stderr
    assert "**FAIL**" in result.stdout
    assert "Regressed activations: gelu." in result.stdout
    regressed = [line for line in result.stdout.splitlines() if "**regression**" in line]
    assert regressed and all(line.startswith("| gelu |") for line in regressed)
    assert all("U test" in line for line in regressed)
    for line in regressed:   # the ratio's bootstrap interval lies wholly above 1
        ratio, low, high = map(float, re.search(r"\| ([\d.]+) \(([\d.]+)-([\d.]+)\) \|", line).groups())
        assert 1.0 < low <= ratio <= high


def test_report_only_never_fails_the_gate(small_results_file, slowed_file, capsys):
    assert compare.main([str(small_results_file), str(slowed_file), "--report-only"]) == 0
    out = capsys.readouterr().out
    assert "report only" in out and "**regression**" in out


def test_improvements_never_fail(tmp_path, small_document, small_results_file, capsys):
    slowed = results_factory.write_json(tmp_path / "slow.json",
                                        results_factory.slow_down(small_document, "gelu", 1.5))
    assert compare.main([str(slowed), str(small_results_file)]) == 0
    out = capsys.readouterr().out
    assert "| gelu |" in out and "improvement" in out and "**regression**" not in out


def test_minimum_effect_size_is_a_flag(tmp_path, small_document, small_results_file, capsys):
    baseline = small_results_file
    slightly = results_factory.write_json(
        tmp_path / "slightly.json", results_factory.slow_down(small_document, "relu", 1.03))
    assert compare.main([str(baseline), str(slightly)]) == 0
    assert compare.main([str(baseline), str(slightly), "--min-effect", "2"]) == 1
    assert "minimum change of 2.0%" in capsys.readouterr().out


def test_too_few_repetitions_fall_back_to_the_noise_rule_and_say_so(tmp_path, small_document,
                                                                    capsys):
    base = results_factory.write_json(tmp_path / "b.json", _trimmed(small_document, 3))
    slow = results_factory.write_json(tmp_path / "s.json", _trimmed(
        results_factory.slow_down(small_document, "gelu", 1.5), 3))
    assert compare.main([str(base), str(slow)]) == 1
    out = capsys.readouterr().out
    assert "too few repetitions for the U test" in out and "it needs 4 per side" in out
    regressed = [line for line in out.splitlines() if "**regression**" in line]
    assert regressed and all(line.startswith("| gelu |") and "noise rule" in line
                             for line in regressed)


def test_noise_rule_needs_the_change_to_exceed_the_spread(tmp_path):
    """A 10% change within runs that spread by 20% is not a regression."""
    document = results_factory.make_results(devices=("cpu",), activations=("relu",),
                                            dtypes=("f32",), sizes=(4096,))
    for entry in document["benchmarks"]:
        if entry.get("repetition_index") == 1:
            entry["real_time"] *= 1.2
    noisy = _trimmed(document, 2)
    base = load_results(results_factory.write_json(tmp_path / "b.json", noisy))
    new = load_results(results_factory.write_json(
        tmp_path / "n.json", results_factory.slow_down(noisy, "relu", 1.1)))
    case = next(iter(base.cases.values()))
    verdict = compare.judge(case, new.cases[case.key], alpha=0.05, min_effect=0.05)
    assert verdict.p_value is None and verdict.threshold > 0.15
    assert verdict.verdict == compare.UNCHANGED


def test_cases_on_one_side_only_are_listed(tmp_path, capsys):
    both = dict(SMALL, activations=("relu", "gelu"))
    base = results_factory.write_json(tmp_path / "b.json", results_factory.make_results(**both))
    new = results_factory.write_json(tmp_path / "n.json", results_factory.make_results(
        **dict(SMALL, activations=("relu", "sigmoid"))))
    assert compare.main([str(base), str(new)]) == 0
    out = capsys.readouterr().out
    assert "cases only in the baseline:" in out and "- gelu forward naive cpu f32 4K" in out
    assert "cases only in the new run:" in out and "- sigmoid forward naive cpu f32 4K" in out


def test_a_case_failing_validation_in_the_new_run_fails_the_gate(tmp_path, small_results_file,
                                                                 capsys):
    point = {"activation": "relu", "direction": "forward", "implementation": "naive",
             "device": "cpu", "dtype": "f32", "input": "mixed", "elements": 4096}
    document = results_factory.make_results(**SMALL)
    document["benchmarks"] = [e for e in document["benchmarks"]
                              if any(e[k] != v for k, v in point.items())]
    document["failures"].append({**point, "shape": [16, 256], "validation": {
        "max_abs_error": 1.0, "max_rel_error": 1.0, "max_ulp": 1e9,
        "tolerance": {"abs": 1e-6, "rel": 1e-5}, "passed": False}})
    new = results_factory.write_json(tmp_path / "n.json", document)
    assert compare.main([str(small_results_file), str(new)]) == 1
    out = capsys.readouterr().out
    invalid = [line for line in out.splitlines() if "**fails validation**" in line]
    assert len(invalid) == 1
    assert invalid[0].startswith("| relu | forward | naive | cpu | f32 | mixed | - | 4K |")


def test_junit_has_a_failed_test_per_regressed_case(tmp_path, small_results_file, slowed_file):
    junit = tmp_path / "compare.xml"
    assert compare.main([str(small_results_file), str(slowed_file), "--junit", str(junit)]) == 1
    suite = ET.parse(junit).getroot()
    failed = [t for t in suite.iter("testcase") if t.find("failure") is not None]
    assert int(suite.get("failures")) == len(failed) > 0
    assert int(suite.get("tests")) == len(list(suite.iter("testcase")))
    assert all(t.get("classname").endswith(".gelu") for t in failed)
    assert all("+50.0% slower" in t.find("failure").get("message") for t in failed)


def test_different_machines_are_pointed_out(tmp_path, small_results_file, capsys):
    other = results_factory.make_results(**SMALL, host="elsewhere")
    other["context"]["actbench"]["gpus"][0]["name"] = "NVIDIA H200"
    new = results_factory.write_json(tmp_path / "other.json", other)
    compare.main([str(small_results_file), str(new), "--report-only"])
    assert "come from different machines" in capsys.readouterr().out


def test_an_interrupted_run_is_pointed_out(tmp_path, small_document, small_results_file, capsys):
    document = copy.deepcopy(small_document)
    document["context"]["actbench"]["interrupted"] = {"signal": "SIGINT", "points_not_run": 12}
    new = results_factory.write_json(tmp_path / "new.interrupted.json", document)
    assert compare.main([str(small_results_file), str(new)]) == 0
    warnings = [line for line in capsys.readouterr().out.splitlines() if "warning" in line]
    assert warnings == ["- **warning: new.interrupted.json is an interrupted run (SIGINT): 12 "
                        "points were not run, so cases are missing**"]
