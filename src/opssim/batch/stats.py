"""Statistics for many runs: rates with Wilson intervals, means with t intervals (numpy).

All intervals are 95%. A rate's interval is Wilson's score interval (sound near 0 and 1 and
for few runs); a mean's is ``mean ± t(0.975, n-1) · sd / √n``; a paired difference (two
policies on the same seeds: common random numbers) is the mean of the per-seed differences.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

Z95 = 1.959963984540054

#: t quantiles (0.975) for 1..30 degrees of freedom; beyond, a Cornish-Fisher expansion.
_T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
         2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
         2.060, 2.056, 2.052, 2.048, 2.045, 2.042)


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its 95% interval, from ``n`` values."""

    value: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        """Half the interval's width."""
        return (self.high - self.low) / 2

    def overlaps(self, other: "Estimate") -> bool:
        """Whether the two intervals share a point."""
        return self.low <= other.high and other.low <= self.high

    def pct(self) -> str:
        """``'42% [33%, 52%]'`` for a rate."""
        if self.n == 0:
            return "–"
        return f"{100 * self.value:.0f}% [{100 * self.low:.0f}%, {100 * self.high:.0f}%]"

    def num(self, digits: int = 1) -> str:
        """``'1,203.4 ± 12.1'`` for a mean."""
        if self.n == 0 or math.isnan(self.value):
            return "–"
        if math.isnan(self.half_width):
            return f"{self.value:,.{digits}f}"
        return f"{self.value:,.{digits}f} ± {self.half_width:,.{digits}f}"


def t975(df: int) -> float:
    """The 97.5% quantile of Student's t with ``df`` degrees of freedom."""
    if df < 1:
        return math.nan
    if df <= len(_T975):
        return _T975[df - 1]
    z = Z95
    return (z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3))


def wilson(successes: int, n: int) -> Estimate:
    """The share ``successes / n`` with its 95% Wilson score interval."""
    if n <= 0:
        return Estimate(math.nan, 0.0, 1.0, 0)
    p = successes / n
    z2 = Z95**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Estimate(p, low, high, n)


def mean_ci(values: Iterable[float | None]) -> Estimate:
    """The mean of ``values`` (missing and NaN left out) with its 95% t interval."""
    x = np.array([v for v in values if v is not None], dtype=float)
    x = x[~np.isnan(x)]
    n = int(x.size)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    mean = float(x.mean())
    if n == 1:
        return Estimate(mean, math.nan, math.nan, 1)
    half = t975(n - 1) * float(x.std(ddof=1)) / math.sqrt(n)
    return Estimate(mean, mean - half, mean + half, n)


def paired_difference(a: Sequence[float], b: Sequence[float]) -> Estimate:
    """Mean of ``a[i] - b[i]`` (the same seeds under two policies) with its 95% t interval."""
    return mean_ci(np.asarray(a, dtype=float) - np.asarray(b, dtype=float))


def percentiles(matrix: np.ndarray, qs: Sequence[float]) -> np.ndarray:
    """Per-column percentiles of ``matrix`` (runs × weeks), NaN (runs that ended) ignored."""
    out = np.full((len(qs), matrix.shape[1]), np.nan)
    for j in range(matrix.shape[1]):
        col = matrix[:, j]
        col = col[~np.isnan(col)]
        if col.size:
            out[:, j] = np.percentile(col, qs)
    return out
