"""Draw delays from a scenario's delay distribution, in bulk."""

import numpy as np

from opssim.scenario.schema import Delay


def draw(rng: np.random.Generator, spec: Delay, n: int) -> np.ndarray:
    """``n`` delays in the spec's own unit, as floats (capped at 1e7)."""
    if spec.fixed is not None:
        return np.full(n, float(spec.fixed))
    if spec.exponential is not None:
        raw = rng.exponential(spec.exponential, n)
    elif spec.lognormal is not None:
        # Convert the delay's mean and sd into the underlying normal's mu and sigma.
        m, s = spec.lognormal.mean, spec.lognormal.sd
        sigma2 = np.log1p((s / m) ** 2)
        raw = rng.lognormal(np.log(m) - sigma2 / 2, np.sqrt(sigma2), n)
    else:
        assert spec.uniform is not None
        raw = rng.uniform(spec.uniform.low, spec.uniform.high, n)
    # Anything past a run's horizon lands in the overflow bin anyway; cap before any cast.
    return np.minimum(raw, 1e7)


def needs_two(spec: Delay) -> bool:
    """Whether :func:`from_uniforms` needs a second uniform per delay (a lognormal does)."""
    return spec.lognormal is not None


def from_uniforms(spec: Delay, u: np.ndarray, u2: np.ndarray | None = None) -> np.ndarray:
    """Delays by inverse transform of uniforms ``u`` in (0, 1) (a lognormal also takes
    ``u2``, for a Box–Muller normal): exactly one or two uniforms per delay, so a user's
    delay depends on their own numbers only (capped at 1e7)."""
    if spec.fixed is not None:
        return np.full(len(u), float(spec.fixed))
    if spec.exponential is not None:
        raw = np.log(u)
        raw *= -spec.exponential
    elif spec.lognormal is not None:
        assert u2 is not None
        m, s = spec.lognormal.mean, spec.lognormal.sd
        sigma2 = np.log1p((s / m) ** 2)
        z = np.sqrt(-2.0 * np.log(u)) * np.cos(2.0 * np.pi * u2)
        raw = np.exp(np.log(m) - sigma2 / 2 + np.sqrt(sigma2) * z)
    else:
        assert spec.uniform is not None
        lo, hi = spec.uniform.low, spec.uniform.high
        raw = lo + (hi - lo) * u
    return np.minimum(raw, 1e7, out=raw)


def draw_hours(rng: np.random.Generator, spec: Delay, n: int) -> np.ndarray:
    """``n`` delays in whole hours (floored), as an int64 array."""
    return draw(rng, spec, n).astype(np.int64)


def mean(spec: Delay) -> float:
    """The distribution's mean."""
    if spec.fixed is not None:
        return spec.fixed
    if spec.exponential is not None:
        return spec.exponential
    if spec.lognormal is not None:
        return spec.lognormal.mean
    assert spec.uniform is not None
    return (spec.uniform.low + spec.uniform.high) / 2
