"""Policies: who decides the specialist's hours each week in a headless run.

A policy SPEC is a string:

* ``plan`` — the scenario's reference plan (the manager's allocation);
* ``even`` — the weekly contract hours split evenly over the duties;
* ``fixed:copy=10,events=8,support=12,ground=10`` — these hours every week (others zero);
* ``heavy:DUTY`` — 80% of the contract hours on one duty, the rest split evenly (the
  single-duty-heavy strategies that balancing checks for dominance);
* ``schedule:FILE.yaml`` — hours per week from a file, or inline
  ``schedule:1:copy=10,events=20;5:copy=16,support=12`` (each entry holds from its week on);
* ``module:function`` — a Python bot: ``function(snapshot)`` returns the hours for the week
  about to start, seeing only the player's (noisy) snapshot. A class named this way gets one
  fresh instance per run, called like a function, so it may keep state across weeks.

Every policy is picklable, so a batch can send it to worker processes or a cluster.
"""

import importlib
import inspect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from opssim.model import DUTY_IDS, Allocation, AllocationError
from opssim.scenario import Scenario
from opssim.sim import Engine, Snapshot

from .schedule import ScheduleError, load_schedule, parse_hours, parse_inline_schedule

#: Share of the contract hours that a ``heavy:DUTY`` policy puts on its duty.
HEAVY_SHARE = 0.8

#: Hours per duty, as a plain mapping.
Hours = Mapping[str, float]
Decide = Callable[[Snapshot], Hours]


class PolicyError(ValueError):
    """A policy SPEC that cannot be used with this scenario, or a bot that failed."""


@dataclass(frozen=True)
class FixedHours:
    """The same hours every week."""

    hours: tuple[tuple[str, float], ...]

    def __call__(self, snapshot: Snapshot) -> dict[str, float]:
        """This week's hours: always the same (a fresh dict each call)."""
        return dict(self.hours)


@dataclass(frozen=True)
class Schedule:
    """Hours that change by week: each ``(from_week, hours)`` entry holds until the next."""

    phases: tuple[tuple[int, tuple[tuple[str, float], ...]], ...]

    def __call__(self, snapshot: Snapshot) -> dict[str, float]:
        """The hours of the entry in force in the week about to start (1-based weeks)."""
        week = snapshot.week + 1
        hours = self.phases[0][1]
        for start, entry in self.phases:
            if start <= week:
                hours = entry
        return dict(hours)


@dataclass(frozen=True)
class Bot:
    """A Python policy named ``module:attribute``, imported where the run happens."""

    module: str
    attribute: str

    def target(self) -> Any:
        """The named object (imported once per process)."""
        return _import_attribute(self.module, self.attribute)

    def fresh(self) -> Decide:
        """The decider for one run: a new instance for a class, the function itself else."""
        target = self.target()
        return target() if inspect.isclass(target) else target

    def __call__(self, snapshot: Snapshot) -> Hours:
        """Ask the bot (a function; classes are used through :meth:`fresh`)."""
        return self.fresh()(snapshot)


@dataclass(frozen=True)
class Policy:
    """A named rule that turns the week's snapshot into hours per duty."""

    spec: str
    decide: Decide

    def hours(self, snapshot: Snapshot) -> dict[str, float]:
        """Hours per duty for the week about to start."""
        return dict(self.decide(snapshot))

    def start(self) -> Decide:
        """The decider for one run (a fresh bot instance when the bot keeps state)."""
        fresh = getattr(self.decide, "fresh", None)
        return fresh() if callable(fresh) else self.decide

    @property
    def constant_hours(self) -> dict[str, float] | None:
        """The weekly hours when they never change (``plan``, ``even``, ``fixed``, ``heavy``)."""
        return dict(self.decide.hours) if isinstance(self.decide, FixedHours) else None


def parse_policy(spec: str, scenario: Scenario) -> Policy:
    """Turn ``spec`` into a :class:`Policy` for ``scenario`` (raises :class:`PolicyError`)."""
    name, _, arg = spec.partition(":")
    duties = scenario.duty_ids
    if name == "plan" and not arg:
        return _fixed(spec, scenario.plan_hours(), scenario)
    if name == "even" and not arg:
        each = scenario.specialist.contract_hours / len(duties)
        return _fixed(spec, dict.fromkeys(duties, each), scenario)
    if name == "fixed" and arg:
        return _fixed(spec, _parse_hours(arg), scenario)
    if name == "heavy" and arg:
        return _fixed(spec, heavy_hours(arg.strip(), scenario), scenario)
    if name == "schedule" and arg:
        return _schedule(spec, arg, scenario)
    if _is_bot_spec(name, arg):
        return _bot(spec, name, arg, scenario)
    raise PolicyError(
        f"unknown policy {spec!r}: use plan, even, fixed:DUTY=HOURS,..., heavy:DUTY, "
        f"schedule:FILE.yaml or module:function (duties: {', '.join(duties)})"
    )


def heavy_hours(duty: str, scenario: Scenario) -> dict[str, float]:
    """80% of the contract hours on ``duty``, the rest split evenly over the other duties."""
    duties = scenario.duty_ids
    if duty not in duties:
        raise PolicyError(f"heavy:{duty}: no such duty to allocate (duties: {', '.join(duties)})")
    contract = scenario.specialist.contract_hours
    rest = round(contract * (1 - HEAVY_SHARE) / max(1, len(duties) - 1), 2)
    hours = {d: rest for d in duties}
    hours[duty] = round(contract * HEAVY_SHARE, 2) if len(duties) > 1 else contract
    return hours


def check_hours(hours: Hours, scenario: Scenario, what: str) -> dict[str, float]:
    """Validate one week's ``hours`` for ``scenario``; unnamed duties get zero."""
    for duty in hours:
        if duty in scenario.company.locked:
            raise PolicyError(f"{what}: duty {duty!r} is locked (colleagues do it)")
        if duty in DUTY_IDS and duty not in scenario.duty_ids:
            raise PolicyError(f"{what}: duty {duty!r} is not in this scenario")
    try:
        return Allocation.build(hours, scenario.duty_ids, scenario.specialist.max_hours).as_dict()
    except AllocationError as exc:
        raise PolicyError(f"{what}: {exc}") from None


def _fixed(spec: str, hours: Hours, scenario: Scenario) -> Policy:
    clean = check_hours(hours, scenario, f"policy {spec!r}")
    return Policy(spec, FixedHours(tuple(clean.items())))


def _schedule(spec: str, arg: str, scenario: Scenario) -> Policy:
    try:
        raw = parse_inline_schedule(arg) if _INLINE_SCHEDULE.match(arg) else load_schedule(arg)
    except ScheduleError as exc:
        raise PolicyError(f"policy {spec!r}: {exc}") from None
    phases = []
    for week, hours in raw:  # entries past the scenario's end never apply (a shorter cut)
        clean = check_hours(hours, scenario, f"policy {spec!r} week {week}")
        phases.append((week, tuple(clean.items())))
    return Policy(spec, Schedule(tuple(phases)))


_INLINE_SCHEDULE = re.compile(r"^\s*\d+\s*:")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def _is_bot_spec(name: str, arg: str) -> bool:
    return bool(_IDENT.match(name) and _IDENT.match(arg)) and name not in (
        "plan", "even", "fixed", "heavy", "schedule",
    )


def _bot(spec: str, module: str, attribute: str, scenario: Scenario) -> Policy:
    """Import the bot here, so a missing module or a bot that fails is caught before a batch."""
    bot = Bot(module, attribute)
    try:
        target = bot.target()
    except PolicyError as exc:
        raise PolicyError(f"policy {spec!r}: {exc}") from None
    if not callable(target):
        raise PolicyError(f"policy {spec!r}: {module}.{attribute} is not a function or class")
    policy = Policy(spec, bot)
    # A trial week on a fresh engine: a bot that raises or returns nonsense fails now.
    decide_week(policy.start(), Engine(scenario, seed=0).snapshot(), scenario, spec, seed=0)
    return policy


def decide_week(
    decide: Decide, snapshot: Snapshot, scenario: Scenario, spec: str, seed: int
) -> dict[str, float]:
    """Ask ``decide`` for the week's hours; any failure becomes a one-line PolicyError."""
    where = f"seed {seed}, week {snapshot.week + 1}"
    try:
        hours = decide(snapshot)
    except Exception as exc:
        message = " ".join(str(exc).split()) or "(no message)"
        raise PolicyError(
            f"policy {spec!r} raised {type(exc).__name__}: {message} ({where})"
        ) from None
    if not isinstance(hours, Mapping):
        raise PolicyError(
            f"policy {spec!r} returned {type(hours).__name__}, not a mapping of duty to "
            f"hours ({where})"
        )
    return check_hours(hours, scenario, f"policy {spec!r} ({where})")


@cache
def _import_attribute(module: str, attribute: str) -> Any:
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            raise PolicyError(f"no module named {module!r} (is it on the path?)") from None
        raise PolicyError(f"importing {module!r} failed: {exc}") from None
    except Exception as exc:
        message = " ".join(str(exc).split())
        raise PolicyError(f"importing {module!r} raised {type(exc).__name__}: {message}") from None
    try:
        return getattr(mod, attribute)
    except AttributeError:
        raise PolicyError(f"module {module!r} has no {attribute!r}") from None


def _parse_hours(arg: str) -> dict[str, float]:
    try:
        return parse_hours(arg)
    except ValueError as exc:
        raise PolicyError(str(exc)) from None
