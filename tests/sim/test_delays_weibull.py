"""Weibull delays (the shape `opssim calibrate` fits): both draws follow the distribution."""

import math

import numpy as np

from opssim.scenario.schema import Delay
from opssim.sim.delays import draw, from_uniforms, mean


def test_weibull_draws_have_the_weibull_mean_and_quantiles() -> None:
    spec = Delay.model_validate({"weibull": {"shape": 1.5, "scale": 30.0}})
    n = 200_000
    rng = np.random.default_rng(0)
    truth = 30.0 * math.gamma(1 + 1 / 1.5)
    assert mean(spec) == truth
    for x in (draw(rng, spec, n), from_uniforms(spec, rng.random(n))):
        se = x.std() / math.sqrt(n)
        assert abs(x.mean() - truth) < 4 * se
        # The median of a Weibull is scale · ln(2)^(1/shape).
        assert abs(np.median(x) - 30.0 * math.log(2) ** (1 / 1.5)) < 0.3
