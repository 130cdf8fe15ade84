"""Statistics: Wilson intervals for rates, t intervals for means, paired differences."""

import math

import numpy as np
import pytest

from opssim.batch.stats import mean_ci, paired_difference, percentiles, t975, wilson


def test_wilson_known_values() -> None:
    est = wilson(5, 10)
    assert est.value == 0.5
    assert est.low == pytest.approx(0.2366, abs=1e-4)
    assert est.high == pytest.approx(0.7634, abs=1e-4)
    zero = wilson(0, 50)
    assert zero.low == 0 and zero.high == pytest.approx(0.07135, abs=1e-4)
    assert wilson(50, 50).high == 1.0
    assert wilson(0, 0).n == 0 and wilson(0, 0).pct() == "–"


def test_t_quantiles() -> None:
    assert t975(1) == 12.706 and t975(30) == 2.042
    assert t975(60) == pytest.approx(2.0003, abs=1e-3)
    assert t975(1000) == pytest.approx(1.9623, abs=1e-3)
    assert math.isnan(t975(0))


def test_mean_ci() -> None:
    est = mean_ci([1.0, 2.0, 3.0, 4.0, None, float("nan")])
    assert est.value == 2.5 and est.n == 4
    assert est.half_width == pytest.approx(3.182 * np.std([1, 2, 3, 4], ddof=1) / 2)
    assert mean_ci([]).n == 0 and mean_ci([]).num() == "–"
    assert mean_ci([7.0]).num() == "7.0"


def test_paired_difference_uses_the_same_seeds() -> None:
    a = [1, 1, 0, 1, 1, 0, 1, 1]
    b = [0, 1, 0, 0, 1, 0, 0, 1]
    d = paired_difference(a, b)
    assert d.value == pytest.approx(3 / 8)
    assert d.low < d.value < d.high


def test_percentiles_ignore_runs_that_ended() -> None:
    m = np.array([[1.0, 2.0], [3.0, np.nan], [5.0, np.nan]])
    p = percentiles(m, [50])
    assert p[0, 0] == 3.0 and p[0, 1] == 2.0
