"""Arrivals: users per week from each channel at the stage they enter, with a weekday pattern
when the data shows one; and churn at the last stage."""

import math
from dataclasses import dataclass

import numpy as np
from scipy import special  # scipy.stats alone takes a second to import

from opssim.calibrate.cure import Z95, Interval
from opssim.calibrate.events import US_PER_HOUR
from opssim.calibrate.journeys import Journeys

HOURS_PER_WEEK = 168
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: A weekday pattern is reported when a chi-square test of even weekdays gives p below this.
WEEKDAY_P = 0.001


@dataclass
class ArrivalFit:
    """A steady source of users: a channel entering at a stage."""

    channel: str
    enters: int  # stage index
    users: int
    per_week: Interval
    weekly: np.ndarray  # users in each week from the data's start (the last may be partial)
    weekday_index: np.ndarray | None  # rate on each weekday / mean rate, Mon first; None: flat
    weekday_p: float
    dispersion: float  # variance / mean of whole weeks' counts (1 for Poisson)


@dataclass
class ChurnFit:
    """Users leaving the last stage: a constant weekly share."""

    per_week: Interval
    churned: int
    user_weeks: float


def _poisson_rate(k: int, exposure: float, dispersion: float) -> Interval:
    """Rate with an exact Poisson interval, widened by the dispersion when it exceeds 1."""
    lo = special.chdtri(2 * k, 0.975) / 2 if k > 0 else 0.0  # chi-square quantiles
    hi = special.chdtri(2 * k + 2, 0.025) / 2
    rate = k / exposure
    if dispersion > 1 and k > 0:
        se = math.sqrt(dispersion * k) / exposure
        lo, hi = min(lo, max(0.0, (rate - Z95 * se) * exposure)), max(hi, (rate + Z95 * se)
                                                                       * exposure)
    return Interval(rate, lo / exposure, hi / exposure)


def fit_arrivals(j: Journeys) -> list[ArrivalFit]:
    """One fit per (channel, entry stage) with users, the biggest first."""
    weeks = max(j.end_h / HOURS_PER_WEEK, 1e-9)
    n_bins = max(1, math.ceil(weeks))
    at = j.reached[np.arange(j.n_users), j.entry]
    day0 = j.start_us / US_PER_HOUR / 24  # days since the epoch (a Thursday)
    weekday = ((np.floor(day0 + at / 24).astype(np.int64) + 3) % 7)  # 0 = Monday
    exposure_days = _weekday_exposure(day0, j.end_h / 24)
    out = []
    for c in range(len(j.channel_ids)):
        for s in range(len(j.stage_ids)):
            mine = (j.channel == c) & (j.entry == s)
            k = int(mine.sum())
            if k == 0:
                continue
            weekly = np.bincount(np.minimum((at[mine] // HOURS_PER_WEEK).astype(np.int64),
                                            n_bins - 1), minlength=n_bins)
            full = weekly[: int(weeks)]
            disp = float(full.var(ddof=1) / full.mean()) if len(full) >= 3 and full.mean() else 1
            by_day = np.bincount(weekday[mine], minlength=7).astype(float)
            expect = exposure_days / exposure_days.sum() * k
            ok = expect > 0
            pval = 1.0
            if ok.sum() > 1:  # chi-square test of even weekdays
                stat = float((((by_day - expect) ** 2)[ok] / expect[ok]).sum())
                pval = float(special.chdtrc(ok.sum() - 1, stat))
            index = None
            if pval < WEEKDAY_P:
                rate = np.where(exposure_days > 0, by_day / np.maximum(exposure_days, 1e-9), 0)
                index = rate / (k / exposure_days.sum())
            out.append(ArrivalFit(j.channel_ids[c], s, k,
                                  _poisson_rate(k, weeks, disp), weekly, index, pval, disp))
    out.sort(key=lambda a: -a.users)
    return out


def _weekday_exposure(day0: float, days: float) -> np.ndarray:
    """Days of each weekday (Monday first) covered by ``[day0, day0 + days)``."""
    out = np.zeros(7)
    d, end = day0, day0 + days
    while d < end:
        nxt = min(math.floor(d) + 1, end)
        out[(math.floor(d) + 3) % 7] += nxt - d
        d = nxt
    return out


def fit_churn(j: Journeys) -> ChurnFit | None:
    """Weekly churn at the last stage, from churn events (None when the map names none)."""
    if not j.has_churn:
        return None
    last = j.reached[:, -1]
    there = np.isfinite(last)
    gone = there & np.isfinite(j.churned)
    stop = np.where(gone, j.churned, j.end_h)
    hours = float(np.maximum(stop[there] - last[there], 0).sum())
    k = int(gone.sum())
    if hours <= 0:
        return None
    rate = _poisson_rate(k, hours / HOURS_PER_WEEK, 1.0)  # churned per user-week

    def share(x: float) -> float:
        return -math.expm1(-x)

    return ChurnFit(Interval(share(rate.value), share(rate.low), share(rate.high)), k,
                    hours / HOURS_PER_WEEK)
