"""report.py: the self-contained HTML report and the Markdown one (issue 6, item 4)."""
from __future__ import annotations

import base64
import copy
import re
from dataclasses import replace

import pytest
import report
import results_factory
from actbench_results import format_elements, group_into_datasets, load_all, load_results
from conftest import TINY
from report_document import Paragraph, Table

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def html_report(tmp_path_factory, curves_file) -> str:
    """The report of a CPU and GPU run: seven charts, and the curves."""
    directory = tmp_path_factory.mktemp("report")
    results = results_factory.write_json(directory / "results.json", results_factory.make_results(
        **dict(TINY, devices=("cpu", "cuda:0"), activations=("relu", "crelu"))))
    out = directory / "report.html"
    assert report.main([str(results), "-o", str(out), "--curves", str(curves_file),
                        "--title", "actbench on bench-host"]) == 0
    return out.read_text(encoding="utf-8")


def test_html_is_self_contained(html_report):
    sources = re.findall(r'src="([^"]*)"', html_report)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
    for reference in ("href=", "<link", "<script", "url(", "http://", "https://"):
        assert reference not in html_report
    for source in sources:
        assert base64.b64decode(source.split(",", 1)[1]).startswith(PNG_MAGIC)
    assert html_report.count("<figure>") == len(sources) >= 5
    assert "<title>actbench on bench-host</title>" in html_report


def test_html_has_environment_headline_pairs_validation_and_skips(html_report):
    for text in ("Intel(R) Xeon(R) Platinum 8480+", "NVIDIA H100 80GB HBM3", "vector ISA AVX2",
                 "2 threads: 14.1 GB/s", "library: cudnn", "9.13.0",
                 "Headline: best implementation", "fraction of peak", "2 case(s) FAILED",
                 "the case threw while it was timed: out of memory",
                 "oneDNN has no crelu eltwise algorithm", "Activations and their derivatives",
                 "Fusion: one pass against two", "vectorised against cudnn, cuda:0"):
        assert text in html_report, text


def test_validation_names_the_case_that_came_closest_to_its_tolerance(small_results_file):
    dataset = group_into_datasets([load_results(small_results_file)])[0]
    closest = next(c for k, c in dataset.cases.items()
                   if k.activation == "gelu" and k.device == "cpu")
    closest.validation["max_tolerance_used"] = 0.75
    tables = [b for b in report.validation(dataset) if isinstance(b, Table)]
    rows = [dict(zip(t.headers, row)) for t in tables for row in t.rows]
    cpu = next(r for r in rows if r.get("device") == "cpu" and r.get("dtype") == closest.key.dtype)
    k = closest.key
    assert cpu["worst share of tolerance"] == (
        f"0.75 ({k.activation} {k.direction} {k.implementation} {format_elements(k.elements)})")
    failed = next(r for r in rows
                  if r.get("implementation") == "naive" and "share of tolerance" in r)
    assert failed["share of tolerance"] == "2.7e+08"


def test_headline_picks_the_fastest_at_the_largest_size(small_results_file):
    dataset = group_into_datasets([load_results(small_results_file)])[0]
    table = report.headline(dataset)
    rows = {tuple(row[:4]): dict(zip(table.headers, row)) for row in table.rows}
    assert len(rows) == 2 * 2 * 2   # activations x directions x devices, one dtype
    relu = rows[("relu", "forward", "f32", "cpu")]
    at_largest = {k.implementation: c for k, c in dataset.cases.items()
                  if (k.activation, k.direction, k.device, k.elements) ==
                  ("relu", "forward", "cpu", 16 << 20)}
    best = max(at_largest.values(), key=lambda c: c.gbps)
    assert relu["best implementation"] == best.key.implementation
    assert relu["elements"] == "16M"
    assert relu["GB/s"] == f"{best.gbps:.1f}"
    assert relu["fraction of peak"] == f"{best.gbps / 14.1:.1%}"
    assert relu["of local peak"] == f"{best.gbps / (14.1 * results_factory.LOCAL_PEAK_SHARE):.1%}"
    # At 16M the working set is past the caches: the copy of its size is the DRAM copy (the factory's model).
    assert relu["of same-size copy"] == f"{best.gbps / 14.1:.1%}"
    naive = at_largest["naive"].median_time / best.median_time
    assert relu["vs naive"] == f"{naive:.2f}x"
    assert relu["vs vendor library"].endswith("(onednn)")
    assert rows[("relu", "forward", "f32", "cuda:0")]["vs vendor library"].endswith("(cudnn)")
    assert rows[("relu", "forward", "f32", "cuda:0")]["of same-size copy"] == "-"   # CPU points only


def test_gemm_layers_stay_out_of_the_headline_and_charts(small_results_file):
    dataset = group_into_datasets([load_results(small_results_file)])[0]
    assert not any(c.key.layer for c in report.representative(dataset.cases.values()))
    table = report.headline(dataset)
    assert "gemm" not in " ".join(row[4] for row in table.rows)


def test_skipped_cases_are_grouped_by_reason(small_results_file):
    dataset = group_into_datasets([load_results(small_results_file)])[0]
    table = report.skipped(dataset)[1]
    mask = next(row for row in table.rows if row[0] == "mask")
    assert mask[1:4] == ["cpu", "the 1-bit mask backward exists for relu only", "2"]
    assert mask[4:] == ["gelu", "forward, backward", "f32"]


def test_markdown_report_writes_its_charts_beside_it(tmp_path, tiny_results_file):
    out = tmp_path / "published" / "report.md"
    assert report.main([str(tiny_results_file), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert images == ["report_charts/bandwidth_cpu_f32_forward.png",
                      "report_charts/speedup_over_naive_cpu_f32_forward.png",
                      "report_charts/speedup_over_onednn_cpu_f32_forward.png"]
    assert all((out.parent / image).read_bytes().startswith(PNG_MAGIC) for image in images)
    assert "| activation | direction | dtype | device | best implementation |" in text
    assert text.startswith("# actbench report\n")


def test_runs_of_other_machines_are_reported_apart_and_overlaid(tmp_path, tiny_results_file):
    other = results_factory.make_results(**TINY, host="elsewhere")
    other["context"]["actbench"]["cpu"]["model"] = "AMD EPYC 9654"
    other_file = results_factory.write_json(tmp_path / "epyc.json", other)
    blocks = report.build(load_all([tiny_results_file, other_file]), None, ["vectorised"])
    headings = [b.text for b in blocks if isinstance(b, report.Heading)]
    assert "Environment: tiny.json" in headings and "Environment: epyc.json" in headings
    assert "Results of Intel(R) Xeon(R) Platinum 8480+ @ 0123456" in headings
    assert "Results of AMD EPYC 9654 @ 0123456" in headings
    assert headings[-1] == "The runs overlaid"
    names = [b.chart.name for b in blocks if isinstance(b, report.ChartBlock)]
    assert len(names) == len(set(names)) == 7
    assert names[-1] == "overlay_vectorised_cpu_f32_forward"


def test_an_interrupted_run_is_pointed_out_in_its_environment(tmp_path, small_document):
    document = copy.deepcopy(small_document)
    document["context"]["actbench"]["interrupted"] = {"signal": "SIGTERM", "points_not_run": 3}
    results = load_results(results_factory.write_json(tmp_path / "cut.interrupted.json", document))
    notes = [b for b in report.environment(results) if isinstance(b, Paragraph) and b.emphasis]
    assert [n.text for n in notes] == ["cut.interrupted.json is an interrupted run (SIGTERM): 3 "
                                       "points were not run, so cases are missing."]


def test_the_library_kernels_that_ran_are_grouped_by_kernel(small_results_file):
    dataset = group_into_datasets([load_results(small_results_file)])[0]
    assert report.library_kernels(dataset) == []   # a run without vendor kernels named
    for key, case in list(dataset.cases.items()):
        if key.implementation == "onednn" and key.device == "cpu":
            kernel = "jit:avx512_core" if key.elements > 4096 else "ref:any"
            dataset.cases[key] = replace(case, library_kernel=kernel)
    heading, _, table = report.library_kernels(dataset)
    assert heading.text == "The library kernels that ran"
    rows = [dict(zip(table.headers, row)) for row in table.rows]
    assert [r["library kernel"] for r in rows] == ["jit:avx512_core", "ref:any"]
    jit = rows[0]
    assert (jit["implementation"], jit["device"], jit["dtype"]) == ("onednn", "cpu", "f32")
    assert jit["cases"] == str(2 * 2 * 2)   # activations x directions x the two larger sizes
    assert (jit["activations"], jit["directions"], jit["sizes"]) == (
        "relu, gelu", "forward, backward", "1M, 16M")
