"""The U test that compare.py and report.py share."""
from __future__ import annotations

import actbench_stats
import pytest
from actbench_results import Case, CaseKey


def _case(times: list[float]) -> Case:
    key = CaseKey("relu", "forward", "vectorised", "cpu", "f32", "mixed", "", 1 << 20)
    return Case(key, times, sorted(times)[len(times) // 2], None, None, None, None, None, None, None, None)


def test_smallest_sample_for_the_u_test():
    assert actbench_stats.repetitions_for_u_test(0.05) == 4
    assert actbench_stats.min_two_sided_p(5, 5) == pytest.approx(2 / 252)


def test_u_test_applies_only_where_it_can_reach_alpha():
    three, four = _case([1.0, 2.0, 3.0]), _case([1.0, 2.0, 3.0, 4.0])
    assert not actbench_stats.u_test_applies(three, three, 0.05)   # at best p = 0.1
    assert actbench_stats.u_test_applies(four, four, 0.05)         # at best p = 2 / 70
    assert not actbench_stats.u_test_applies(_case([1.0]), four, 0.05)


def test_u_test_p_separates_disjoint_samples_and_not_overlapping_ones():
    fast, slow = _case([1.0, 1.1, 1.2, 1.3, 1.4]), _case([2.0, 2.1, 2.2, 2.3, 2.4])
    assert actbench_stats.u_test_p(fast, slow) == pytest.approx(2 / 252)
    assert actbench_stats.u_test_p(fast, _case([1.05, 1.15, 1.25, 1.35, 1.45])) > 0.5


def test_median_ratio_interval_holds_the_ratio_and_widens_with_the_noise():
    base = _case([1.0, 1.01, 0.99, 1.02, 0.98])
    steady = _case([1.5, 1.51, 1.49, 1.52, 1.48])
    noisy = _case([1.0, 2.0, 1.5, 1.2, 1.8])
    low, high = actbench_stats.median_ratio_interval(base, steady)
    assert low <= 1.5 <= high and high - low < 0.1
    noisy_low, noisy_high = actbench_stats.median_ratio_interval(base, noisy)
    assert noisy_high - noisy_low > 5 * (high - low)
    assert actbench_stats.median_ratio_interval(base, noisy) == (noisy_low, noisy_high)   # seeded
    assert actbench_stats.median_ratio_interval(_case([1.0]), steady) is None
