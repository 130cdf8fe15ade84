"""Property: any valid scenario, any allocations, any stepping — the engine neither crashes
nor creates or loses users.

Generated scenarios use every part of the format: the four core duties and, at random, the
optional ones, departments the work waits on, and calendar happenings. Support tickets and
churn may come from any stage, the last one included (removing users there twice in one hour
was once a bug).
"""

from json import dumps
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opssim.model import DUTY_IDS, AllocationError
from opssim.scenario import parse_scenario
from opssim.sim import HOURS_PER_WEEK, Engine

SHARE = st.floats(0, 1)
DELAY = st.one_of(
    st.builds(lambda m: {"exponential": m}, st.floats(0.1, 200)),
    st.builds(lambda m: {"fixed": m}, st.floats(0, 200)),
    st.builds(lambda a, b: {"uniform": {"low": min(a, b), "high": max(a, b)}},
              st.floats(0, 100), st.floats(0, 100)),
    st.builds(lambda m, s: {"lognormal": {"mean": m, "sd": s}},
              st.floats(0.5, 100), st.floats(0.1, 100)),
)


def curve(top: float) -> st.SearchStrategy[dict[str, Any]]:
    """A response curve of any kind whose largest effect is at most ``top``."""
    peak = st.floats(0, top)
    return st.one_of(
        st.builds(lambda m, h: {"curve": "saturating", "max": m, "half_at": h},
                  peak, st.floats(0.1, 50)),
        st.builds(lambda m, h: {"max": m, "half_at": h}, peak, st.floats(0.1, 50)),
        st.builds(lambda m, u: {"curve": "linear", "max": m, "per_unit": u},
                  peak, st.floats(0, 500)),
        st.builds(lambda m, a: {"curve": "threshold", "max": m, "at": a},
                  peak, st.floats(0, 30)),
    )


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(2, 5))
    ids = [f"s{i}" for i in range(n)]
    stage = st.sampled_from(ids)
    weeks = draw(st.integers(1, 2))
    stages = [{"id": "s0"}] + [
        {"id": ids[i], "convert": draw(SHARE), "delay_hours": draw(DELAY)} for i in range(1, n)
    ]
    tickets = draw(st.lists(st.one_of(
        st.builds(lambda s, p: {"from": s, "per_user": p}, stage, SHARE),
        st.builds(lambda s, p: {"from": s, "per_user_per_week": p}, stage, SHARE),
    ), max_size=3))
    departments = {"team": {"response_days": draw(DELAY),
                            "stall_chance": draw(SHARE),
                            "capacity": draw(st.integers(1, 3))}}
    needs = st.one_of(st.none(), st.builds(lambda k: {"department": "team", "every": k},
                                           st.integers(1, 3)))
    duties: dict[str, Any] = {
        "copy": {
            "hours_per_piece": draw(st.floats(0.5, 20)),
            "lifts": [{"stage": draw(stage), "curve": draw(curve(5))}],
            "stale_after_weeks": draw(st.integers(1, 3)),
            "needs": draw(needs),
        },
        "events": {
            "planning_hours": draw(st.floats(0.5, 30)),
            "live_days": draw(st.floats(0.01, 10)),
            "spike": {"enters": draw(stage), "users": draw(st.floats(0, 3000))},
            "lifts": [{"stage": draw(stage), "lift": draw(st.floats(0, 5))}],
            "needs": draw(needs),
            "data_collection_hours": draw(st.floats(0, 5)),
            "evidence": draw(st.floats(0, 10)),
        },
        "support": {
            "tickets": tickets,
            "minutes_per_ticket": draw(st.floats(0.1, 600)),
            "patience_hours": draw(st.floats(0.1, 100)),
            "lost_if_late": draw(SHARE),
            "complaint_after_hours": draw(st.one_of(st.none(), st.floats(0.1, 100))),
        },
        "ground": {
            "users": draw(curve(3000)),
            "enters": draw(stage),
            "intent": draw(st.floats(0.1, 3)),
        },
    }
    if draw(st.booleans()):
        duties["copy"]["reach"] = {"enters": draw(stage), "users": draw(curve(3000))}
    if draw(st.booleans()):
        duties["research"] = {"points_per_hour": draw(st.floats(0, 5))}
    if draw(st.booleans()):
        duties["partners"] = {"chance": draw(curve(1)),
                              "deal": {"enters": draw(stage),
                                       "users_per_week": draw(st.floats(0, 3000)),
                                       "weeks": draw(st.integers(1, 3))}}
    if draw(st.booleans()):
        duties["analysis"] = {"needs": draw(needs)}
    if draw(st.booleans()):
        duties["coordination"] = {}
    calendar = draw(st.lists(st.fixed_dictionaries({
        "kind": st.sampled_from(["holiday", "competitor", "outage", "ticket_storm", "other"]),
        "week": st.integers(1, weeks),
        "day": st.integers(1, 7),
        "hours": st.floats(0.5, 100),
        "arrivals_x": st.floats(0, 3),
        "convert_x": st.dictionaries(stage, st.floats(0, 3), max_size=2),
        "tickets": st.floats(0, 500),
        "tickets_from": stage,
    }), max_size=2))
    data: dict[str, Any] = {
        "format": 1,
        "id": "generated",
        "title": "generated",
        "weeks": weeks,
        "company": {"budget": draw(st.one_of(st.none(), st.floats(0, 10_000)))},
        "funnel": {"stages": stages},
        "channels": [
            {"id": f"c{i}", "enters": draw(stage), "per_week": draw(st.floats(0, 5000)),
             "intent": draw(st.floats(0.1, 3))}
            for i in range(draw(st.integers(1, 2)))
        ],
        "duties": duties,
        "departments": departments,
        "calendar": calendar,
        "reviews": {
            "every_weeks": draw(st.sampled_from([1, 2, 4])),
            "targets": [{"kpi": "k", "stage": draw(stage), "per_week": draw(st.floats(0, 3000))}],
        },
        "plan": {},
    }
    if draw(st.booleans()):
        data["funnel"]["churn"] = {"stage": draw(stage), "per_week": draw(SHARE)}
    return data


HOURS = st.floats(0, 13.75)
ALLOCATION = st.fixed_dictionaries(dict.fromkeys(DUTY_IDS, HOURS))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    data=scenarios(),
    allocations=st.lists(ALLOCATION, min_size=2, max_size=2),
    seed=st.integers(0, 2**32),
    step=st.floats(1.0, 30),
)
def test_random_scenarios_conserve_users(
    data: dict[str, Any], allocations: list[dict[str, float]], seed: int, step: float,
    conservation,
) -> None:
    # Every generated scenario is valid: a ScenarioError here is a bug in the generator (or the
    # loader), not a reason to skip the example.
    sc = parse_scenario(dumps(data), "generated.yaml")
    engine = Engine(sc, seed=seed)
    t = 0.0
    for week in range(sc.weeks):
        hours = {d: h for d, h in allocations[week].items() if d in sc.duty_ids}
        try:
            engine.set_allocation(hours)
        except AllocationError:
            assert sum(hours.values()) > sc.specialist.max_hours
        end = (week + 1) * HOURS_PER_WEEK
        probe = end - HOURS_PER_WEEK / 2
        while t < end and not engine.finished:
            t = min(t + step, end)
            engine.advance_to(t)
            if t >= probe:  # once mid-week (often between two events), and at the week's end
                conservation(engine)
                probe = end
    assert engine.finished
    assert engine.outcome in {"promoted", "kept", "fired"}
