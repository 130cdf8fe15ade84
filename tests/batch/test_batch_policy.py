"""Policies: ``plan``, ``even`` and ``fixed:DUTY=HOURS,...``; anything else is a PolicyError."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opssim.batch import Policy, PolicyError, parse_policy
from opssim.batch.run import run_engine
from opssim.model import DUTY_IDS
from opssim.model.records import WeekStarted
from opssim.scenario import Scenario
from opssim.sim import Engine

#: The starter scenario has every duty the game knows, none locked.
DUTIES = DUTY_IDS


def hours_of(policy: Policy, scenario: Scenario) -> dict[str, float]:
    return policy.hours(Engine(scenario, seed=0).snapshot())


def test_starter_has_every_duty(starter: Scenario) -> None:
    """The properties below draw duties from DUTY_IDS: the starter must allocate them all."""
    assert starter.duty_ids == DUTIES


def test_plan_is_the_scenarios_plan(starter: Scenario) -> None:
    hours = hours_of(parse_policy("plan", starter), starter)
    assert hours == starter.plan_hours()
    assert set(hours) == set(starter.duty_ids)
    # Duties the plan names get its hours; every other duty gets none (week 1's entry: the
    # starter gives its plan by week).
    first = starter.plan[1]
    assert all(hours[d] == first.get(d, 0.0) for d in starter.duty_ids)
    assert sum(hours.values()) == sum(first.values())


def test_even_splits_the_contract_hours(starter: Scenario) -> None:
    each = starter.specialist.contract_hours / len(starter.duty_ids)
    assert hours_of(parse_policy("even", starter), starter) == dict.fromkeys(DUTIES, each)


def test_fixed_names_some_duties_and_zeroes_the_rest(small: Scenario) -> None:
    policy = parse_policy("fixed:copy=10, support = 12.5", small)
    assert policy.spec == "fixed:copy=10, support = 12.5"
    assert hours_of(policy, small) == {"copy": 10.0, "events": 0.0, "support": 12.5,
                                       "ground": 0.0}


def test_policy_hours_are_a_fresh_dict_each_week(small: Scenario) -> None:
    policy = parse_policy("plan", small)
    first = hours_of(policy, small)
    first["copy"] = 999
    assert hours_of(policy, small)["copy"] == small.plan["copy"]


def test_a_run_uses_the_policy_every_week(small: Scenario) -> None:
    engine = run_engine(small, 0, parse_policy("fixed:ground=30", small))
    starts = [dict(r.allocation) for r in engine.events if isinstance(r, WeekStarted)]
    assert len(starts) == small.weeks
    assert all(s == {"copy": 0.0, "events": 0.0, "support": 0.0, "ground": 30.0} for s in starts)


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("random", "unknown policy"),
        ("", "unknown policy"),
        ("fixed", "unknown policy"),
        ("fixed:", "unknown policy"),
        ("even:3", "unknown policy"),
        ("PLAN", "unknown policy"),
        ("fixed:copy", "DUTY=HOURS"),
        ("fixed:=3", "DUTY=HOURS"),
        ("fixed:copy=1,,events=2", "DUTY=HOURS"),
        ("fixed:copy=1,copy=2", "twice"),
        ("fixed:copy=ten", "number"),
        ("fixed:copy=", "number"),
        ("fixed:teleport=3", "unknown duty"),
        ("fixed:Copy=3", "unknown duty"),
        ("fixed:copy=56", "at most 55"),
        ("fixed:copy=30,events=30", "at most 55"),
        ("fixed:copy=-1", ">= 0"),
        ("fixed:copy=nan", ">= 0"),
        ("fixed:copy=inf", ">= 0"),
        ("fixed:copy=1e400", ">= 0"),
    ],
)
def test_bad_policies_are_policy_errors(starter: Scenario, spec: str, says: str) -> None:
    with pytest.raises(PolicyError) as exc:
        parse_policy(spec, starter)
    assert says in str(exc.value)
    assert "\n" not in str(exc.value)


def test_policy_error_is_a_value_error() -> None:
    assert issubclass(PolicyError, ValueError)


# -- properties -------------------------------------------------------------------------------

HOURS = st.floats(min_value=0, max_value=40, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(DUTIES), HOURS, min_size=1))
def test_random_fixed_policies(starter: Scenario, hours: dict[str, float]) -> None:
    spec = "fixed:" + ",".join(f"{duty}={value!r}" for duty, value in hours.items())
    total = sum(hours.values())
    cap = starter.specialist.max_hours
    if total > cap + 1e-6:
        with pytest.raises(PolicyError, match="at most"):
            parse_policy(spec, starter)
        return
    if total > cap - 1e-6:
        return  # too close to call in floating point
    got = hours_of(parse_policy(spec, starter), starter)
    assert set(got) == set(DUTIES)
    for duty in DUTIES:
        assert got[duty] == hours.get(duty, 0.0)
    assert math.isclose(sum(got.values()), total)


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.text(max_size=40),
    st.builds(lambda body: "fixed:" + body,
              st.text(alphabet="copyeventsupportgroundresearchpartnersanalysiscoordination"
                      "=,.-+e0123456789 _:naif", max_size=40)),
))
def test_any_spec_is_a_policy_or_a_policy_error(starter: Scenario, spec: str) -> None:
    try:
        policy = parse_policy(spec, starter)
    except PolicyError as exc:
        assert str(exc)
        return
    hours = hours_of(policy, starter)
    assert set(hours) == set(DUTIES)
    assert all(math.isfinite(v) and v >= 0 for v in hours.values())
    assert sum(hours.values()) <= starter.specialist.max_hours + 1e-9
