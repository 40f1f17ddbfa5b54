"""The charts of actbench results, as matplotlib figures: plot.py saves them, report.py embeds them.

Every chart is drawn from checked results (actbench_results) and names its machine, device, dtype,
direction and the conditions measured (input distribution, L2 state) in its title, so a chart read
on its own is not ambiguous.
"""
from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import statistics
import textwrap
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import matplotlib
from actbench_results import (
    BASELINE_IMPLEMENTATION,
    IMPLEMENTATION_ORDER,
    PREFERRED_INPUT,
    PREFERRED_L2,
    VENDOR_IMPLEMENTATION,
    Case,
    Dataset,
    ResultsError,
    format_bytes,
    format_elements,
    read_json_file,
    sort_key_direction,
    sort_key_dtype,
    sort_key_implementation,
)
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

# Files only, no display: the charts are drawn headless (pyplot is never imported).
matplotlib.use("Agg")

PANEL_SIZE = (4.0, 3.0)   # inches per small-multiple panel
MAX_COLUMNS = 4
STYLE = {"font.size": 9, "axes.titlesize": 10, "figure.titlesize": 12, "legend.fontsize": 8,
         "axes.grid": True, "grid.alpha": 0.3}
PALETTE = [f"C{i}" for i in range(10)] + ["#8c564b", "#17becf", "#bcbd22", "#7f7f7f"]
ROOFLINE_STYLE = {"color": "black", "linestyle": "--", "linewidth": 1.2}
SAME_SIZE_COPY_STYLE = {"color": "black", "linestyle": "-.", "linewidth": 1.0, "marker": "x",
                        "markersize": 4}
THEORETICAL_STYLE = {"color": "grey", "linestyle": ":", "linewidth": 1.2}
CACHE_STYLE = {"color": "tab:purple", "linestyle": ":", "linewidth": 1.0, "alpha": 0.8}
FIELD_SORT = {"dtype": sort_key_dtype, "direction": sort_key_direction,
              "implementation": sort_key_implementation}
FIELD_TITLE = {"dtype": "Comparison of dtypes", "device": "CPU vs GPU",
               "direction": "Forward vs backward"}


@dataclass
class Chart:
    name: str        # file name stem, unique within one run of plot.py
    title: str       # one line, for a report's caption
    figure: Figure


def slug(*parts: str) -> str:
    return "_".join(p.replace(":", "").replace(" ", "-") for p in parts if p)


def implementation_color(name: str) -> str:
    if name in IMPLEMENTATION_ORDER:
        return PALETTE[IMPLEMENTATION_ORDER.index(name) % len(PALETTE)]
    return PALETTE[(len(IMPLEMENTATION_ORDER) + sum(map(ord, name))) % len(PALETTE)]


def _field(case: Case, name: str) -> Any:
    return getattr(case.key, name)


def grouped(cases: Iterable[Case], *fields: str) -> dict[tuple, list[Case]]:
    """Cases grouped by key fields, in display order: dtypes, directions and implementations in
    their conventional order, other fields (activations, devices) in the order the run measured
    them."""
    groups: dict[tuple, list[Case]] = {}
    first_seen: dict[str, dict[Any, int]] = {f: {} for f in fields}
    for case in cases:
        key = tuple(_field(case, f) for f in fields)
        for f, value in zip(fields, key):
            first_seen[f].setdefault(value, len(first_seen[f]))
        groups.setdefault(key, []).append(case)

    def order(item: tuple[tuple, list[Case]]) -> tuple:
        return tuple(FIELD_SORT[f](v) if f in FIELD_SORT else (first_seen[f][v],)
                     for f, v in zip(fields, item[0]))

    return dict(sorted(groups.items(), key=order))


def activations_in_order(cases: Iterable[Case]) -> list[str]:
    """Activations in the order the run measured them (actbench's registry order)."""
    return list(dict.fromkeys(c.key.activation for c in cases))


def representative(cases: Iterable[Case], layers: bool = False) -> list[Case]:
    """Per device, the cases measured on the preferred input distribution and L2 state (the
    most common ones when the run has not got those), so each chart shows one condition.
    Elementwise cases, or with layers=True the GEMM layers (not points on a tensor-size axis:
    report.py tables them)."""
    chosen: list[Case] = []
    for device_cases in grouped((c for c in cases if bool(c.key.layer) == layers), "device").values():
        inputs = Counter(c.key.input for c in device_cases)
        l2_states = Counter(c.key.l2 for c in device_cases)
        input_ = PREFERRED_INPUT if PREFERRED_INPUT in inputs else inputs.most_common(1)[0][0]
        l2 = PREFERRED_L2 if PREFERRED_L2 in l2_states else l2_states.most_common(1)[0][0]
        chosen += [c for c in device_cases if c.key.input == input_ and c.key.l2 == l2]
    return chosen


def conditions(cases: list[Case]) -> str:
    """The measurement conditions shared by the cases, for a title: input, L2 state, threads."""
    parts = []
    inputs = {c.key.input for c in cases if c.key.input}
    if len(inputs) == 1:
        parts.append(f"input {inputs.pop()}")
    l2_states = {c.key.l2 for c in cases if c.key.l2}
    if len(l2_states) == 1:
        parts.append(f"L2 {l2_states.pop()}")
    threads = {c.threads for c in cases if c.threads and c.key.device == "cpu"}
    if len(threads) == 1:
        count = threads.pop()
        parts.append(f"{count} thread{'s' if count > 1 else ''}")
    return ", ".join(parts)


def _panels(count: int, sharex: bool = True) -> tuple[Figure, list[Axes]]:
    columns = min(MAX_COLUMNS, count)
    rows = math.ceil(count / columns)
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(PANEL_SIZE[0] * columns, PANEL_SIZE[1] * rows + 1.2),
                        layout="constrained")
        axes = figure.subplots(rows, columns, sharex=sharex, squeeze=False).ravel().tolist()
    for unused in axes[count:]:
        unused.set_visible(False)
    return figure, axes[:count]


def _size_axis(ax: Axes) -> None:
    ax.set_xscale("log", base=2)
    ax.xaxis.set_major_locator(LogLocator(base=4))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(
        lambda value, _: format_elements(int(round(value))) if value >= 1 else ""))


def _ratio_axis(ax: Axes) -> None:
    """Called after the panel's lines are drawn: the ticks depend on the range of its ratios."""
    ax.set_yscale("log", base=2)
    low, high = ax.get_ylim()
    # Quarter steps read well over a few octaves; over many (naive against a vendor library spans
    # ten or more) they crowd into an unreadable column, so only powers of 2 are marked there.
    if math.log2(high / low) <= 3:
        ax.yaxis.set_major_locator(LogLocator(base=2, subs=(1.0, 1.25, 1.5, 1.75), numticks=10))
    else:
        ax.yaxis.set_major_locator(LogLocator(base=2, numticks=8))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.3g}x"))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.axhline(1.0, color="black", linewidth=1.0)


def _bottom_panels(figure: Figure) -> list[Axes]:
    """The visible panels with no visible panel below them: they carry the x labels."""
    visible = [ax for ax in figure.axes if ax.get_visible() and ax.get_subplotspec()]
    cells = {(ax.get_subplotspec().rowspan.start, ax.get_subplotspec().colspan.start)
             for ax in visible}
    return [ax for ax in visible if (ax.get_subplotspec().rowspan.start + 1,
                                     ax.get_subplotspec().colspan.start) not in cells]


def _finish(figure: Figure, title: str, xlabel: str | None, ylabel: str,
            extra_handles: Iterable[Line2D] = (),
            legend_order: Callable[[str], Any] | None = None) -> None:
    """Figure title, axis labels and one legend for all panels, below them."""
    with matplotlib.rc_context(STYLE):
        # About 11 characters of 12-point text fit an inch.
        figure.suptitle(textwrap.fill(title, width=int(figure.get_figwidth() * 11)))
        if xlabel:
            for ax in _bottom_panels(figure):
                ax.set_xlabel(xlabel)
                ax.xaxis.set_tick_params(labelbottom=True)
        if ylabel:
            figure.supylabel(ylabel)
        handles: dict[str, Any] = {}
        for ax in figure.axes:
            for handle, label in zip(*ax.get_legend_handles_labels()):
                handles.setdefault(label, handle)
        if legend_order:
            handles = dict(sorted(handles.items(), key=lambda item: legend_order(item[0])))
        for handle in extra_handles:
            handles.setdefault(handle.get_label(), handle)
        if handles:
            # About 2.5 inches per legend entry keeps the legend within the figure's width.
            columns = max(1, min(len(handles), int(figure.get_figwidth() / 2.5)))
            figure.legend(list(handles.values()), list(handles.keys()), loc="outside lower center",
                          ncols=columns, frameon=False)


def _median(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def _mark_caches(ax: Axes, caches: list[tuple[str, int]], cases: list[Case]) -> list[Line2D]:
    """A vertical line at the tensor size whose working set fills each cache."""
    bytes_per_element = _median(c.bytes / c.key.elements for c in cases if c.bytes)
    if not bytes_per_element:
        return []
    low, high = min(c.key.elements for c in cases), max(c.key.elements for c in cases)
    handles = []
    for name, size in caches:
        elements = size / bytes_per_element
        if low / 2 <= elements <= high * 2:
            ax.axvline(elements, **CACHE_STYLE)
            ax.annotate(f"{name}\n{format_bytes(size)}", (elements, 1.0),
                        xycoords=("data", "axes fraction"), xytext=(3, -3),
                        textcoords="offset points", va="top", fontsize=7, color="tab:purple")
            handles.append(Line2D([], [], **CACHE_STYLE,
                                  label="working set = cache size"))
    return handles


def _roofline(ax: Axes, peak: float | None, theoretical: float | None) -> list[Line2D]:
    handles = []
    if peak:
        ax.axhline(peak, **ROOFLINE_STYLE)
        handles.append(Line2D([], [], **ROOFLINE_STYLE, label="measured copy bandwidth (roofline)"))
    if theoretical:
        ax.axhline(theoretical, **THEORETICAL_STYLE)
        handles.append(Line2D([], [], **THEORETICAL_STYLE, label="theoretical bandwidth"))
    return handles


def _same_size_copy(ax: Axes, cases: list[Case]) -> list[Line2D]:
    """The copy of each size (median over the implementations measured there): the roof of the
    cache the working set lives in, where the DRAM roofline says nothing."""
    by_size: dict[int, list[float]] = {}
    for c in cases:
        if c.same_size_copy_gbps:
            by_size.setdefault(c.key.elements, []).append(c.same_size_copy_gbps)
    if not by_size:
        return []
    sizes = sorted(by_size)
    ax.plot(sizes, [statistics.median(by_size[n]) for n in sizes], **SAME_SIZE_COPY_STYLE)
    return [Line2D([], [], **SAME_SIZE_COPY_STYLE, label="copy of the same size")]


def _theoretical(dataset: Dataset, device: str) -> float | None:
    gpu = dataset.source_for(device).gpu(device)
    return gpu.get("theoretical_bandwidth_gbps") if gpu else None


def _by_size(cases: Iterable[Case]) -> list[Case]:
    return sorted(cases, key=lambda c: c.key.elements)


def _rated_by_size(cases: Iterable[Case]) -> list[Case]:
    """The cases with a bandwidth figure (all that count bytes), smallest first."""
    return _by_size(c for c in cases if c.gbps is not None)


def _device_title(dataset: Dataset, device: str) -> str:
    return f"{dataset.device_name(device)} ({device})"


def bandwidth_charts(dataset: Dataset) -> Iterator[Chart]:
    """GB/s against tensor size per implementation, one panel per activation, with the roofline
    and the sizes where the working set outgrows each cache."""
    cases = representative(dataset.cases.values())
    for (device, dtype, direction), group in grouped(cases, "device", "dtype", "direction").items():
        activations = activations_in_order(group)
        figure, axes = _panels(len(activations))
        extra: list[Line2D] = []
        caches = dataset.source_for(device).cache_levels(device)
        for ax, activation in zip(axes, activations):
            mine = [c for c in group if c.key.activation == activation]
            for implementation, series in grouped(mine, "implementation").items():
                series = _rated_by_size(series)
                ax.plot([c.key.elements for c in series], [c.gbps for c in series], marker="o",
                        markersize=3, color=implementation_color(implementation[0]),
                        label=implementation[0])
            extra += _roofline(ax, _median(c.peak_gbps for c in mine),
                               _theoretical(dataset, device))
            extra += _same_size_copy(ax, mine)
            extra += _mark_caches(ax, caches, mine)
            _size_axis(ax)
            ax.set_ylim(bottom=0)
            ax.set_title(activation)
        title = (f"Achieved bandwidth vs tensor size: {_device_title(dataset, device)}, {dtype} "
                 f"{direction} ({conditions(group)})")
        _finish(figure, title, "tensor size (elements, log scale)", "achieved bandwidth (GB/s)",
                extra, sort_key_implementation)
        yield Chart(slug("bandwidth", device, dtype, direction), title, figure)


def _speedup_chart(dataset: Dataset, group: list[Case], baseline: str, device: str, dtype: str,
                   direction: str) -> Chart | None:
    reference = {(c.key.activation, c.key.elements): c for c in group
                 if c.key.implementation == baseline}
    others = [c for c in group if c.key.implementation != baseline
              and (c.key.activation, c.key.elements) in reference]
    if not others:
        return None
    activations = activations_in_order(others)
    figure, axes = _panels(len(activations))
    for ax, activation in zip(axes, activations):
        mine = [c for c in others if c.key.activation == activation]
        for implementation, series in grouped(mine, "implementation").items():
            series = _by_size(series)
            ax.plot([c.key.elements for c in series],
                    [reference[(activation, c.key.elements)].median_time / c.median_time
                     for c in series],
                    marker="o", markersize=3, color=implementation_color(implementation[0]),
                    label=implementation[0])
        _size_axis(ax)
        _ratio_axis(ax)
        ax.set_title(activation)
    title = (f"Speedup over {baseline} (time of {baseline} / time, above 1x is faster): "
             f"{_device_title(dataset, device)}, {dtype} {direction} ({conditions(group)})")
    _finish(figure, title, "tensor size (elements, log scale)", f"speedup over {baseline} (x)",
            legend_order=sort_key_implementation)
    return Chart(slug("speedup_over", baseline, device, dtype, direction), title, figure)


def speedup_charts(dataset: Dataset) -> Iterator[Chart]:
    """Each implementation's speedup over naive and over the vendor library, per size.

    fused_bias/unfused_bias also add the bias and mask also moves a 1-bit mask: their speedup is
    the time saved on the whole job they do."""
    cases = representative(dataset.cases.values())
    for (device, dtype, direction), group in grouped(cases, "device", "dtype", "direction").items():
        vendor = VENDOR_IMPLEMENTATION.get(device.split(":")[0])
        for baseline in dict.fromkeys(b for b in (BASELINE_IMPLEMENTATION, vendor) if b):
            chart = _speedup_chart(dataset, group, baseline, device, dtype, direction)
            if chart is not None:
                yield chart


def best_at_largest_size(cases: Iterable[Case]) -> Case | None:
    """The fastest (highest GB/s) case at the largest size measured."""
    with_rate = [c for c in cases if c.gbps is not None]
    if not with_rate:
        return None
    largest = max(c.key.elements for c in with_rate)
    return max((c for c in with_rate if c.key.elements == largest), key=lambda c: c.gbps)


def _axis_value_label(dataset: Dataset, field: str, value: str) -> str:
    return _device_title(dataset, value) if field == "device" else value


def comparison_charts(dataset: Dataset, field: str) -> Iterator[Chart]:
    """Grouped bars per activation comparing the values of one field (dtype, device or direction):
    the best implementation's GB/s and fraction of peak at the largest size."""
    cases = representative(dataset.cases.values())
    fixed = [f for f in ("device", "dtype", "direction") if f != field]
    for fixed_values, group in grouped(cases, *fixed).items():
        values = [v[0] for v in grouped(group, field)]
        if len(values) < 2:
            continue
        activations = activations_in_order(group)
        best = {(a, v): best_at_largest_size(c for c in group if c.key.activation == a
                                             and _field(c, field) == v)
                for a in activations for v in values}
        with matplotlib.rc_context(STYLE):
            figure = Figure(figsize=(max(7.0, 1.1 * len(activations) * len(values) / 2 + 3), 7.5),
                            layout="constrained")
            rate_ax, peak_ax = figure.subplots(2, 1, sharex=True)
        width = 0.8 / len(values)
        for index, value in enumerate(values):
            xs = [i + (index - (len(values) - 1) / 2) * width for i in range(len(activations))]
            picks = [best[(a, value)] for a in activations]
            label = _axis_value_label(dataset, field, value)
            color = PALETTE[index % len(PALETTE)]
            bars = rate_ax.bar(xs, [p.gbps if p else 0.0 for p in picks], width, label=label,
                               color=color)
            rate_ax.bar_label(bars, [p.key.implementation if p else "" for p in picks],
                              rotation=90, fontsize=6, padding=2)
            peak_ax.bar(xs, [100 * (p.fraction_of_peak or 0.0) if p else 0.0 for p in picks],
                        width, color=color)
        if field != "device":
            rate_ax.axhline(_median(c.peak_gbps for c in group) or math.nan, **ROOFLINE_STYLE)
        rates = [c.gbps for c in best.values() if c and c.gbps]
        if rates and max(rates) / min(rates) > 20:
            rate_ax.set_yscale("log")
        rate_ax.margins(y=0.25)
        rate_ax.set_ylabel("achieved bandwidth (GB/s)")
        peak_ax.set_ylabel("fraction of measured peak (%)")
        peak_ax.axhline(100, **ROOFLINE_STYLE)
        peak_ax.set_xticks(range(len(activations)), activations, rotation=30, ha="right")
        fixed_text = ", ".join(_axis_value_label(dataset, f, v)
                               for f, v in zip(fixed, fixed_values))
        title = (f"{FIELD_TITLE[field]}: best implementation at the largest size, {fixed_text} "
                 f"({conditions(group)})")
        _finish(figure, title, None, "", [Line2D([], [], **ROOFLINE_STYLE,
                                                 label="measured copy bandwidth (= 100%)")])
        yield Chart(slug("compare", field, *fixed_values), title, figure)


def gemm_charts(dataset: Dataset) -> Iterator[Chart]:
    """Per device, dtype and GEMM layer: each activation's GFLOP/s with the activation in the
    matmul's epilogue and unfused (the plain matmul, then a bias + activation pass), against the
    run's matmul roof (the plain product's best)."""
    layers = representative(dataset.cases.values(), layers=True)
    for (device, dtype, layer), group in grouped(layers, "device", "dtype", "layer").items():
        activations = activations_in_order(group)
        implementations = [v[0] for v in grouped(group, "implementation")]
        with matplotlib.rc_context(STYLE):
            figure = Figure(figsize=(max(7.0, 0.5 * len(activations) * len(implementations) + 3), 5.5),
                            layout="constrained")
            ax = figure.subplots()
        width = 0.8 / len(implementations)
        for index, implementation in enumerate(implementations):
            rates = {c.key.activation: c.gflops or 0.0 for c in group
                     if c.key.implementation == implementation}
            xs = [i + (index - (len(implementations) - 1) / 2) * width
                  for i in range(len(activations))]
            ax.bar(xs, [rates.get(a, 0.0) for a in activations], width, label=implementation,
                   color=implementation_color(implementation))
        roof = _median(c.gflops / c.fraction_of_matmul_peak for c in group
                       if c.gflops and c.fraction_of_matmul_peak)
        extra: list[Line2D] = []
        if roof is not None:
            ax.axhline(roof, **ROOFLINE_STYLE)
            extra.append(Line2D([], [], **ROOFLINE_STYLE, label="plain matmul, the roof"))
        ax.set_xticks(range(len(activations)), activations, rotation=30, ha="right")
        ax.set_ylim(bottom=0)
        title = (f"GEMM layer {layer}, y = f(x W + b): {_device_title(dataset, device)}, {dtype} "
                 f"({conditions(group)})")
        _finish(figure, title, None, "GFLOP/s (2 M N K / median time)", extra,
                sort_key_implementation)
        yield Chart(slug("gemm", device, dtype, layer), title, figure)


def add_chart_arguments(parser: argparse.ArgumentParser) -> None:
    """The options plot.py and report.py share."""
    parser.add_argument("--curves", type=Path, metavar="FILE",
                        help="output of `actbench --dump-curves=FILE`: chart the activations")
    parser.add_argument("--overlay-impls", default="vectorised", metavar="LIST",
                        type=lambda text: None if text == "all" else text.split(","),
                        help="comma-separated implementations to overlay across the runs of "
                             "other machines or commits, or 'all' (default: vectorised)")


def load_curves(path: str | Path) -> dict[str, Any]:
    """Read `actbench --dump-curves` output, with load_results' one-line errors."""
    curves = read_json_file(path)
    x = curves.get("x") if isinstance(curves, dict) else None
    activations = curves.get("activations") if isinstance(curves, dict) else None
    if not isinstance(x, list) or not isinstance(activations, dict) or not activations:
        raise ResultsError(f"{path}: not an actbench --dump-curves file (needs 'x' and "
                           "'activations')")
    for name, curve in activations.items():
        for part in ("forward", "derivative"):
            values = curve.get(part) if isinstance(curve, dict) else None
            if not isinstance(values, list) or len(values) != len(x) or not all(
                    v is None or isinstance(v, (int, float)) for v in values):
                raise ResultsError(f"{path}: activations.{name}.{part} must be {len(x)} numbers, "
                                   "one per x")
    return curves


def curves_chart(curves: dict[str, Any]) -> Chart:
    """Every activation and its derivative, as actbench's own kernels compute them."""
    x = curves["x"]
    names = list(curves["activations"])
    figure, axes = _panels(len(names), sharex=False)
    for ax, name in zip(axes, names):
        curve = curves["activations"][name]
        nan = float("nan")
        ax.plot(x, [nan if v is None else v for v in curve["forward"]], color="C0", label="f(x)")
        ax.plot(x, [nan if v is None else v for v in curve["derivative"]], color="C3",
                linestyle="--", label="f'(x)")
        ax.axhline(0, color="black", linewidth=0.6)
        ax.axvline(0, color="black", linewidth=0.6)
        ax.set_title(name)
    source = " ".join(str(curves[k]) for k in ("implementation", "dtype") if k in curves)
    title = (f"Activations and their derivatives over [{min(x):g}, {max(x):g}], computed by "
             f"actbench's {source + ' ' if source else ''}kernels")
    _finish(figure, title, "x", "f(x) and f'(x)")
    return Chart("activation_curves", title, figure)


def _dataset_labels(datasets: list[Dataset], device: str) -> list[str]:
    """Each dataset's machine (the device's name) and commit; the file name where these tie."""
    labels = []
    for d in datasets:
        source = d.source_for(device)
        labels.append(f"{d.device_name(device)} @ {source.commit[:7]}")
    return [f"{label} ({d.source_for(device).path.name})" if labels.count(label) > 1 else label
            for label, d in zip(labels, datasets)]


def overlay_charts(datasets: list[Dataset], implementations: list[str] | None) -> Iterator[Chart]:
    """One implementation's GB/s curves from several files (machines, commits) on one chart."""
    chosen = [representative(d.cases.values()) for d in datasets]
    keys = {(c.key.device, c.key.dtype, c.key.direction, c.key.implementation)
            for cases in chosen for c in cases
            if implementations is None or c.key.implementation in implementations}
    for device, dtype, direction, implementation in sorted(
            keys, key=lambda k: (k[0], sort_key_dtype(k[1]), sort_key_direction(k[2]),
                                 sort_key_implementation(k[3]))):
        per_dataset = [[c for c in cases if (c.key.device, c.key.dtype, c.key.direction,
                                             c.key.implementation) == (device, dtype, direction,
                                                                       implementation)]
                       for cases in chosen]
        present = [i for i, cases in enumerate(per_dataset) if cases]
        if len(present) < 2:
            continue
        labels = _dataset_labels(datasets, device)
        activations = activations_in_order(c for i in present for c in per_dataset[i])
        figure, axes = _panels(len(activations))
        for ax, activation in zip(axes, activations):
            for i in present:
                series = _rated_by_size(c for c in per_dataset[i]
                                        if c.key.activation == activation)
                if not series:
                    continue
                color = PALETTE[i % len(PALETTE)]
                ax.plot([c.key.elements for c in series], [c.gbps for c in series], marker="o",
                        markersize=3, color=color, label=labels[i])
                peak = _median(c.peak_gbps for c in series)
                if peak:
                    ax.axhline(peak, color=color, linestyle="--", linewidth=1.0)
            _size_axis(ax)
            ax.set_ylim(bottom=0)
            ax.set_title(activation)
        title = (f"{implementation} on several machines/commits: {device}, {dtype} {direction} "
                 "(dashed: each machine's measured copy bandwidth)")
        _finish(figure, title, "tensor size (elements, log scale)", "achieved bandwidth (GB/s)")
        yield Chart(slug("overlay", implementation, device, dtype, direction), title, figure)


def _largest_common_size(runs: list[list[Case]]) -> int | None:
    """The largest size measured in every run that has the series at all."""
    sizes = [{c.key.elements for c in run} for run in runs if run]
    common = set.intersection(*sizes) if sizes else set()
    return max(common) if common else None


def trend_charts(history: list[Dataset]) -> Iterator[Chart]:
    """GB/s at the largest size over a history of runs (oldest first), per implementation, with each
    run's measured peak: a slow drift, in the code or in the machine, shows as a slope."""
    runs = sorted(history, key=lambda d: d.sources[0].date)
    chosen = [representative(d.cases.values()) for d in runs]
    ticks = [f"{d.sources[0].date[:10]}\n{d.sources[0].commit[:7]}" for d in runs]
    groups = {k for cases in chosen for k in grouped(cases, "device", "dtype", "direction")}
    for device, dtype, direction in sorted(groups, key=lambda k: (
            k[0], sort_key_dtype(k[1]), sort_key_direction(k[2]))):
        per_run = [[c for c in cases
                    if (c.key.device, c.key.dtype, c.key.direction) == (device, dtype, direction)]
                   for cases in chosen]
        activations = activations_in_order(c for run in per_run for c in run)
        figure, axes = _panels(len(activations))
        for ax, activation in zip(axes, activations):
            mine = [[c for c in run if c.key.activation == activation] for run in per_run]
            implementations = sorted({c.key.implementation for run in mine for c in run},
                                     key=sort_key_implementation)
            for implementation in implementations:
                series = [[c for c in run if c.key.implementation == implementation]
                          for run in mine]
                size = _largest_common_size(series)
                if size is None:
                    continue
                points = [(i, case) for i, run in enumerate(series) if run
                          for case in run if case.key.elements == size and case.gbps is not None]
                ax.plot([i for i, _ in points], [c.gbps for _, c in points], marker="o",
                        markersize=3, color=implementation_color(implementation),
                        label=implementation)
            peaks = [_median(c.peak_gbps for c in run) for run in mine]
            ax.step(range(len(runs)), [p if p else float("nan") for p in peaks], where="mid",
                    **ROOFLINE_STYLE, label="measured copy bandwidth (roofline)")
            ax.set_xticks(range(len(runs)), ticks, fontsize=7, rotation=90 if len(runs) > 6 else 0)
            ax.set_ylim(bottom=0)
            ax.set_title(activation)
        title = (f"Bandwidth over {len(runs)} runs at each series' largest size: "
                 f"{_device_title(runs[-1], device)}, {dtype} {direction}")
        _finish(figure, title, "run (date, commit), oldest to newest", "achieved bandwidth (GB/s)",
                legend_order=sort_key_implementation)
        yield Chart(slug("trend", device, dtype, direction), title, figure)


def dataset_charts(dataset: Dataset) -> Iterator[Chart]:
    """Every chart of one dataset: bandwidth, speedups, the three comparisons and the GEMM
    layers."""
    yield from bandwidth_charts(dataset)
    yield from speedup_charts(dataset)
    for field in ("dtype", "device", "direction"):
        yield from comparison_charts(dataset, field)
    yield from gemm_charts(dataset)


Item = TypeVar("Item")
Result = TypeVar("Result")
_forked_work: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def _run_forked(index: int) -> Any:
    function, items = _forked_work
    return function(items[index])


def render_in_parallel(function: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
    """function(item) for every item, on every core the process may use.

    Drawing dominates the scripts' run time (about half a second per chart), and the figures are
    independent. Forked workers inherit the figures instead of pickling them; where fork is not
    available (macOS, Windows), or on one core, the items are rendered in turn.
    """
    global _forked_work
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    workers = min(len(items), cores or 1)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [function(item) for item in items]
    _forked_work = (function, items)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(_run_forked, range(len(items)))
    finally:
        _forked_work = None
