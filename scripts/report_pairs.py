"""The report's tables that set one implementation against another on the same cases: the GEMM
layers (the activation in the matmul's epilogue against a separate pass), the bias and the zero
statistics fused into the activation's pass against a second pass, and actbench's vectorised
kernels against the vendor libraries and PyTorch, size by size. Ratios are of median times, with
the 90% bootstrap interval over the repetitions (actbench_stats.median_ratio_interval)."""
from __future__ import annotations

from collections import defaultdict

from actbench_charts import grouped, representative
from actbench_results import Case, Dataset, format_elements, format_seconds
from actbench_stats import median_ratio_interval, u_test_applies, u_test_p
from report_document import Block, Heading, Paragraph, Table

# The significance level of the tables' U tests: a p-value is given only where the repetitions can
# reach it.
ALPHA = 0.05
# Who actbench's vectorised kernels are set against, where a run (or a file beside it) has them.
PEERS = ("onednn", "cudnn", "cudnn_graph", "torch")


def time_text(case: Case | None) -> str:
    return format_seconds(case.median_time) if case else "-"


def signed_seconds(seconds: float) -> str:
    return f"-{format_seconds(-seconds)}" if seconds < 0 else format_seconds(seconds)


def u_test_text(a: Case | None, b: Case | None) -> str:
    """The U test's p-value for a against b, "-" where either is missing or has too few repetitions
    for the test to reach ALPHA."""
    if not a or not b or not u_test_applies(a, b, ALPHA):
        return "-"
    return f"{u_test_p(a, b):.3f}"


def ratio_text(numerator: Case | None, denominator: Case | None) -> str:
    """numerator's median time over denominator's, and the 90% interval the noise allows:
    "1.85 (1.80-1.90)"; the ratio alone where either side has a single repetition."""
    if not numerator or not denominator:
        return "-"
    ratio = f"{numerator.median_time / denominator.median_time:.2f}"
    interval = median_ratio_interval(denominator, numerator)
    return f"{ratio} ({interval[0]:.2f}-{interval[1]:.2f})" if interval else ratio


def gemm_layers(dataset: Dataset) -> list[Block]:
    """The GEMM layers y = f(x W + b): the activation fused into the matmul's epilogue against a
    plain matmul followed by actbench's bias + activation pass, and what one such pass costs
    alone at the layer's M x N outputs (where the run measured that size)."""
    layers = representative(dataset.cases.values(), layers=True)
    if not layers:
        return []
    passes = {(c.key.activation, c.key.device, c.key.dtype, c.key.elements): c
              for c in representative(dataset.cases.values())
              if c.key.implementation == "fused_bias" and c.key.direction == "forward"}
    headers = ["activation", "dtype", "device", "layer (MxNxK)", "fused_gemm", "unfused_gemm",
               "saved by fusing", "p (U test)", "one bias + activation pass", "fused GFLOP/s",
               "of the matmul roof"]
    rows = []
    for (activation, dtype, device, layer), group in grouped(
            layers, "activation", "dtype", "device", "layer").items():
        by_impl = {c.key.implementation: c for c in group}
        fused, unfused = by_impl.get("fused_gemm"), by_impl.get("unfused_gemm")
        saved = (signed_seconds(unfused.median_time - fused.median_time)
                 if fused and unfused else "-")
        one_pass = passes.get((activation, device, dtype, group[0].key.elements))
        rows.append([activation, dtype, device, layer, time_text(fused), time_text(unfused), saved,
                     u_test_text(fused, unfused), time_text(one_pass),
                     f"{fused.gflops:.1f}" if fused and fused.gflops is not None else "-",
                     f"{fused.fraction_of_matmul_peak:.1%}"
                     if fused and fused.fraction_of_matmul_peak is not None else "-"])
    return [Heading("GEMM layers: the activation fused into the matmul", 3),
            Paragraph("Median times of y = f(x W + b). fused_gemm runs the bias and the activation "
                      "in the matmul's epilogue; unfused_gemm runs the plain matmul, then a "
                      "separate bias + activation pass over y. Fusing should save at least that "
                      "pass's time, shown beside it where the run measured a tensor of the "
                      "layer's M x N outputs. p: a two-sided Mann-Whitney U test over the two "
                      "layers' repetition times; above 0.05 the saving is within the noise ('-' "
                      "where the repetitions are too few for the test). The matmul roof is the "
                      "plain product's throughput, measured in the same run on a large square "
                      "layer."),
            Table(headers, rows, numeric={4, 5, 6, 7, 8, 9, 10})]


def _by_size(group: list[Case]) -> dict[int, dict[str, Case]]:
    """The group's cases by size, then by implementation."""
    by_size: dict[int, dict[str, Case]] = defaultdict(dict)
    for case in group:
        by_size[case.key.elements][case.key.implementation] = case
    return by_size


def _at_largest_shared_size(group: list[Case], needed: tuple[str, ...]) -> dict[str, Case] | None:
    """The group's cases by implementation at the largest size where every `needed` one ran."""
    by_size = _by_size(group)
    sizes = [size for size, cases in by_size.items() if all(n in cases for n in needed)]
    return by_size[max(sizes)] if sizes else None


def fusion(dataset: Dataset) -> list[Block]:
    """What fusing into the activation's pass saves, at the largest size each pair ran: the bias
    (fused_bias against unfused_bias) and the zero statistics (fused_stats against the plain
    forward and against unfused_stats)."""
    cases = representative(dataset.cases.values())
    bias_rows, stats_rows = [], []
    for (activation, direction, dtype, device), group in grouped(
            cases, "activation", "direction", "dtype", "device").items():
        if at := _at_largest_shared_size(group, ("fused_bias", "unfused_bias")):
            fused, unfused = at["fused_bias"], at["unfused_bias"]
            bias_rows.append([activation, direction, dtype, device,
                              format_elements(fused.key.elements), time_text(fused),
                              time_text(unfused), ratio_text(unfused, fused)])
        if at := _at_largest_shared_size(group, ("vectorised", "fused_stats")):
            plain, fused, unfused = at["vectorised"], at["fused_stats"], at.get("unfused_stats")
            stats_rows.append([activation, dtype, device, format_elements(plain.key.elements),
                               time_text(plain), time_text(fused), time_text(unfused),
                               ratio_text(fused, plain), ratio_text(unfused, plain)])
    blocks: list[Block] = []
    if bias_rows or stats_rows:
        blocks += [Heading("Fusion: one pass against two", 3),
                   Paragraph("Median times at the largest size each pair ran, and their ratio "
                             "with its 90% bootstrap interval over the repetitions (an interval "
                             "that holds 1 is no difference the noise can tell).")]
    if bias_rows:
        blocks += [Paragraph("y = f(x + b): fused_bias in one pass (backward also reduces the "
                             "bias gradient), unfused_bias in two. Above 1 fusing saves time."),
                   Table(["activation", "direction", "dtype", "device", "elements", "fused_bias",
                          "unfused_bias", "unfused / fused (90% interval)"],
                         bias_rows, numeric={4, 5, 6, 7})]
    if stats_rows:
        blocks += [Paragraph("The zero statistics (each output channel's exactly-zero outputs "
                             "and their total): fused_stats counts them in the forward pass, "
                             "unfused_stats in a second pass over y; the plain forward is "
                             "vectorised. The ratios are what counting costs over not counting."),
                   Table(["activation", "dtype", "device", "elements", "plain forward",
                          "fused_stats", "unfused_stats", "fused / plain (90% interval)",
                          "unfused / plain (90% interval)"], stats_rows,
                         numeric={3, 4, 5, 6, 7, 8})]
    return blocks


def _peer_faster(peer: Case, ours: Case) -> bool:
    """True where the peer's repetitions are faster than ours beyond the noise (U test; only for
    pairs with repetitions enough to reach ALPHA)."""
    return peer.median_time < ours.median_time and u_test_p(peer, ours) < ALPHA


def _peer_table(group: list[Case], peer: str) -> Table | None:
    """vectorised against one peer on one device: the peer's time over ours at every size."""
    pairs: dict[tuple[str, str, str], dict[int, tuple[Case, Case]]] = defaultdict(dict)
    for names, cases in grouped(group, "activation", "direction", "dtype").items():
        for size, at in _by_size(cases).items():
            if peer in at and "vectorised" in at:
                pairs[names][size] = (at[peer], at["vectorised"])
    if not pairs:
        return None
    sizes = sorted({size for by_size in pairs.values() for size in by_size})
    rows = []
    for names, by_size in pairs.items():
        cells = [f"{by_size[s][0].median_time / by_size[s][1].median_time:.2f}" if s in by_size
                 else "-" for s in sizes]
        tested = [s for s in sizes if s in by_size and u_test_applies(*by_size[s], ALPHA)]
        faster = [format_elements(s) for s in tested if _peer_faster(*by_size[s])]
        rows.append([*names, *cells, (", ".join(faster) or "none") if tested else "-"])
    return Table(["activation", "direction", "dtype", *map(format_elements, sizes),
                  f"{peer} faster at (p < {ALPHA})"], rows, numeric=set(range(3, 3 + len(sizes))))


def _rate_text(case: Case | None, peak_gbps: float | None) -> str:
    """A case's GB/s and, in brackets, its fraction of peak_gbps."""
    if not case or case.gbps is None:
        return "-"
    return f"{case.gbps:.1f}" + (f" ({case.gbps / peak_gbps:.0%})" if peak_gbps else "")


def _side_by_side(group: list[Case], present: list[str]) -> Table:
    """vectorised and every peer on one device, GB/s and the fraction of the copy peak of
    vectorised's run (a peer's file beside it measured its own, in another way), at the largest
    size where vectorised and at least one peer ran."""
    rows = []
    for names, cases in grouped(group, "activation", "direction", "dtype").items():
        by_size = _by_size(cases)
        shared = [s for s, at in by_size.items()
                  if "vectorised" in at and any(p in at for p in present)]
        if shared:
            at = by_size[max(shared)]
            peak = at["vectorised"].peak_gbps
            rows.append([*names, format_elements(max(shared)),
                         *(_rate_text(at.get(i), peak) for i in ("vectorised", *present))])
    return Table(["activation", "direction", "dtype", "elements", "vectorised",
                  *present], rows, numeric=set(range(3, 5 + len(present))))


def peers(dataset: Dataset) -> list[Block]:
    """actbench's vectorised kernels against each vendor library and PyTorch the dataset holds: side
    by side at the largest size, then the ratio of their times at every size, peer by peer."""
    blocks: list[Block] = []
    for (device,), group in grouped(representative(dataset.cases.values()), "device").items():
        present = [p for p in PEERS if any(c.key.implementation == p for c in group)]
        tables = [(p, t) for p in present if (t := _peer_table(group, p))]
        if not tables:
            continue
        blocks += [Heading(f"Side by side, {device}", 4),
                   _side_by_side(group, [p for p, _ in tables])]
        for peer, table in tables:
            blocks += [Heading(f"vectorised against {peer}, {device}", 4), table]
    if not blocks:
        return []
    return [Heading("Against the vendor libraries and PyTorch", 3),
            Paragraph("Side by side: GB/s and, in brackets, the fraction of the copy peak that "
                      "actbench's run measured (one yardstick for every column), at the largest "
                      "size where vectorised and a peer both ran. Then, "
                      "peer by peer, each cell is the peer's median time over vectorised's at "
                      "that size: above 1 vectorised is faster. The last column names the sizes "
                      "where the peer is faster beyond the noise: a two-sided Mann-Whitney U test "
                      f"over the two cases' repetition times at p < {ALPHA} ('-' where the "
                      "repetitions are too few for the test)."), *blocks]
