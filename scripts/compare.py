#!/usr/bin/env python3
"""Compare two actbench results files case by case and decide which cases regressed.

    compare.py BASELINE.json NEW.json [--min-effect PCT] [--alpha A] [--junit FILE] [--report-only]

Cases are matched on their structured fields (activation, direction, implementation, device,
dtype, input, L2 state, elements). A case regresses when its new median time is slower by more than
the minimum effect AND the slowdown is real:
  * with enough repetitions on both sides, a two-sided Mann-Whitney U test over the repetition
    times rejects "same distribution" at alpha (as Google Benchmark's compare.py does);
  * with too few for the test ever to reach alpha, the change must also exceed both runs' relative
    spread ((max - min) / median of the repetitions), and the table says the noise rule decided.
A case that passed validation in the baseline and fails it in the new run counts as a regression.
Beside each ratio of medians (new / baseline), the table gives its 90% bootstrap interval over the
two runs' repetitions: how far the noise lets that ratio move.

Prints a Markdown table (ready for a CI job summary). Exit status: 1 when a case regressed, 0
otherwise (improvements never fail), 2 on unusable input. --report-only exits 0 whatever the
verdicts (for noisy CI runners), and still 2 on unusable input.
"""
from __future__ import annotations

import math
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, fields
from pathlib import Path

from actbench_results import (
    ArgumentParser,
    Case,
    CaseKey,
    Results,
    ResultsError,
    format_elements,
    format_seconds,
    load_all,
    run_cli,
)
from actbench_stats import median_ratio_interval, repetitions_for_u_test, u_test_applies, u_test_p

PROG = "compare.py"
REGRESSION = "regression"
INVALID = "fails validation"
IMPROVEMENT = "improvement"
UNCHANGED = "unchanged"
# Table order: what fails the gate first.
VERDICT_ORDER = (INVALID, REGRESSION, IMPROVEMENT, UNCHANGED)
FAILING_VERDICTS = (INVALID, REGRESSION)
INTERVAL = 0.9   # the confidence of the ratio's bootstrap interval


@dataclass
class Comparison:
    key: CaseKey
    baseline: Case
    new: Case | None          # None when the new run has the case only as a validation failure
    ratio: float              # new median time / baseline median time
    p_value: float | None     # None when the noise rule decided
    threshold: float          # the relative change the verdict needed
    verdict: str
    interval: tuple[float, float] | None = None   # the ratio's INTERVAL bootstrap interval

    @property
    def change(self) -> float:
        return self.ratio - 1.0


def judge(baseline: Case, new: Case, alpha: float, min_effect: float) -> Comparison:
    ratio = new.median_time / baseline.median_time
    change = ratio - 1.0
    if u_test_applies(baseline, new, alpha):
        p_value = u_test_p(baseline, new)
        significant = not math.isnan(p_value) and p_value < alpha
        threshold = min_effect
    else:
        p_value = None
        threshold = max(min_effect, baseline.relative_spread or 0.0, new.relative_spread or 0.0)
        significant = True
    if significant and change > threshold:
        verdict = REGRESSION
    elif significant and change < -threshold:
        verdict = IMPROVEMENT
    else:
        verdict = UNCHANGED
    return Comparison(baseline.key, baseline, new, ratio, p_value, threshold, verdict,
                      median_ratio_interval(baseline, new, INTERVAL))


def _failure_matches(failure: dict, key: CaseKey) -> bool:
    """A failure names a whole case (activation ... dtype) or one of its points (with input, L2
    state and elements): it matches every key it does not tell apart."""
    names = (f.name for f in fields(CaseKey))
    return all(failure[name] == getattr(key, name) for name in names if name in failure)


def compare(baseline: Results, new: Results, alpha: float,
            min_effect: float) -> tuple[list[Comparison], list[CaseKey], list[CaseKey]]:
    """The comparisons of the common cases, and the keys found only in the baseline / new run."""
    comparisons = [judge(case, new.cases[key], alpha, min_effect)
                   for key, case in baseline.cases.items() if key in new.cases]
    invalid = [Comparison(key, case, None, math.nan, None, 0.0, INVALID)
               for key, case in baseline.cases.items()
               if key not in new.cases and any(_failure_matches(f, key) for f in new.failures)]
    invalid_keys = {c.key for c in invalid}
    only_baseline = sorted(k for k in baseline.cases
                           if k not in new.cases and k not in invalid_keys)
    only_new = sorted(k for k in new.cases if k not in baseline.cases)
    comparisons += invalid
    comparisons.sort(key=lambda c: (VERDICT_ORDER.index(c.verdict),
                                    0.0 if math.isnan(c.change) else -round(abs(c.change), 3),
                                    c.key))
    return comparisons, only_baseline, only_new


def _describe(results: Results) -> str:
    date = f", {results.date}" if results.date else ""
    return f"`{results.path}` ({results.label}{date})"


def _row(c: Comparison) -> str:
    k = c.key
    new_time = format_seconds(c.new.median_time) if c.new else "-"
    ratio = f"{c.ratio:.3f}" if c.new else "-"
    if c.interval:
        ratio += f" ({c.interval[0]:.3f}-{c.interval[1]:.3f})"
    change = f"{c.change:+.1%}" if c.new else "-"
    decided = f"U test, p={c.p_value:.3g}" if c.p_value is not None else (
        f"noise rule, needs {c.threshold:.1%}" if c.new else "validation")
    verdict = f"**{c.verdict}**" if c.verdict in FAILING_VERDICTS else c.verdict
    return (f"| {k.activation} | {k.direction} | {k.implementation} | {k.device} | {k.dtype} | "
            f"{k.input or '-'} | {k.l2 or '-'} | {format_elements(k.elements)} | "
            f"{format_seconds(c.baseline.median_time)} | {new_time} | {ratio} | {change} | "
            f"{decided} | {verdict} |")


TABLE_HEADER = ("| activation | direction | implementation | device | dtype | input | L2 "
                f"| elements | baseline | new | ratio ({INTERVAL:.0%} interval) | change | decided by | verdict |\n"
                "|---|---|---|---|---|---|---|---:|---:|---:|---:|---:|---|---|")


def _table(comparisons: list[Comparison]) -> str:
    return "\n".join([TABLE_HEADER, *(_row(c) for c in comparisons)])


def _key_list(title: str, keys: list[CaseKey]) -> list[str]:
    if not keys:
        return []
    lines = [f"<details><summary>{title}: {len(keys)}</summary>", ""]
    lines += [f"- {key.label()}" for key in keys]
    return lines + ["", "</details>", ""]


def markdown(baseline: Results, new: Results, comparisons: list[Comparison],
             only_baseline: list[CaseKey], only_new: list[CaseKey], alpha: float,
             min_effect: float, report_only: bool) -> str:
    counts = {v: sum(c.verdict == v for c in comparisons) for v in VERDICT_ORDER}
    failing = [c for c in comparisons if c.verdict in FAILING_VERDICTS]
    noise_ruled = sum(c.p_value is None and c.new is not None for c in comparisons)
    lines = ["## actbench comparison", "",
             f"- baseline: {_describe(baseline)}", f"- new: {_describe(new)}",
             f"- method: two-sided Mann-Whitney U test over the repetition times (alpha {alpha}) "
             f"and a minimum change of {min_effect:.1%} in the median time"]
    if noise_ruled:
        lines.append(f"- **{noise_ruled} of {len(comparisons)} cases had too few repetitions for "
                     f"the U test to reach alpha {alpha}** (it needs "
                     f"{repetitions_for_u_test(alpha)} per side): they were decided by the noise "
                     "rule (the change must exceed both runs' relative "
                     "spread). Run with `--benchmark_repetitions=5` or more for a tested verdict.")
    if baseline.machine() != new.machine():
        lines.append(f"- note: the files come from different machines ({baseline.machine()} vs "
                     f"{new.machine()}), so the ratios compare machines as well as code")
    lines += [f"- **warning: {note}**" for note in (baseline.interruption_note(),
                                                   new.interruption_note()) if note]
    if report_only:
        lines.append("- report only: regressions are listed but do not fail this run")
    summary = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
    lines += ["", f"**{'FAIL' if failing else 'PASS'}**: {summary or 'no common cases'}."]
    if failing:
        names = sorted({c.key.activation for c in failing})
        lines.append(f"Regressed activations: {', '.join(names)}.")
    changed = [c for c in comparisons if c.verdict != UNCHANGED]
    unchanged = [c for c in comparisons if c.verdict == UNCHANGED]
    if changed:
        lines += ["", _table(changed)]
    if unchanged:
        lines += ["", f"<details><summary>unchanged cases: {len(unchanged)}</summary>", "",
                  _table(unchanged), "", "</details>"]
    lines.append("")
    lines += _key_list("cases only in the baseline", only_baseline)
    lines += _key_list("cases only in the new run", only_new)
    return "\n".join(lines)


def junit_xml(comparisons: list[Comparison], only_baseline: list[CaseKey],
              only_new: list[CaseKey]) -> ET.ElementTree:
    """One test per case: a failure per regression, skipped for cases present on one side only."""
    suite = ET.Element("testsuite", name="actbench.compare")
    failures = skipped = 0
    for c in comparisons:
        k = c.key
        test = ET.SubElement(suite, "testcase", classname=f"actbench.{k.device}.{k.activation}",
                             name=k.label())
        if c.verdict == REGRESSION:
            failures += 1
            ET.SubElement(test, "failure", type=REGRESSION,
                          message=f"{c.change:+.1%} slower (needed {c.threshold:.1%})").text = (
                f"baseline median {format_seconds(c.baseline.median_time)}, "
                f"new median {format_seconds(c.new.median_time)}")
        elif c.verdict == INVALID:
            failures += 1
            ET.SubElement(test, "failure", type="validation",
                          message="the new run fails validation for this case")
    for side, keys in (("baseline", only_baseline), ("new run", only_new)):
        for k in keys:
            skipped += 1
            test = ET.SubElement(suite, "testcase", classname=f"actbench.{k.device}.{k.activation}",
                                 name=k.label())
            ET.SubElement(test, "skipped", message=f"only in the {side}")
    suite.set("tests", str(len(comparisons) + skipped))
    suite.set("failures", str(failures))
    suite.set("skipped", str(skipped))
    suite.set("errors", "0")
    tree = ET.ElementTree(suite)
    ET.indent(tree)
    return tree


def parse_args(argv: list[str] | None):
    parser = ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    parser.add_argument("baseline", type=Path, help="results JSON of the reference run")
    parser.add_argument("new", type=Path, help="results JSON of the run under test")
    parser.add_argument("--min-effect", type=float, default=5.0, metavar="PCT",
                        help="smallest change in median time, in percent, that can be a "
                             "regression or an improvement (default: 5)")
    parser.add_argument("--alpha", type=float, default=0.05,
                        help="significance level of the U test (default: 0.05)")
    parser.add_argument("--junit", type=Path, metavar="FILE",
                        help="also write JUnit XML: one test per case, regressions as failures")
    parser.add_argument("--report-only", action="store_true",
                        help="print the verdicts but exit 0 even when cases regressed")
    args = parser.parse_args(argv)
    if args.min_effect < 0:
        parser.error(f"--min-effect must be >= 0, got {args.min_effect}")
    if not 0 < args.alpha < 1:
        parser.error(f"--alpha must be between 0 and 1, got {args.alpha}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def body() -> int:
        baseline, new = load_all([args.baseline, args.new])
        min_effect = args.min_effect / 100.0
        comparisons, only_baseline, only_new = compare(baseline, new, args.alpha, min_effect)
        if not comparisons:
            raise ResultsError(f"{args.baseline} and {args.new} have no case in common "
                               "(different sweeps?), so there is nothing to compare")
        print(markdown(baseline, new, comparisons, only_baseline, only_new, args.alpha,
                       min_effect, args.report_only))
        if args.junit:
            junit_xml(comparisons, only_baseline, only_new).write(
                args.junit, encoding="utf-8", xml_declaration=True)
        regressed = any(c.verdict in FAILING_VERDICTS for c in comparisons)
        return 1 if regressed and not args.report_only else 0

    return run_cli(PROG, body)


if __name__ == "__main__":
    sys.exit(main())
