"""Replicas stepped together: the same numbers as each stepped alone (only faster)."""

import numpy as np
import pytest

from opssim.scenario import Scenario
from opssim.scenario.schema import Delay
from opssim.sim import HOURS_PER_WEEK, Engine
from opssim.sim.funnel import FunnelGroup, FunnelState
from opssim.sim.replicas import replicate, step

HISTOGRAMS = ("entered", "due", "gone", "moves", "drops")
#: Pending decisions and churn: a replica copies them from the hour it was forked at (the
#: spent ones before it are never read again).
PENDING = ("due", "gone")


def same_histograms(a: Engine, b: Engine, since: int = 0) -> None:
    """The two runs' histograms are equal (pending ones from hour ``since`` on)."""
    for name in HISTOGRAMS:
        x, y = getattr(a.funnel, name), getattr(b.funnel, name)
        if name in PENDING:
            x, y = x[..., since:], y[..., since:]
        assert np.array_equal(x, y), name


def same_run(a: Engine, b: Engine, since: int = 0) -> None:
    same_histograms(a, b, since)
    assert repr(a.events) == repr(b.events)
    assert a.reputation == b.reputation


@pytest.mark.parametrize("week", [0, 2])
def test_luck_replications_together_are_each_alone(starter: Scenario, week: int) -> None:
    run = Engine(starter, 4, attribution=False)
    run.advance_to(week * HOURS_PER_WEEK)
    plan = [starter.plan_hours()] * 2
    luck = [1_000_000 + k for k in range(3)]
    since = run._drawn_to
    together = replicate(run, plan, [*luck, None])
    for k, twin in zip([*luck, None], together, strict=True):
        same_run(twin, replicate(run, plan, [k])[0], since)
    # Other luck is other luck, and None is the run's own: the run played on is its twin.
    assert not np.array_equal(together[0].funnel.moves, together[1].funnel.moves)
    for w in (week + 1, week + 2):
        run.set_allocation(starter.plan_hours())
        run.advance_to(w * HOURS_PER_WEEK)
    run.truth()
    together[-1].truth()
    same_histograms(run, together[-1], since)


def test_hours_of_their_own(starter: Scenario) -> None:
    """Replicas with other hours (a look-ahead's variants) also step together exactly."""
    run = Engine(starter, 1, attribution=False)
    more = dict(starter.plan_hours())
    more["support"] = more.get("support", 0) + 5
    twins = [run.fork(), run.fork()]
    step(twins, [HOURS_PER_WEEK, 2 * HOURS_PER_WEEK],
         [[starter.plan_hours()] * 2, [more] * 2])
    alone = run.fork()
    alone.set_allocation(more)
    alone.advance_to(HOURS_PER_WEEK)
    alone.set_allocation(more)
    alone.advance_to(2 * HOURS_PER_WEEK)
    same_run(twins[1], alone)


def test_a_group_draws_each_member_as_alone() -> None:
    """Funnels of other roots and other arrivals, drawn as one group or one by one."""
    def funnel(root: int) -> FunnelState:
        return FunnelState([Delay(exponential=24.0), Delay(fixed=3.0), None], 2, 400,
                           [None, 50.0, None], root)

    hours = 168
    rng = np.random.default_rng(0)
    arrivals = rng.poisson(20, (3, 3, 2, hours)) * (np.arange(3)[None, :, None, None] == 0)
    convert = rng.uniform(0.2, 0.8, (3, 3, 2, hours))
    alone = [funnel(r) for r in (5, 6, 7)]
    for f, a, c in zip(alone, arrivals, convert, strict=True):
        f.flow(0, 100, a[:, :, :100], c[:, :, :100])
        f.flow(100, hours, a[:, :, 100:], c[:, :, 100:])
    members = [funnel(r) for r in (5, 6, 7)]
    group = FunnelGroup(members)
    group.flow(0, hours, arrivals, convert)
    for a, b in zip(alone, members, strict=True):
        for name in HISTOGRAMS:
            assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert members[0].entered.base is group.entered  # the members' arrays are views


def test_asked_again_the_copies_play_on(starter: Scenario) -> None:
    """Blame asks for a total's re-runs from the first hour at every review: the second ask
    steps the first ask's copies on, with the numbers of copies made afresh."""
    run = Engine(starter, 2, attribution=False)
    plan = [starter.plan_hours()] * 4
    luck = [1_000_000, 1_000_001]
    early = replicate(run, plan[:2], luck)
    later = replicate(run, plan, luck)
    assert [id(e) for e in later] == [id(e) for e in early]  # played on, not made again
    for a, b in zip(later, replicate(run.fork(), plan, luck), strict=True):
        assert a.now == b.now == 4 * HOURS_PER_WEEK
        same_run(a, b)
    # Other hours than before: made afresh.
    other = [dict(starter.plan_hours(), support=0.0)] * 4
    assert replicate(run, other, luck)[0] is not early[0]


def test_forked_just_after_a_midnight_removal(starter: Scenario) -> None:
    """Late tickets take users at midnight, at the hour the draw has reached: replicas made
    then (their funnels copied up to that hour only) still match a plain fork."""
    run = Engine(starter, 3, attribution=False)
    run.set_allocation(starter.plan_hours())
    for t in range(24, 3 * HOURS_PER_WEEK, 24):
        run.advance_to(t + 0.5)  # the midnight's work done, the clock inside the hour
        if run.funnel.drops[:, :, run._drawn_to].any():
            break
    else:
        pytest.fail("no users lost at a midnight in three weeks")
    plan = [starter.plan_hours()] * 2
    together = replicate(run, plan, [5, 6])
    same_run(together[0], replicate(run.fork(), plan, [5])[0], run._drawn_to)
