"""Draw delays (whole hours) from a scenario's delay distribution, in bulk."""

import numpy as np

from opssim.scenario.schema import Delay


def draw_hours(rng: np.random.Generator, spec: Delay, n: int) -> np.ndarray:
    """``n`` delays in whole hours (floored), as an int64 array."""
    if spec.fixed is not None:
        return np.full(n, int(spec.fixed), dtype=np.int64)
    if spec.exponential is not None:
        raw = rng.exponential(spec.exponential, n)
    elif spec.lognormal is not None:
        # Convert the mean and sd of the delay into the underlying normal's mu and sigma.
        m, s = spec.lognormal.mean, spec.lognormal.sd
        sigma2 = np.log1p((s / m) ** 2)
        raw = rng.lognormal(np.log(m) - sigma2 / 2, np.sqrt(sigma2), n)
    else:
        assert spec.uniform is not None
        raw = rng.uniform(spec.uniform.low, spec.uniform.high, n)
    # Anything past the run's horizon lands in the overflow bin anyway; cap before the cast.
    return np.minimum(raw, 1e7).astype(np.int64)


def mean_hours(spec: Delay) -> float:
    """The distribution's mean, in hours."""
    if spec.fixed is not None:
        return spec.fixed
    if spec.exponential is not None:
        return spec.exponential
    if spec.lognormal is not None:
        return spec.lognormal.mean
    assert spec.uniform is not None
    return (spec.uniform.low + spec.uniform.high) / 2
