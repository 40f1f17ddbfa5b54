"""plot.py and the charts behind it (issue 6, item 2 and its acceptance)."""
from __future__ import annotations

import math
from pathlib import Path

import actbench_charts as charts
import plot
import pytest
import results_factory
from matplotlib.figure import Figure
from actbench_results import Dataset, group_into_datasets, load_all, load_results
from conftest import SMALL, TINY

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _dataset(path: Path) -> Dataset:
    return group_into_datasets([load_results(path)])[0]


def _legend_labels(chart: charts.Chart) -> list[str]:
    return [text.get_text() for legend in chart.figure.legends for text in legend.get_texts()]


def test_plot_writes_every_chart_kind(tmp_path, curves_file):
    results = results_factory.write_json(tmp_path / "relu.json", results_factory.make_results(
        **dict(SMALL, activations=("relu",), directions=("forward",))))
    out = tmp_path / "charts"
    assert plot.main([str(results), "-o", str(out), "--curves", str(curves_file),
                      "--formats", "png"]) == 0
    pngs = sorted(p.stem for p in out.glob("*.png"))
    assert len(pngs) >= 5
    assert all((out / f"{stem}.png").read_bytes().startswith(PNG_MAGIC) for stem in pngs)
    assert pngs == ["activation_curves", "bandwidth_cpu_f32_forward", "bandwidth_cuda0_f32_forward",
                    "compare_device_f32_forward", "gemm_cpu_f32_1024x1024x4096",
                    "speedup_over_cudnn_cuda0_f32_forward",
                    "speedup_over_naive_cpu_f32_forward", "speedup_over_naive_cuda0_f32_forward",
                    "speedup_over_onednn_cpu_f32_forward"]


def test_gemm_chart_compares_fused_with_unfused_under_the_matmul_roof(small_results_file):
    chart = next(charts.gemm_charts(_dataset(small_results_file)))
    assert chart.name == "gemm_cpu_f32_1024x1024x4096"
    ax = chart.figure.axes[0]
    assert [label.get_text() for label in ax.get_xticklabels()] == ["relu", "gelu"]
    roofs = [line.get_ydata()[0] for line in ax.lines if line.get_linestyle() == "--"]
    assert roofs == [pytest.approx(results_factory.CPU_MATMUL_GFLOPS)]
    assert {"fused_gemm", "unfused_gemm", "plain matmul, the roof"} <= set(_legend_labels(chart))


def test_forward_and_backward_are_compared(small_results_file):
    comparisons = list(charts.comparison_charts(_dataset(small_results_file), "direction"))
    assert [c.name for c in comparisons] == ["compare_direction_cpu_f32",
                                             "compare_direction_cuda0_f32"]
    assert _legend_labels(comparisons[0])[:2] == ["forward", "backward"]


def test_png_and_svg_by_default(tmp_path, tiny_results_file):
    out = tmp_path / "charts"
    assert plot.main([str(tiny_results_file), "-o", str(out)]) == 0
    pngs = sorted(p.stem for p in out.glob("*.png"))
    assert pngs == sorted(p.stem for p in out.glob("*.svg")) == [
        "bandwidth_cpu_f32_forward", "speedup_over_naive_cpu_f32_forward",
        "speedup_over_onednn_cpu_f32_forward"]
    assert (out / "bandwidth_cpu_f32_forward.svg").read_text().lstrip().startswith("<?xml")


def test_bandwidth_chart_has_roofline_cache_marks_and_units(small_results_file):
    chart = next(c for c in charts.bandwidth_charts(_dataset(small_results_file))
                 if c.name == "bandwidth_cpu_f32_forward")
    assert "Intel(R) Xeon(R) Platinum 8480+ (cpu)" in chart.title and "f32 forward" in chart.title
    ax = chart.figure.axes[0]
    assert ax.get_title() == "relu"
    horizontal = {tuple(line.get_ydata()) for line in ax.lines if line.get_linestyle() == "--"}
    assert (14.1, 14.1) in horizontal   # the measured 2-thread copy bandwidth
    # f32 forward moves 8 bytes per element: L2 (1 MiB) fills at 128K elements, L3 at 4M.
    vertical = {line.get_xdata()[0] for line in ax.lines if line.get_linestyle() == ":"}
    assert vertical == {1024 * 1024 / 8, 32 * 1024 * 1024 / 8}
    assert ax.get_xlabel() == "tensor size (elements, log scale)"
    assert chart.figure.get_supylabel() == "achieved bandwidth (GB/s)"
    assert {"naive", "vectorised", "onednn", "measured copy bandwidth (roofline)",
            "copy of the same size", "working set = cache size"} <= set(_legend_labels(chart))
    # The same-size copy follows the caches: 3x the DRAM copy in L2, 1.8x in L3 (the factory's model).
    same_size = next(line for line in ax.lines if line.get_linestyle() == "-.")
    assert list(same_size.get_ydata()) == pytest.approx([14.1 * 3, 14.1 * 1.8, 14.1])


def test_speedups_are_time_ratios_over_naive_and_the_vendor(small_results_file):
    dataset = _dataset(small_results_file)
    by_name = {c.name: c for c in charts.speedup_charts(dataset)}
    chart = by_name["speedup_over_naive_cpu_f32_forward"]
    line = next(line for line in chart.figure.axes[0].lines if line.get_label() == "vectorised")
    key = {k: c for k, c in dataset.cases.items() if k.device == "cpu" and k.dtype == "f32"
           and k.direction == "forward" and k.activation == "relu"}
    naive = {k.elements: c for k, c in key.items() if k.implementation == "naive"}
    vectorised = {k.elements: c for k, c in key.items() if k.implementation == "vectorised"}
    expected = [naive[n].median_time / vectorised[n].median_time for n in sorted(naive)]
    assert list(line.get_ydata()) == pytest.approx(expected)
    assert "speedup_over_cudnn_cuda0_f32_forward" in by_name
    assert "speedup_over_onednn_cuda0_f32_forward" not in by_name


def _labelled_ticks(low: float, high: float) -> list[float]:
    figure = Figure()
    ax = figure.subplots()
    ax.plot([1024, 4096], [low, high])
    charts._ratio_axis(ax)
    bottom, top = ax.get_ylim()
    return [tick for tick in ax.yaxis.get_majorticklocs() if bottom <= tick <= top]


def test_ratio_axes_stay_readable_over_many_octaves():
    # naive over oneDNN spans about 13 octaves in the bf16 sweep: powers of 2 only, a few of them
    wide = _labelled_ticks(0.004, 40.0)
    assert 3 <= len(wide) <= 10
    assert all(math.log2(tick).is_integer() for tick in wide)
    # within two octaves the quarter steps are marked
    narrow = _labelled_ticks(0.8, 2.2)
    assert 1.25 in narrow and 1.5 in narrow


def test_dtype_comparison_needs_two_dtypes(tmp_path, small_results_file):
    assert not list(charts.comparison_charts(_dataset(small_results_file), "dtype"))
    two_dtypes = results_factory.write_json(tmp_path / "dtypes.json", results_factory.make_results(
        **dict(SMALL, activations=("relu",), dtypes=("f32", "bf16", "f16"))))
    comparisons = list(charts.comparison_charts(_dataset(two_dtypes), "dtype"))
    assert [c.name for c in comparisons] == [
        "compare_dtype_cpu_forward", "compare_dtype_cpu_backward", "compare_dtype_cuda0_forward",
        "compare_dtype_cuda0_backward"]
    assert _legend_labels(comparisons[0])[:3] == ["f32", "f16", "bf16"]


def test_files_of_other_machines_are_overlaid_with_each_machine_named(tmp_path,
                                                                      tiny_results_file):
    other = results_factory.make_results(**TINY, host="elsewhere", commit="f" * 40)
    other["context"]["actbench"]["cpu"]["model"] = "AMD EPYC 9654"
    other_file = results_factory.write_json(tmp_path / "epyc.json", other)
    datasets = group_into_datasets(load_all([tiny_results_file, other_file]))
    assert len(datasets) == 2
    overlay = next(charts.overlay_charts(datasets, ["vectorised"]))
    assert overlay.name == "overlay_vectorised_cpu_f32_forward"
    assert _legend_labels(overlay) == ["Intel(R) Xeon(R) Platinum 8480+ @ 0123456",
                                       "AMD EPYC 9654 @ fffffff"]
    out = tmp_path / "charts"
    assert plot.main([str(tiny_results_file), str(other_file), "-o", str(out),
                      "--formats", "png", "--overlay-impls", "naive,vectorised"]) == 0
    assert sorted(p.name for p in out.glob("overlay_*.png")) == [
        "overlay_naive_cpu_f32_forward.png", "overlay_vectorised_cpu_f32_forward.png"]
    assert (out / "tiny" / "bandwidth_cpu_f32_forward.png").is_file()
    assert (out / "epyc" / "bandwidth_cpu_f32_forward.png").is_file()


def test_complementary_files_are_charted_together(tmp_path, small_results_file):
    """A PyTorch peer's file (implementation torch) joins the actbench run's charts."""
    peer = results_factory.make_results(**SMALL, devices=("cuda:0",))
    peer["benchmarks"] = [dict(e, implementation="torch") for e in peer["benchmarks"]
                          if e["implementation"] == "naive"]
    peer_file = results_factory.write_json(tmp_path / "torch.json", peer)
    datasets = group_into_datasets(load_all([small_results_file, peer_file]))
    assert len(datasets) == 1
    chart = next(c for c in charts.bandwidth_charts(datasets[0])
                 if c.name == "bandwidth_cuda0_f32_forward")
    assert "torch" in _legend_labels(chart)


def test_trend_over_a_history_oldest_to_newest(tmp_path):
    paths = []
    for day in (3, 1, 2):   # given out of order
        document = results_factory.make_results(
            **TINY, seed=day, commit=f"{day}" * 40, date=f"2025-11-0{day}T00:00:00+00:00")
        document = results_factory.slow_down(document, "relu", 1 + day / 10)
        paths.append(results_factory.write_json(tmp_path / f"run{day}.json", document))
    datasets = [Dataset([r], dict(r.cases)) for r in load_all(paths)]
    chart = next(charts.trend_charts(datasets))
    ax = chart.figure.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "2025-11-01\n1111111", "2025-11-02\n2222222", "2025-11-03\n3333333"]
    vectorised = next(line for line in ax.lines if line.get_label() == "vectorised")
    assert list(vectorised.get_ydata()) == sorted(vectorised.get_ydata(), reverse=True)
    out = tmp_path / "charts"
    assert plot.main([*map(str, paths), "--trend", "-o", str(out), "--formats", "png"]) == 0
    assert sorted(p.name for p in out.glob("*.png")) == ["trend_cpu_f32_forward.png"]
    assert (out / "newest" / "bandwidth_cpu_f32_forward.png").is_file()


def test_curves_chart_draws_function_and_derivative(curves_file):
    chart = charts.curves_chart(charts.load_curves(str(curves_file)))
    assert [ax.get_title() for ax in chart.figure.axes if ax.get_visible()] == [
        "relu", "sigmoid", "tanh", "silu"]
    assert _legend_labels(chart) == ["f(x)", "f'(x)"]
    assert "[-6, 6]" in chart.title
