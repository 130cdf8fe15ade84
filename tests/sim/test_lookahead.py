"""Look-ahead: forks of a paused run that play the coming week; the run itself never moves."""

import numpy as np
import pytest

from opssim.scenario import Scenario
from opssim.sim import HOURS_PER_WEEK, Engine
from opssim.sim.lookahead import Lookahead
from opssim.sim.record import state_checksum


def at_week(sc: Scenario, week: int, seed: int = 0) -> Engine:
    """A run of the manager's plan paused at the start of 0-based ``week``."""
    e = Engine(sc, seed=seed)
    for w in range(week):
        e.set_allocation(sc.plan_hours())
        e.advance_to((w + 1) * HOURS_PER_WEEK)
    return e


def test_same_seed_same_fan(starter: Scenario) -> None:
    a = Lookahead(at_week(starter, 2), starter.plan_hours(), ()).finish().fan()
    b = Lookahead(at_week(starter, 2), starter.plan_hours(), ()).finish().fan()
    assert a is not None and b is not None
    for kpi in a.runs:
        assert np.array_equal(a.runs[kpi], b.runs[kpi])
    assert a.hours == (*range(0, HOURS_PER_WEEK, 24), HOURS_PER_WEEK)


def test_steps_per_call_do_not_change_the_numbers(starter: Scenario) -> None:
    e = at_week(starter, 1)
    whole = Lookahead(e, starter.plan_hours(), ("ground",), fan_runs=4, effect_runs=2).finish()
    sliced = Lookahead(e, starter.plan_hours(), ("ground",), fan_runs=4, effect_runs=2)
    while not sliced.done:
        assert sliced.work(1) <= 1
    assert np.array_equal(whole.fan().runs["signups"], sliced.fan().runs["signups"])
    assert whole.effect("ground") == sliced.effect("ground")


def test_look_ahead_never_disturbs_the_run(starter: Scenario) -> None:
    def play(look: bool) -> list[str]:
        e = Engine(starter, seed=3)
        sums = []
        for w in range(3):
            if look:
                la = Lookahead(e, starter.plan_hours(), starter.duty_ids, fan_runs=3,
                               effect_runs=1)
                la.work(40)  # half done: the run moves on under an unfinished look-ahead
            e.set_allocation(starter.plan_hours())
            e.advance_to((w + 1) * HOURS_PER_WEEK)
            if look:
                la.finish()
            sums.append(state_checksum(e))
        return sums

    assert play(True) == play(False)


def test_the_fan_spreads_and_the_run_lands_in_it(starter: Scenario) -> None:
    e = at_week(starter, 3)
    fan = Lookahead(e, starter.plan_hours(), ()).finish().fan()
    assert fan is not None
    lo, mid, hi = (fan.quantile("signups", q)[-1] for q in (0.1, 0.5, 0.9))
    assert lo < mid < hi
    assert np.all(np.diff(fan.quantile("signups", 0.5)) >= 0)  # a count only grows in a week
    e.set_allocation(starter.plan_hours())
    e.advance_to(4 * HOURS_PER_WEEK)
    actual = e.entered("signup", 3 * HOURS_PER_WEEK, 4 * HOURS_PER_WEEK)
    assert 0 < fan.percentile("signups", actual) < 100
    assert fan.percentile("signups", -1) == 0 and fan.percentile("signups", 10**9) == 100


@pytest.fixture(scope="module")
def week4(starter: Scenario) -> Lookahead:
    """Week 4 of the starter on the plan, with twelve paired runs per extra hour."""
    return Lookahead(at_week(starter, 3), starter.plan_hours(), ("ground", "copy", "analysis"),
                     fan_runs=12, effect_runs=12).finish()


def test_one_more_hour_pays_where_the_model_says(week4: Lookahead) -> None:
    """Ground brings visitors at once: one more hour adds sign-ups this week, every pair of
    runs agreeing (same luck). Copy pays later — an hour more finishes a piece a little
    sooner — so within the week its hour moves sign-ups far less than ground's."""
    ground, copy = week4.effect("ground"), week4.effect("copy")
    assert ground is not None and copy is not None
    assert ground.mean["signups"] > 0 and min(ground.runs["signups"]) >= 0
    assert abs(copy.mean["signups"]) < ground.mean["signups"]


def test_an_hour_that_moves_no_stage_moves_less(week4: Lookahead) -> None:
    """Analysis only clears the dashboard: its extra hour moves sign-ups less than ground's
    (what is left is the hour's fatigue and the streams it shifts)."""
    ground, analysis = week4.effect("ground"), week4.effect("analysis")
    assert ground is not None and analysis is not None
    assert abs(analysis.mean["signups"]) < ground.mean["signups"]


def test_a_full_week_has_no_extra_hour(starter: Scenario) -> None:
    full = dict(starter.plan_hours())
    full["copy"] += starter.specialist.max_hours - sum(full.values())
    la = Lookahead(at_week(starter, 0), full, starter.duty_ids, fan_runs=2)
    assert la.duties == () and la.effect("copy") is None


def test_preferred_duty_is_ready_first(starter: Scenario) -> None:
    la = Lookahead(at_week(starter, 0), starter.plan_hours(), starter.duty_ids, fan_runs=2,
                   effect_runs=2)
    la.prefer("support")
    while la.effect("support") is None:
        la.work(1)
    assert la.fan() is not None
    assert all(la.effect(d) is None for d in starter.duty_ids if d != "support")


def test_a_budget_stops_after_one_step_at_least(starter: Scenario) -> None:
    la = Lookahead(at_week(starter, 0), starter.plan_hours(), (), fan_runs=2)
    assert la.work(50, budget=0.0) == 1
    assert la.work(3) == 3


def test_this_weeks_hour_is_followed_to_the_end(small: Scenario) -> None:
    """Past the week, paired runs differ only by this week's extra hour: ground's users of this
    week still count by the end, and the week's own numbers are ready first."""
    e = at_week(small, 1)
    la = Lookahead(e, small.plan_hours(), ("ground",), fan_runs=3, effect_runs=3, long_runs=4)
    assert la.marks == {"end": small.weeks * HOURS_PER_WEEK}
    while not la.done:
        la.work(1)
    assert la.effect("ground") is not None and la.later("ground") is None
    assert not la.later_done
    later = la.finish().later("ground")
    assert later is not None and la.later_done
    # Ground brings users only while worked: by the end, the hour has added about what it
    # added this week (the later weeks differ by luck alone, paired).
    week = la.effect("ground").mean["visits"]
    low, high = later.interval("end", "visits")
    assert len(later.runs["end"]["visits"]) == 4 and week > 0 and low <= week <= high
    again = Lookahead(at_week(small, 1), small.plan_hours(), ("ground",), fan_runs=3,
                      effect_runs=3, long_runs=4).finish().later("ground")
    assert again == later  # the same state, the same numbers
