"""Reference (a): the core funnel with one SimPy process per user, the naive design.

Users arrive as a Poisson process at the first stage. Each user is a process: at every stage
it decides (with the next stage's conversion) whether it will move on, waits a delay drawn
from the next stage's distribution (whole hours, as in the engine), then enters the next stage
or drops out. The run stops at the horizon; users still waiting never arrive.
"""

import numpy as np
import simpy

from opssim.scenario import Scenario
from opssim.sim.clock import HOURS_PER_WEEK


def _sampler(rng: np.random.Generator, spec):
    if spec.fixed is not None:
        return lambda: float(spec.fixed)
    if spec.exponential is not None:
        mean = spec.exponential
        return lambda: rng.exponential(mean)
    if spec.lognormal is not None:
        m, s = spec.lognormal.mean, spec.lognormal.sd
        sigma2 = float(np.log1p((s / m) ** 2))
        mu, sigma = float(np.log(m) - sigma2 / 2), float(np.sqrt(sigma2))
        return lambda: rng.lognormal(mu, sigma)
    low, high = spec.uniform.low, spec.uniform.high
    return lambda: rng.uniform(low, high)


def simulate(scenario: Scenario, seed: int = 0, users: float | None = None) -> np.ndarray:
    """Users entering each stage. ``users`` overrides the channel's total (a smaller
    population to time, scaled up by the caller)."""
    rng = np.random.default_rng(seed)
    stages = scenario.funnel.stages
    horizon = scenario.weeks * HOURS_PER_WEEK
    total = users if users is not None else sum(c.per_week for c in scenario.channels) * (
        scenario.weeks)
    rate = total / horizon  # users per hour
    convert = [s.convert or 0.0 for s in stages]
    delay = [_sampler(rng, s.delay_hours) for s in stages]
    entered = np.zeros(len(stages), dtype=np.int64)
    env = simpy.Environment()
    random = rng.random

    def user(env: simpy.Environment):
        for s in range(len(stages)):
            entered[s] += 1
            if s + 1 == len(stages):
                return
            moves = random() < convert[s + 1]
            yield env.timeout(int(delay[s + 1]()))
            if not moves:
                return  # dropped

    def arrivals(env: simpy.Environment):
        while True:
            yield env.timeout(rng.exponential(1 / rate))
            env.process(user(env))

    env.process(arrivals(env))
    env.run(until=horizon)
    return entered
