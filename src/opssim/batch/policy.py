"""Policies: who decides the specialist's hours each week in a headless run.

A policy SPEC is a string:

* ``plan`` — the scenario's reference plan (the manager's allocation);
* ``even`` — the weekly contract hours split evenly over the duties;
* ``fixed:copy=10,events=8,support=12,ground=10`` — these hours every week (others zero).
"""

from collections.abc import Callable
from dataclasses import dataclass

from opssim.model import DUTY_IDS, Allocation, AllocationError
from opssim.scenario import Scenario
from opssim.sim import Snapshot


class PolicyError(ValueError):
    """A policy SPEC that cannot be used with this scenario."""


@dataclass(frozen=True)
class Policy:
    """A named rule that turns the week's snapshot into hours per duty."""

    spec: str
    decide: Callable[[Snapshot], dict[str, float]]

    def hours(self, snapshot: Snapshot) -> dict[str, float]:
        """Hours per duty for the week about to start."""
        return self.decide(snapshot)


def parse_policy(spec: str, scenario: Scenario) -> Policy:
    """Turn ``spec`` into a :class:`Policy` for ``scenario`` (raises :class:`PolicyError`)."""
    name, _, arg = spec.partition(":")
    duties = scenario.duty_ids
    if name == "plan" and not arg:
        hours = scenario.plan_hours()
    elif name == "even" and not arg:
        each = scenario.specialist.contract_hours / len(duties)
        hours = dict.fromkeys(duties, each)
    elif name == "fixed" and arg:
        hours = _parse_hours(arg)
    else:
        raise PolicyError(
            f"unknown policy {spec!r}: use plan, even or fixed:DUTY=HOURS,... "
            f"(duties: {', '.join(duties)})"
        )
    for duty in hours:
        if duty in scenario.company.locked:
            raise PolicyError(f"policy {spec!r}: duty {duty!r} is locked (colleagues do it)")
        if duty in DUTY_IDS and duty not in duties:
            raise PolicyError(f"policy {spec!r}: duty {duty!r} is not in this scenario")
    try:
        fixed = Allocation.build(hours, duties, scenario.specialist.max_hours).as_dict()
    except AllocationError as exc:
        raise PolicyError(f"policy {spec!r}: {exc}") from None
    return Policy(spec, lambda _snapshot: dict(fixed))


def _parse_hours(arg: str) -> dict[str, float]:
    hours: dict[str, float] = {}
    for part in arg.split(","):
        duty, eq, value = part.partition("=")
        duty = duty.strip()
        if not eq or not duty:
            raise PolicyError(f"expected DUTY=HOURS, got {part.strip()!r}")
        if duty in hours:
            raise PolicyError(f"duty {duty!r} given twice")
        try:
            hours[duty] = float(value)
        except ValueError:
            raise PolicyError(
                f"hours for {duty!r} must be a number, got {value.strip()!r}"
            ) from None
    return hours
