"""Reference (b): the core funnel drawn in bulk with numpy, the practical speed limit.

The same funnel as the engine's core scenario: Poisson arrivals per hour at the first stage;
at each stage a binomial draw per hour splits the users entering it into those who move on
and those who drop; each user then gets a delay drawn from the next stage's distribution
(floored to whole hours), and movers enter the next stage that many hours later. Everything
past the horizon lands in an overflow bin. No events, no duties: one pass over the horizon.
"""

import numpy as np

from opssim.scenario import Scenario
from opssim.sim.clock import HOURS_PER_WEEK


def _delays(rng: np.random.Generator, spec, n: int) -> np.ndarray:
    if spec.fixed is not None:
        raw = np.full(n, float(spec.fixed))
    elif spec.exponential is not None:
        raw = rng.exponential(spec.exponential, n)
    elif spec.lognormal is not None:
        m, s = spec.lognormal.mean, spec.lognormal.sd
        sigma2 = np.log1p((s / m) ** 2)
        raw = rng.lognormal(np.log(m) - sigma2 / 2, np.sqrt(sigma2), n)
    else:
        raw = rng.uniform(spec.uniform.low, spec.uniform.high, n)
    return np.minimum(raw, 1e7).astype(np.int64)


def simulate(scenario: Scenario, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Users entering each stage over the run, and users dropping at each (per stage)."""
    rng = np.random.default_rng(seed)
    stages = scenario.funnel.stages
    horizon = scenario.weeks * HOURS_PER_WEEK
    rate = sum(c.per_week for c in scenario.channels) / HOURS_PER_WEEK
    cohort = rng.poisson(rate, horizon)  # users entering stage 0, per hour
    hours = np.arange(horizon)
    entered = np.zeros(len(stages), dtype=np.int64)
    dropped = np.zeros(len(stages), dtype=np.int64)
    for s in range(len(stages)):
        entered[s] = cohort.sum()
        if s + 1 == len(stages):
            break
        spec = stages[s + 1].delay_hours
        moving = rng.binomial(cohort, stages[s + 1].convert or 0.0)
        # Drops wait their delay too before giving up (an hourly histogram, as in the engine).
        gone = np.repeat(hours, cohort - moving)
        gone += _delays(rng, spec, len(gone))
        drops = np.bincount(np.minimum(gone, horizon), minlength=horizon + 1)
        dropped[s] = drops[:horizon].sum()
        at = np.repeat(hours, moving)
        at += _delays(rng, spec, len(at))
        cohort = np.bincount(np.minimum(at, horizon), minlength=horizon + 1)[:horizon]
    return entered, dropped
