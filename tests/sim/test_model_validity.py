"""The engine against theory, in the manner of Ciw's test suite: the funnel's closed form and
invariants that hold for any allocation (the support desk against an independent per-ticket
model is in test_engine_fidelity.py)."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opssim.batch import parse_policy, run_engine
from opssim.model import Allocation
from opssim.scenario import parse_scenario
from opssim.sim import Engine

FUNNEL = """
id: closed_form
title: The funnel's closed form
weeks: 8
funnel:
  stages:
    - {id: a}
    - {id: b, convert: 0.3, delay_hours: {fixed: 1}}
    - {id: c, convert: 0.5, delay_hours: {fixed: 1}}
    - {id: d, convert: 0.2, delay_hours: {fixed: 1}}
channels: [{id: main, enters: a, per_week: 20000}]
duties:
  copy: {lifts: [{stage: b, curve: {max: 1, half_at: 1}}]}
  events: {spike: {enters: a, users: 10000}}
  support: {}
  ground: {users: {max: 5000, half_at: 1}, enters: a}
reviews: {targets: [{kpi: d, stage: d, per_week: 1}]}
plan: {copy: 10, events: 10, ground: 10}
"""


def test_funnel_with_every_duty_at_zero_matches_the_product_of_conversions() -> None:
    sc = parse_scenario(FUNNEL)
    zero = parse_policy("fixed:copy=0", sc)
    reached = np.array([[s.reached for s in run_engine(sc, seed, zero).truth().stages]
                        for seed in range(5)]).mean(axis=0)
    arrivals = 20000 * 8
    expected = arrivals * np.cumprod([1.0, 0.3, 0.5, 0.2])
    assert np.all(np.abs(reached - expected) / expected < 0.02), (reached, expected)


def conserved(e: Engine) -> None:
    """Every user who arrived is in exactly one stage or has dropped out; no count negative."""
    truth = e.truth()  # draws the users up to now (the engine draws lazily)
    f = e.funnel
    now = int(e.now)
    outside = f.entered[:, :, :now].sum() - f.moves[:-1, :, :now].sum()
    assert outside == sum(s.now + s.dropped for s in truth.stages)
    assert all(s.now >= 0 and s.dropped >= 0 for s in truth.stages)
    for hist in (f.entered, f.moves, f.drops):
        assert hist.min() >= 0


hours = st.floats(0, 15, allow_nan=False)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({d: hours for d in ("copy", "events", "support", "ground",
                                                  "research", "partners", "analysis",
                                                  "coordination")}),
       st.integers(0, 2**32 - 1), st.floats(1, 300))
def test_any_allocation_conserves_users_and_respects_the_cap(alloc, seed, stop) -> None:
    from opssim.scenario import default_scenario_path, load_scenario

    sc = load_scenario(default_scenario_path())
    e = Engine(sc, seed)
    cap = sc.specialist.max_hours
    total = sum(alloc.values())
    if total > cap:
        try:
            e.set_allocation(alloc)
        except ValueError:
            pass
        else:
            raise AssertionError("an allocation over the cap was accepted")
        alloc = {d: h * cap / total for d, h in alloc.items()}
    a = e.set_allocation(alloc)
    assert isinstance(a, Allocation) and a.total <= cap + 1e-9
    e.advance_to(stop)
    conserved(e)
    e.set_allocation(alloc)
    e.advance_to(stop + 200)
    conserved(e)
