"""Rates: changes recorded from their hour on, read hour by hour by the draw."""

import numpy as np

from opssim.scenario import Scenario
from opssim.sim.rates import Rates
from opssim.sim.streams import Streams


def test_a_change_holds_from_its_hour_on(starter: Scenario) -> None:
    rates = Rates(starter, 2016)
    lift = np.zeros(len(starter.funnel.stages))
    rates.change(0, lift)
    rates.set_rate("copy", 50.0)
    rates.change(10, lift + 0.5)
    arrivals, convert = rates.inputs(0, 24, len(starter.funnel.stages), Streams(1))
    copy = rates.segments.index("copy")
    assert arrivals[:, copy, :10].sum() == 0 and arrivals[:, copy, 10:].sum() > 0
    # Half again the chance to move on from hour 10, wherever the clip allows.
    before, after = convert[..., 0], convert[..., 10]
    assert np.allclose(after, np.clip(before * 1.5, 0, 1))


def test_ground_users_arrive_only_in_the_hours_worked(starter: Scenario) -> None:
    rates = Rates(starter, 2016)
    rates.set_rate("ground", 100.0)
    rates.set_cover([(9, 1.0), (10, 0.5)])
    rates.change(0, np.zeros(len(starter.funnel.stages)))
    arrivals, _ = rates.inputs(0, 24, len(starter.funnel.stages), Streams(1))
    ground = arrivals[:, rates.segments.index("ground")].sum(axis=0)
    assert set(np.flatnonzero(ground)) <= {9, 10} and ground[9] > ground[10] > 0
