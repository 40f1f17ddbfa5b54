#!/usr/bin/env python3
"""Draw the charts of actbench results files as PNG and SVG.

    plot.py RESULTS.json [MORE.json ...] -o DIR [--curves CURVES.json] [--trend]
            [--overlay-impls LIST|all] [--formats png,svg]

One file: bandwidth against size with the roofline and cache sizes, speedups over naive and over the
vendor library, dtype / CPU-vs-GPU / forward-vs-backward comparisons, and each GEMM layer's
GFLOP/s, fused against unfused, under the matmul roof. Several files: files that
complement each other (an actbench run and its PyTorch peer) are charted together; files that
measure the same cases (other machines or commits) each get their charts in DIR/<file name>/ and
are overlaid on shared charts, the legend naming each file's machine. --trend reads the files as
one machine's history instead: a trend chart oldest to newest, and the newest run's charts.
--curves adds the activations and derivatives from `actbench --dump-curves=FILE`.
"""
from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from actbench_charts import (
    Chart,
    add_chart_arguments,
    curves_chart,
    dataset_charts,
    load_curves,
    overlay_charts,
    render_in_parallel,
    trend_charts,
)
from actbench_results import (
    ArgumentParser,
    Dataset,
    ResultsError,
    group_into_datasets,
    load_all,
    run_cli,
)

PROG = "plot.py"
FORMATS = ("png", "svg")
PNG_DPI = 110


def save(chart: Chart, directory: Path, formats: list[str]) -> list[Path]:
    written = []
    for fmt in formats:
        path = directory / f"{chart.name}.{fmt}"
        # No date in the metadata, so re-plotting the same results gives the same bytes.
        metadata = {"Date": None} if fmt == "svg" else {}
        chart.figure.savefig(path, format=fmt, dpi=PNG_DPI, metadata=metadata)
        # The layout is settled by the first save; the other formats reuse it.
        chart.figure.set_layout_engine("none")
        written.append(path)
    return written


def subdirectories(datasets: list[Dataset]) -> list[str]:
    """A folder name per dataset, from its first file's name, unique."""
    names: list[str] = []
    for dataset in datasets:
        stem = dataset.sources[0].path.stem
        name, n = stem, 2
        while name in names:
            name, n = f"{stem}-{n}", n + 1
        names.append(name)
    return names


def parse_args(argv: list[str] | None):
    parser = ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    parser.add_argument("results", nargs="*", type=Path, help="actbench results JSON files")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="DIR",
                        help="folder for the charts (created if missing)")
    add_chart_arguments(parser)
    parser.add_argument("--trend", action="store_true",
                        help="read the files as a history of one machine: draw the trend")
    parser.add_argument("--formats", default=",".join(FORMATS), metavar="LIST",
                        help=f"comma-separated image formats out of {', '.join(FORMATS)} "
                             "(default: both)")
    args = parser.parse_args(argv)
    args.formats = [f for f in args.formats.split(",") if f]
    unknown = [f for f in args.formats if f not in FORMATS]
    if unknown or not args.formats:
        parser.error(f"--formats takes {' or '.join(FORMATS)}, got {','.join(unknown) or 'none'}")
    if not args.results and not args.curves:
        parser.error("give at least one results file or --curves")
    if args.trend and len(args.results) < 2:
        parser.error("--trend needs at least two results files")
    return args


def charts_for(args) -> list[tuple[Path, Iterable[Chart]]]:
    """(folder, charts) pairs: what to draw where."""
    plan: list[tuple[Path, Iterable[Chart]]] = []
    if args.curves:
        plan.append((args.output, [curves_chart(load_curves(args.curves))]))
    if not args.results:
        return plan
    loaded = load_all(args.results)
    if not any(r.cases for r in loaded):
        raise ResultsError(f"{', '.join(map(str, args.results))}: no timed case to plot")
    if args.trend:
        history = [Dataset([r], dict(r.cases)) for r in loaded]
        newest = max(history, key=lambda d: d.sources[0].date)
        plan.append((args.output, trend_charts(history)))
        plan.append((args.output / "newest", dataset_charts(newest)))
        return plan
    datasets = group_into_datasets(loaded)
    if len(datasets) == 1:
        plan.append((args.output, dataset_charts(datasets[0])))
        return plan
    for dataset, folder in zip(datasets, subdirectories(datasets)):
        plan.append((args.output / folder, dataset_charts(dataset)))
    plan.append((args.output, overlay_charts(datasets, args.overlay_impls)))
    return plan


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def body() -> int:
        work = [(chart, folder) for folder, charts in charts_for(args) for chart in charts]
        for folder in {folder for _, folder in work}:
            folder.mkdir(parents=True, exist_ok=True)
        written = [path for paths in render_in_parallel(
            lambda item: save(*item, args.formats), work) for path in paths]
        for path in written:
            print(path)
        print(f"{PROG}: wrote {len(written)} files to {args.output}", file=sys.stderr)
        return 0

    return run_cli(PROG, body)


if __name__ == "__main__":
    sys.exit(main())
