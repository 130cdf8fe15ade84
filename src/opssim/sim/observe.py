"""What the player sees: the true figures blurred by dashboard noise, fixed for a day."""

import dataclasses

import numpy as np

from opssim.sim.snapshot import Snapshot
from opssim.sim.streams import Streams


def observe(truth: Snapshot, noise: float, streams: Streams, day: int) -> Snapshot:
    """``truth`` with each stage's figures scaled by ``exp(normal(0, noise))``.

    The factors are drawn from a fresh generator per day, so how often the dashboard is looked
    at never changes what it shows, nor the run itself.
    """
    if noise <= 0:
        return dataclasses.replace(truth, observed=True)
    factor = factors(noise, streams, day, [s.id for s in truth.stages])

    def blur(x: int, stage: str) -> int:
        return round(x * factor[stage])

    stages = tuple(
        dataclasses.replace(s, reached=blur(s.reached, s.id), now=blur(s.now, s.id),
                            dropped=blur(s.dropped, s.id))
        for s in truth.stages
    )
    kpis = tuple(dataclasses.replace(k, actual=blur(k.actual, k.stage)) for k in truth.kpis)
    return dataclasses.replace(truth, stages=stages, kpis=kpis, observed=True, noise=noise)


def factors(noise: float, streams: Streams, day: int, stages: list[str]) -> dict[str, float]:
    """The day's noise factor for each stage (all 1 without noise)."""
    if noise <= 0:
        return dict.fromkeys(stages, 1.0)
    rng = streams.fresh("observe", day)
    return {s: float(np.exp(rng.normal(0.0, noise))) for s in stages}
