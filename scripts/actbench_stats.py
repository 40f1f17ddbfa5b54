"""The statistics that compare.py and report.py share over two cases' repetition times: a two-sided
Mann-Whitney U test, as Google Benchmark's compare.py runs it, and a bootstrap interval for the ratio
of their medians."""
from __future__ import annotations

import math

import numpy as np
from actbench_results import Case
from scipy.stats import mannwhitneyu


def min_two_sided_p(n_a: int, n_b: int) -> float:
    """The smallest p-value an exact two-sided U test can give for these sample sizes."""
    return 2.0 / math.comb(n_a + n_b, n_a)


def repetitions_for_u_test(alpha: float) -> int:
    """The fewest repetitions per side with which the U test can reach alpha (4 for 0.05)."""
    n = 2
    while min_two_sided_p(n, n) >= alpha:
        n += 1
    return n


def u_test_applies(a: Case, b: Case, alpha: float) -> bool:
    """True when both sides have repetitions enough for the U test to be able to reach alpha."""
    n, m = len(a.times), len(b.times)
    return n >= 2 and m >= 2 and min_two_sided_p(n, m) < alpha


def u_test_p(a: Case, b: Case) -> float:
    """The two-sided U test's p-value for "a and b's repetition times come from one distribution"."""
    return float(mannwhitneyu(a.times, b.times, alternative="two-sided").pvalue)


def median_ratio_interval(a: Case, b: Case, confidence: float = 0.9, resamples: int = 5000,
                          seed: int = 1) -> tuple[float, float] | None:
    """How far the noise lets the ratio b.median / a.median move: the central `confidence` interval
    of that ratio over bootstrap resamples of each case's repetitions (seeded, so a table is the
    same every time it is drawn). None where either side has fewer than two repetitions."""
    if len(a.times) < 2 or len(b.times) < 2:
        return None
    rng = np.random.default_rng(seed)
    medians = [np.median(rng.choice(np.asarray(c.times), (resamples, len(c.times))), axis=1) for c in (a, b)]
    tail = (1.0 - confidence) / 2 * 100
    low, high = np.percentile(medians[1] / medians[0], [tail, 100 - tail])
    return float(low), float(high)
