"""report_pairs.py: the report's tables that set one implementation against another (the GEMM
layers, the bias and the zero statistics fused into the activation's pass, vectorised against the
vendor libraries and PyTorch)."""
from __future__ import annotations

from dataclasses import replace

import actbench_stats
import pytest
import report_pairs
import results_factory
from actbench_results import Case, Dataset, format_seconds, group_into_datasets, load_results


@pytest.fixture
def dataset(small_results_file) -> Dataset:
    return group_into_datasets([load_results(small_results_file)])[0]


def _case(dataset: Dataset, implementation: str, **fields) -> Case:
    return next(c for k, c in dataset.cases.items() if k.implementation == implementation
                and all(getattr(k, name) == value for name, value in fields.items()))


def _add(dataset: Dataset, like: Case, implementation: str, factor: float) -> Case:
    """A case of another implementation measured like `like`, each repetition `factor` times as
    long."""
    case = replace(like, key=replace(like.key, implementation=implementation),
                   times=[t * factor for t in like.times], median_time=like.median_time * factor)
    dataset.cases[case.key] = case
    return case


def _rows(table) -> list[dict[str, str]]:
    return [dict(zip(table.headers, row)) for row in table.rows]


def _ratio(numerator: Case, denominator: Case) -> str:
    low, high = actbench_stats.median_ratio_interval(denominator, numerator)
    return f"{numerator.median_time / denominator.median_time:.2f} ({low:.2f}-{high:.2f})"


def test_gemm_layers_table_compares_fused_with_unfused(dataset):
    table = report_pairs.gemm_layers(dataset)[-1]
    rows = {(row[0], row[2]): dict(zip(table.headers, row)) for row in table.rows}
    assert set(rows) == {("relu", "cpu"), ("gelu", "cpu")}
    relu = rows[("relu", "cpu")]
    layers = {k.implementation: c for k, c in dataset.cases.items()
              if k.layer and k.activation == "relu"}
    fused, unfused = layers["fused_gemm"], layers["unfused_gemm"]
    assert relu["layer (MxNxK)"] == "1024x1024x4096"
    assert relu["saved by fusing"] == format_seconds(unfused.median_time - fused.median_time)
    assert report_pairs.signed_seconds(-2e-3) == "-2 ms"   # a fused layer slower than unfused
    assert relu["p (U test)"] == f"{actbench_stats.u_test_p(fused, unfused):.3f}"
    doubled = replace(unfused, times=[2 * t for t in fused.times])   # every repetition slower
    n = results_factory.REPETITIONS
    assert report_pairs.u_test_text(fused, doubled) == f"{actbench_stats.min_two_sided_p(n, n):.3f}"
    assert report_pairs.u_test_text(fused, None) == "-"
    once = replace(fused, times=fused.times[:1])
    assert report_pairs.u_test_text(once, unfused) == "-"   # too few to test
    one_pass = next(c for k, c in dataset.cases.items() if (k.activation, k.implementation,
                    k.direction, k.device, k.elements) == ("relu", "fused_bias", "forward", "cpu",
                                                           1 << 20))
    assert relu["one bias + activation pass"] == format_seconds(one_pass.median_time)
    gflops = 2 * 1024 * 1024 * 4096 / fused.median_time / 1e9
    assert relu["fused GFLOP/s"] == f"{gflops:.1f}"
    assert relu["of the matmul roof"] == f"{gflops / results_factory.CPU_MATMUL_GFLOPS:.1%}"


def test_fusing_the_bias_is_the_unfused_time_over_the_fused_at_the_largest_size(dataset):
    table = report_pairs.fusion(dataset)[3]
    rows = {(r["activation"], r["direction"], r["device"]): r for r in _rows(table)}
    assert len(rows) == 2 * 2 * 1   # activations x directions; the GPU has no unfused_bias here
    fused = _case(dataset, "fused_bias", activation="gelu", direction="backward", device="cpu",
                  elements=16 << 20, layer="")
    unfused = _case(dataset, "unfused_bias", activation="gelu", direction="backward",
                    device="cpu", elements=16 << 20)
    gelu = rows[("gelu", "backward", "cpu")]
    assert gelu["elements"] == "16M"
    assert gelu["fused_bias"] == format_seconds(fused.median_time)
    assert gelu["unfused / fused (90% interval)"] == _ratio(unfused, fused)


def test_the_zero_statistics_are_set_against_the_plain_forward(dataset):
    plain = _case(dataset, "vectorised", activation="relu", direction="forward", device="cpu",
                  elements=1 << 20)
    fused = _add(dataset, plain, "fused_stats", 1.08)
    unfused = _add(dataset, plain, "unfused_stats", 1.9)
    # Counted at 1M only: the row is at the largest size where both the plain and the fused ran.
    _add(dataset, _case(dataset, "vectorised", activation="relu", direction="forward",
                        device="cpu", elements=16 << 20), "unfused_stats", 2.0)
    table = report_pairs.fusion(dataset)[-1]
    [row] = _rows(table)
    assert (row["activation"], row["dtype"], row["device"], row["elements"]) == (
        "relu", "f32", "cpu", "1M")
    assert row["fused / plain (90% interval)"] == _ratio(fused, plain)
    assert row["fused / plain (90% interval)"].startswith("1.08 (")
    assert row["unfused / plain (90% interval)"] == _ratio(unfused, plain)


def test_a_ratio_of_single_repetitions_has_no_interval(dataset):
    plain = _case(dataset, "vectorised", activation="relu", direction="forward", device="cpu",
                  elements=1 << 20)
    once = replace(plain, times=plain.times[:1])
    assert report_pairs.ratio_text(_add(dataset, once, "fused_stats", 1.5), once) == "1.50"
    assert report_pairs.ratio_text(None, plain) == "-"


def test_fusion_is_left_out_of_a_run_without_pairs(dataset):
    for key in [k for k in dataset.cases if k.implementation in ("fused_bias", "unfused_bias")]:
        del dataset.cases[key]
    assert report_pairs.fusion(dataset) == []


def test_peers_are_timed_against_vectorised_at_every_size(dataset):
    blocks = report_pairs.peers(dataset)
    headings = [b.text for b in blocks if isinstance(b, report_pairs.Heading)]
    assert headings == ["Against the vendor libraries and PyTorch", "Side by side, cpu",
                        "vectorised against onednn, cpu", "Side by side, cuda:0",
                        "vectorised against cudnn, cuda:0"]
    onednn = blocks[5]
    assert onednn.headers == ["activation", "direction", "dtype", "4K", "1M", "16M",
                              "onednn faster at (p < 0.05)"]
    row = next(r for r in _rows(onednn) if (r["activation"], r["direction"]) == ("relu", "forward"))
    ours = _case(dataset, "vectorised", activation="relu", direction="forward", device="cpu",
                 elements=1 << 20)
    theirs = _case(dataset, "onednn", activation="relu", direction="forward", device="cpu",
                   elements=1 << 20)
    assert row["1M"] == f"{theirs.median_time / ours.median_time:.2f}"
    assert row["onednn faster at (p < 0.05)"] == "none"


def test_a_peer_faster_beyond_the_noise_is_named_and_untestable_pairs_are_not_judged(dataset):
    ours = _case(dataset, "vectorised", activation="gelu", direction="backward", device="cpu",
                 elements=4096)
    _add(dataset, ours, "torch", 0.5)   # every repetition twice as fast
    slow = _case(dataset, "vectorised", activation="relu", direction="forward", device="cpu",
                 elements=4096)
    _add(dataset, replace(slow, times=slow.times[:2]), "torch", 0.5)   # too few to test
    cpu = [c for k, c in dataset.cases.items() if k.device == "cpu"]
    torch = report_pairs._peer_table(cpu, "torch")
    rows = {(r["activation"], r["direction"]): r for r in _rows(torch)}
    assert torch.headers[3:] == ["4K", "torch faster at (p < 0.05)"]
    assert rows[("gelu", "backward")]["4K"] == "0.50"
    assert rows[("gelu", "backward")]["torch faster at (p < 0.05)"] == "4K"
    assert rows[("relu", "forward")]["torch faster at (p < 0.05)"] == "-"
    assert results_factory.REPETITIONS >= actbench_stats.repetitions_for_u_test(0.05)


def test_side_by_side_holds_every_peer_at_the_largest_size_against_one_peak(dataset):
    ours = _case(dataset, "vectorised", activation="gelu", direction="forward", device="cpu",
                 elements=1 << 20)
    torch = _add(dataset, ours, "torch", 2.0)
    torch = replace(torch, gbps=ours.gbps / 2, peak_gbps=ours.peak_gbps / 3)   # its own copy
    dataset.cases[torch.key] = torch
    table = report_pairs.peers(dataset)[3]
    assert table.headers == ["activation", "direction", "dtype", "elements", "vectorised",
                             "onednn", "torch"]
    rows = {(r["activation"], r["direction"]): r for r in _rows(table)}
    at_16m = _case(dataset, "vectorised", activation="gelu", direction="forward", device="cpu",
                   elements=16 << 20)
    onednn = _case(dataset, "onednn", activation="gelu", direction="forward", device="cpu",
                   elements=16 << 20)
    gelu = rows[("gelu", "forward")]
    assert gelu["elements"] == "16M"   # torch ran at 1M only: the largest size is onednn's
    assert gelu["vectorised"] == f"{at_16m.gbps:.1f} ({at_16m.gbps / at_16m.peak_gbps:.0%})"
    assert gelu["onednn"] == f"{onednn.gbps:.1f} ({onednn.gbps / at_16m.peak_gbps:.0%})"
    assert gelu["torch"] == "-"
    assert report_pairs._rate_text(torch, ours.peak_gbps) == (
        f"{ours.gbps / 2:.1f} ({ours.gbps / 2 / ours.peak_gbps:.0%})")
