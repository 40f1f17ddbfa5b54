#!/usr/bin/env python3
"""Write a publishable report of actbench results: one self-contained HTML file, or Markdown.

    report.py RESULTS.json [MORE.json ...] -o report.html|report.md [--curves CURVES.json]
              [--title TEXT] [--overlay-impls LIST|all]

The report holds the environment of each run (CPU, GPUs, versions, measured peaks), the headline
table (the best implementation per activation, direction, dtype and device at the largest size,
with GB/s, fraction of the measured peak and its speedup over naive and the vendor library), the
GEMM layers (fused epilogue against matmul + separate pass, GFLOP/s against the matmul roof), what
fusing the bias and the zero statistics into the activation's pass saves, vectorised against the
vendor libraries and PyTorch (a torch_peer.py file given beside the run) at every size, the kernels
the vendor libraries chose, the validation status (accuracy, failures, skipped cases and why) and
the charts of plot.py. The output's extension picks the format: .html embeds the charts as base64
PNG; .md writes them to a folder beside it, <name>_charts/.
"""
from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from actbench_charts import (
    add_chart_arguments,
    best_at_largest_size,
    curves_chart,
    dataset_charts,
    grouped,
    load_curves,
    overlay_charts,
    representative,
)
from actbench_results import (
    BASELINE_IMPLEMENTATION,
    VENDOR_IMPLEMENTATION,
    ArgumentParser,
    Case,
    Dataset,
    Results,
    format_bytes,
    format_elements,
    group_into_datasets,
    load_all,
    run_cli,
)
from report_document import (
    Block,
    ChartBlock,
    Heading,
    Paragraph,
    Table,
    render_html,
    render_markdown,
)
from report_pairs import fusion, gemm_layers, peers

PROG = "report.py"
FORMATS = (".html", ".md")


def _text(value: Any) -> str:
    return "-" if value is None or value == "" else str(value)


def _bytes(n: Any) -> str:
    return format_bytes(n) if isinstance(n, (int, float)) else "-"


def _gbps(value: Any) -> str:
    return f"{value:.1f}" if isinstance(value, (int, float)) else "-"


def _flattened(values: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested settings as (dotted name, value) pairs."""
    pairs = []
    for name, value in values.items():
        if isinstance(value, dict):
            pairs += _flattened(value, f"{prefix}{name}.")
        else:
            pairs.append((f"{prefix}{name}", value))
    return pairs


def environment(results: Results) -> list[Block]:
    ctx, ab, cpu = results.context, results.actbench, results.cpu
    blocks: list[Block] = [Heading(f"Environment: {results.path.name}", 3)]
    rows = [["date", _text(ctx.get("date"))], ["host", results.host],
            ["command", _text(ab.get("command_line"))],
            ["actbench", f"{_text(ab.get('version'))} (commit {results.commit})"],
            ["build", f"{_text(ab.get('build_type'))}, {_text(ab.get('compiler'))}"],
            ["CPU", f"{_text(cpu.get('model'))}, {_text(cpu.get('cores'))} cores / "
                    f"{_text(cpu.get('threads'))} threads, vector ISA "
                    f"{_text(cpu.get('vector_isa'))}"],
            ["CPU caches", ", ".join(
                f"L{c.get('level')} {c.get('type')} {_bytes(c.get('size_bytes'))}"
                for c in cpu.get("caches") or []) or "-"],
            ["CPU copy bandwidth (measured)",
             ", ".join(f"{t} thread{'s' if t != '1' else ''}: {_gbps(v)} GB/s"
                       for t, v in (cpu.get("copy_bandwidth_gbps") or {}).items()) or "-"]]
    rows += [[f"library: {name}", _text(version)]
             for name, version in (ab.get("libraries") or {}).items()]
    rows += [[f"methodology: {name}", _text(value)]
             for name, value in _flattened(ab.get("methodology") or {})]
    blocks.append(Table(["", "value"], rows))
    if note := results.interruption_note():
        blocks.append(Paragraph(f"{note}.", emphasis=True))
    if ctx.get("cpu_scaling_enabled"):
        blocks.append(Paragraph("CPU frequency scaling was enabled during this run: CPU timings "
                                "are noisier than on a fixed clock.", emphasis=True))
    if results.gpus:
        headers = ["GPU", "name", "compute capability", "SMs", "memory", "L2",
                   "theoretical GB/s", "measured copy GB/s", "SM / memory clock (MHz)",
                   "driver / runtime"]
        gpu_rows = [[_text(g.get("index")), _text(g.get("name")),
                     f"{_text(g.get('compute_capability_major'))}."
                     f"{_text(g.get('compute_capability_minor'))}",
                     _text(g.get("sm_count")), _bytes(g.get("memory_bytes")),
                     _bytes(g.get("l2_bytes")), _gbps(g.get("theoretical_bandwidth_gbps")),
                     _gbps(g.get("copy_bandwidth_gbps")),
                     f"{_text(g.get('max_sm_clock_mhz'))} / {_text(g.get('max_memory_clock_mhz'))}",
                     f"{_text(g.get('driver_version'))} / {_text(g.get('runtime_version'))}"]
                    for g in results.gpus]
        blocks.append(Table(headers, gpu_rows, numeric={3, 6, 7}))
    return blocks


def _speedup(reference: Case | None, case: Case) -> str:
    return f"{reference.median_time / case.median_time:.2f}x" if reference else "-"


def headline(dataset: Dataset) -> Table:
    """The best implementation per activation, direction, dtype and device at the largest size."""
    cases = representative(dataset.cases.values())
    headers = ["activation", "direction", "dtype", "device", "best implementation", "elements",
               "GB/s", "fraction of peak", "of local peak", "of same-size copy",
               f"vs {BASELINE_IMPLEMENTATION}", "vs vendor library"]
    rows = []
    for (activation, direction, dtype, device), group in grouped(
            cases, "activation", "direction", "dtype", "device").items():
        best = best_at_largest_size(group)
        if best is None:
            continue
        at_size = {c.key.implementation: c for c in group if c.key.elements == best.key.elements}
        vendor = VENDOR_IMPLEMENTATION.get(best.key.device_kind)
        fraction = f"{best.fraction_of_peak:.1%}" if best.fraction_of_peak is not None else "-"
        local = f"{best.fraction_of_local_peak:.1%}" if best.fraction_of_local_peak is not None else "-"
        same_size = (f"{best.fraction_of_same_size_copy:.1%}"
                     if best.fraction_of_same_size_copy is not None else "-")
        vendor_text = (f"{_speedup(at_size.get(vendor), best)} ({vendor})"
                       if vendor in at_size else "-")
        rows.append([activation, direction, dtype, device, best.key.implementation,
                     format_elements(best.key.elements), _gbps(best.gbps), fraction, local, same_size,
                     _speedup(at_size.get(BASELINE_IMPLEMENTATION), best), vendor_text])
    return Table(headers, rows, numeric={5, 6, 7, 8, 9, 10, 11})


def _number(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, (int, float)) else _text(value)


FAILURE_HEADERS = ["activation", "direction", "implementation", "device", "dtype", "input",
                   "elements", "max abs error", "max rel error", "max ULP", "share of tolerance",
                   "tolerance", "error"]


def _failure_row(failure: dict[str, Any]) -> list[str]:
    """A case that failed validation (its errors against the tolerance) or broke (its error)."""
    v = failure.get("validation") or {}
    tolerance = v.get("tolerance") or {}
    elements = failure.get("elements")
    return [_text(failure.get(f)) for f in ("activation", "direction", "implementation", "device",
                                            "dtype", "input")] + [
        format_elements(elements) if isinstance(elements, int) else "-",
        _number(v.get("max_abs_error")), _number(v.get("max_rel_error")),
        _number(v.get("max_ulp")), _number(v.get("max_tolerance_used")),
        f"abs {_number(tolerance.get('abs'))}, rel {_number(tolerance.get('rel'))}"
        if tolerance else "-", _text(failure.get("error"))]


def _worst(cases: list[Case], field: str, style: str) -> str:
    """The largest validation error of the cases, and the case it belongs to."""
    scored = [c for c in cases if isinstance((c.validation or {}).get(field), (int, float))]
    if not scored:
        return "-"
    worst = max(scored, key=lambda c: c.validation[field])
    k = worst.key
    return (f"{worst.validation[field]:{style}} ({k.activation} {k.direction} {k.implementation} "
            f"{format_elements(k.elements)})")


def validation(dataset: Dataset) -> list[Block]:
    failures = [f for r in dataset.sources for f in r.failures]
    cases = list(dataset.cases.values())
    failed_timed = [c for c in cases if (c.validation or {}).get("passed") is False]
    blocks: list[Block] = [Heading("Validation", 3)]
    if failures or failed_timed:
        blocks.append(Paragraph(f"{len(failures) + len(failed_timed)} case(s) FAILED: validation "
                                "against the float64 reference, or an error while running. Their "
                                "times are not reported.", emphasis=True))
    elif cases:
        blocks.append(Paragraph(f"All {len(cases)} timed cases passed validation against the "
                                "float64 reference before they were timed."))
    else:
        blocks.append(Paragraph("No case was timed.", emphasis=True))
    accuracy_rows = [[device, dtype, str(len(group)), _worst(group, "max_tolerance_used", ".3g"),
                      _worst(group, "max_ulp", "g"), _worst(group, "max_rel_error", ".3g")]
                     for (device, dtype), group in grouped(cases, "device", "dtype").items()]
    blocks.append(Paragraph("Share of tolerance: an element's error over the error allowed at it "
                            "(at most 1 passes), the closest any element came to failing. ULP and "
                            "relative error grow without bound near a zero of the output, where the "
                            "absolute tolerance governs (a bias add's rounding, for one), so a large "
                            "figure there is no failure."))
    blocks.append(Table(["device", "dtype", "timed cases", "worst share of tolerance",
                         "worst max ULP", "worst max rel. error"], accuracy_rows, numeric={2}))
    if failures:
        blocks.append(Table(FAILURE_HEADERS, [_failure_row(f) for f in failures]))
    return blocks


def _distinct(values: Iterable[str]) -> str:
    """The values, each once, in the order first met: "relu, gelu"."""
    return ", ".join(dict.fromkeys(values))


def skipped(dataset: Dataset) -> list[Block]:
    """Skipped cases grouped by implementation, device and reason."""
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in dataset.sources:
        for s in r.skipped:
            groups[(_text(s.get("implementation")), _text(s.get("device")),
                    _text(s.get("reason")))].append(s)
    if not groups:
        return [Heading("Skipped cases", 3), Paragraph("No case was skipped.")]

    def values(items: list[dict[str, Any]], name: str) -> str:
        return _distinct(_text(i.get(name)) for i in items)

    rows = [[implementation, device, reason, str(len(items)), values(items, "activation"),
             values(items, "direction"), values(items, "dtype")]
            for (implementation, device, reason), items in sorted(groups.items())]
    return [Heading("Skipped cases", 3),
            Table(["implementation", "device", "reason", "cases", "activations", "directions",
                   "dtypes"], rows, numeric={3})]


def library_kernels(dataset: Dataset) -> list[Block]:
    """Which of its kernels each vendor library chose, one row per implementation, device, dtype and
    kernel, with the cases that ran it."""
    groups: dict[tuple[str, str, str, str], list[Case]] = defaultdict(list)
    for c in dataset.cases.values():
        if c.library_kernel:
            groups[(c.key.implementation, c.key.device, c.key.dtype, c.library_kernel)].append(c)
    if not groups:
        return []

    def values(cases: list[Case], name: str) -> str:
        return _distinct(str(getattr(c.key, name)) for c in cases)

    rows = [[*key, str(len(cases)), values(cases, "activation"), values(cases, "direction"),
             _distinct(c.key.layer or format_elements(c.key.elements) for c in cases)]
            for key, cases in sorted(groups.items())]
    return [Heading("The library kernels that ran", 3),
            Paragraph("What each vendor library chose among its own kernels, as it names them "
                      "(oneDNN's implementation, cuDNN's engine and the heuristic that listed it, "
                      "cuBLASLt's algorithm): a slow vendor point often ran a generic kernel."),
            Table(["implementation", "device", "dtype", "library kernel", "cases", "activations",
                   "directions", "sizes"], rows, numeric={4})]


def _renamed(charts: Iterable, prefix: str) -> Iterable:
    for chart in charts:
        yield replace(chart, name=f"{prefix}{chart.name}")


def build(results: list[Results], curves: dict[str, Any] | None,
          overlay_implementations: list[str] | None) -> list[Block]:
    datasets = group_into_datasets(results)
    several = len(datasets) > 1
    blocks: list[Block] = [Heading("Environment")]
    for r in results:
        blocks += environment(r)
    for index, dataset in enumerate(datasets, 1):
        title = f"Results of {dataset.label}" if several else "Results"
        blocks += [Heading(title),
                   Heading("Headline: best implementation at the largest size", 3),
                   Paragraph("GB/s = minimum bytes the case must move / median time; the peak is "
                             "the copy bandwidth measured in the same run on the same device; the "
                             "same-size copy (CPU) moves the case's bytes, warm, just before it. "
                             "Speedups compare median times at the same size."),
                   headline(dataset)]
        blocks += gemm_layers(dataset)
        blocks += fusion(dataset)
        blocks += peers(dataset)
        blocks += library_kernels(dataset)
        blocks += validation(dataset)
        blocks += skipped(dataset)
        blocks.append(Heading("Charts", 3))
        prefix = f"{index}_" if several else ""
        blocks += [ChartBlock(c) for c in _renamed(dataset_charts(dataset), prefix)]
    if several:
        blocks.append(Heading("The runs overlaid"))
        blocks += [ChartBlock(c) for c in overlay_charts(datasets, overlay_implementations)]
    if curves is not None:
        blocks += [Heading("The activations"), ChartBlock(curves_chart(curves))]
    return blocks


def parse_args(argv: list[str] | None):
    parser = ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    parser.add_argument("results", nargs="+", type=Path, help="actbench results JSON files")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE",
                        help="report.html (self-contained) or report.md")
    add_chart_arguments(parser)
    parser.add_argument("--title", default="actbench report", help="the report's title")
    args = parser.parse_args(argv)
    if args.output.suffix.lower() not in FORMATS:
        parser.error(f"-o must end in {' or '.join(FORMATS)}, got '{args.output}'")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def body() -> int:
        results = load_all(args.results)
        curves = load_curves(args.curves) if args.curves else None
        blocks = build(results, curves, args.overlay_impls)
        if args.output.suffix.lower() == ".html":
            text = render_html(args.title, blocks)
        else:
            text = render_markdown(args.title, blocks, args.output)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed, so a failed run never leaves half a report.
        partial = args.output.with_name(f".{args.output.name}.partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(args.output)
        print(f"{PROG}: wrote {args.output}", file=sys.stderr)
        return 0

    return run_cli(PROG, body)


if __name__ == "__main__":
    sys.exit(main())
