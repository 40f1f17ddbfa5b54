"""The significance test that compare.py and report.py share: a two-sided Mann-Whitney U test over
two cases' repetition times, as Google Benchmark's compare.py runs it."""
from __future__ import annotations

import math

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
