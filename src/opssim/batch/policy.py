"""Policies: who decides the specialist's hours each week in a headless run.

A policy SPEC is a string:

* ``plan`` — the scenario's reference plan (the manager's allocation; a plan by week plays
  as a schedule);
* ``even`` — the weekly contract hours split evenly over the duties;
* ``fixed:copy=10,events=8,support=12,ground=10`` — these hours every week (others zero);
* ``heavy:DUTY`` — 80% of the contract hours on one duty, the rest split evenly (the
  single-duty-heavy strategies that balancing checks for dominance);
* ``schedule:FILE.yaml`` — hours per week from a file, or inline
  ``schedule:1:copy=10,events=20;5:copy=16,support=12`` (each entry holds from its week on);
* ``adaptive:FILE.yaml`` — a rule table that reacts to what the player observes (backlog,
  KPI pace, fatigue, an event live, a calendar happening ahead), as ``opssim optimize
  --adaptive`` writes it (:mod:`opssim.batch.adaptive`);
* ``module:function`` — a Python bot: ``function(snapshot)`` returns the hours for the week
  about to start, seeing only the player's (noisy) snapshot. A class named this way gets one
  fresh instance per run, called like a function, so it may keep state across weeks.

Incident cards are answered by the bot's ``choose(incident, snapshot)`` (a method of the
class, or an attribute of the function), which returns a choice's index or id; every other
policy, and a bot without ``choose``, takes the card's default.

Every policy is picklable, so a batch can send it to worker processes or a cluster.

A bot is untrusted in one way: it may fail. Whatever it does (raise, ``sys.exit``, return
nonsense, run past :data:`DEFAULT_TIME_LIMIT` seconds on one decision) ends the run with one
:class:`PolicyError` line naming the seed and week. The time limit is a ``SIGALRM`` timer,
so it holds where decisions are made on a process's main thread (``run``, ``play``, local
batch workers); on a Dask worker thread a decision runs without one.
"""

import importlib
import inspect
import math
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

from opssim.model import DUTY_IDS, Allocation, AllocationError
from opssim.scenario import Scenario
from opssim.scenario.schema import Incident
from opssim.sim import Engine, Snapshot
from opssim.sim.incidents import Chooser, default_choice

from .adaptive import BotFileError, RuleTable, load_table
from .schedule import ScheduleError, load_schedule, parse_hours, parse_inline_schedule

#: Share of the contract hours that a ``heavy:DUTY`` policy puts on its duty.
HEAVY_SHARE = 0.8

#: Seconds one decision of a bot may take by default (a bot takes milliseconds).
from opssim.limits import DEFAULT_TIME_LIMIT  # noqa: E402  (shown by the cli's help)

#: Hours per duty, as a plain mapping.
Hours = Mapping[str, float]
Decide = Callable[[Snapshot], Hours]


class PolicyError(ValueError):
    """A policy SPEC that cannot be used with this scenario, or a bot that failed."""


class _TimeUp(BaseException):
    """Raised inside a bot past its time limit (a BaseException, so a bot's own
    ``except Exception`` does not swallow it)."""


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
    time_limit: float | None = DEFAULT_TIME_LIMIT  # seconds per decision; None: no limit

    def hours(self, snapshot: Snapshot) -> dict[str, float]:
        """Hours per duty for the week about to start."""
        return dict(self.decide(snapshot))

    def start(self, seed: int | None = None) -> Decide:
        """The decider for one run (a fresh bot instance when the bot keeps state); a bot
        class whose ``__init__`` fails raises :class:`PolicyError` (naming ``seed``)."""
        fresh = getattr(self.decide, "fresh", None)
        if not callable(fresh):
            return self.decide
        where = "" if seed is None else f" (seed {seed}, before week 1)"
        try:
            with time_limit(self.time_limit):
                return fresh()
        except PolicyError as exc:
            raise PolicyError(f"policy {self.spec!r}: {exc}{where}") from None
        except _TimeUp:
            raise PolicyError(f"policy {self.spec!r}: creating the bot took longer than "
                              f"{self.time_limit:g} s{where}") from None
        except (Exception, SystemExit) as exc:
            raise PolicyError(f"policy {self.spec!r}: creating the bot raised "
                              f"{_described(exc)}{where}") from None

    @property
    def constant_hours(self) -> dict[str, float] | None:
        """The weekly hours when they never change (``plan``, ``even``, ``fixed``, ``heavy``)."""
        return dict(self.decide.hours) if isinstance(self.decide, FixedHours) else None


def parse_policy(spec: str, scenario: Scenario,
                 time_limit: float | None = DEFAULT_TIME_LIMIT) -> Policy:
    """Turn ``spec`` into a :class:`Policy` for ``scenario`` (raises :class:`PolicyError`);
    a bot's decisions may take ``time_limit`` seconds each."""
    name, _, arg = spec.partition(":")
    duties = scenario.duty_ids
    if name == "plan" and not arg:
        if scenario.plan_changes:  # a plan by week plays as a schedule
            return _phases(spec, [(w, h) for w, h in scenario.plan_phases], scenario)
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
    if name == "adaptive" and arg:
        return _adaptive(spec, arg, scenario)
    if _is_bot_spec(name, arg):
        return _bot(spec, name, arg, scenario, time_limit)
    raise PolicyError(
        f"unknown policy {spec!r}: use plan, even, fixed:DUTY=HOURS,..., heavy:DUTY, "
        f"schedule:FILE.yaml, adaptive:FILE.yaml or module:function (duties: {', '.join(duties)})"
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
    except (AllocationError, OverflowError) as exc:
        raise PolicyError(f"{what}: {_oneline(exc)}") from None


def _fixed(spec: str, hours: Hours, scenario: Scenario) -> Policy:
    clean = check_hours(hours, scenario, f"policy {spec!r}")
    return Policy(spec, FixedHours(tuple(clean.items())))


def _schedule(spec: str, arg: str, scenario: Scenario) -> Policy:
    try:
        raw = parse_inline_schedule(arg) if _INLINE_SCHEDULE.match(arg) else load_schedule(arg)
    except ScheduleError as exc:
        raise PolicyError(f"policy {spec!r}: {exc}") from None
    return _phases(spec, raw, scenario)


def _phases(spec: str, raw: list[tuple[int, dict[str, float]]], scenario: Scenario) -> Policy:
    phases = []
    for week, hours in raw:  # entries past the scenario's end never apply (a shorter cut)
        clean = check_hours(hours, scenario, f"policy {spec!r} week {week}")
        phases.append((week, tuple(clean.items())))
    return Policy(spec, Schedule(tuple(phases)))


def _adaptive(spec: str, arg: str, scenario: Scenario) -> Policy:
    try:
        return Policy(spec, load_table(arg, scenario))
    except BotFileError as exc:
        raise PolicyError(f"policy {spec!r}: {exc}") from None


_INLINE_SCHEDULE = re.compile(r"^\s*\d+\s*:")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def _is_bot_spec(name: str, arg: str) -> bool:
    return bool(_IDENT.match(name) and _IDENT.match(arg)) and name not in (
        "plan", "even", "fixed", "heavy", "schedule", "adaptive",
    )


def _bot(spec: str, module: str, attribute: str, scenario: Scenario,
         limit: float | None) -> Policy:
    """Import the bot here, so a missing module or a bot that fails is caught before a batch."""
    bot = Bot(module, attribute)
    try:
        with time_limit(limit):
            target = bot.target()
    except PolicyError as exc:
        raise PolicyError(f"policy {spec!r}: {exc}") from None
    except _TimeUp:
        raise PolicyError(f"policy {spec!r}: importing {module!r} took longer than "
                          f"{limit:g} s") from None
    if not callable(target):
        raise PolicyError(f"policy {spec!r}: {module}.{attribute} is not a function or class")
    policy = Policy(spec, bot, limit)
    # A trial week on a fresh engine: a bot that raises or returns nonsense fails now.
    decide_week(policy.start(seed=0), Engine(scenario, seed=0).snapshot(), scenario, spec,
                seed=0, limit=limit)
    return policy


def decide_week(
    decide: Decide, snapshot: Snapshot, scenario: Scenario, spec: str, seed: int,
    limit: float | None = DEFAULT_TIME_LIMIT,
) -> dict[str, float]:
    """Ask ``decide`` for the week's hours within ``limit`` seconds; any failure (an
    exception, ``sys.exit``, nonsense returned, time up) becomes a one-line PolicyError."""
    where = f"seed {seed}, week {snapshot.week + 1}"
    if isinstance(decide, FixedHours | Schedule | RuleTable):  # our own rules: no timer
        limit = None
    try:
        with time_limit(limit):
            hours = _plain_hours(decide(snapshot))
    except _TimeUp:
        raise PolicyError(f"policy {spec!r} took longer than {limit:g} s to decide "
                          f"({where})") from None
    except _Returned as exc:
        raise PolicyError(f"policy {spec!r} returned {exc} ({where})") from None
    except (Exception, SystemExit) as exc:
        raise PolicyError(f"policy {spec!r} raised {_described(exc)} ({where})") from None
    return check_hours(hours, scenario, f"policy {spec!r} ({where})")


def incident_chooser(decide: Decide, spec: str, seed: int,
                     limit: float | None = DEFAULT_TIME_LIMIT) -> Chooser:
    """The engine's chooser for a run decided by ``decide``: its ``choose`` (checked, within
    ``limit`` seconds) if it has one, else each card's default."""
    choose = getattr(decide, "choose", None)
    if not callable(choose):
        return default_choice

    def ask(card: Incident, engine: Engine) -> int:
        return choose_incident(choose, card, engine.snapshot(), spec, seed, limit)

    return ask


def choose_incident(choose: Callable[[Incident, Snapshot], object], card: Incident,
                    snapshot: Snapshot, spec: str, seed: int,
                    limit: float | None = DEFAULT_TIME_LIMIT) -> int:
    """Ask ``choose`` for its answer to ``card``: the choice's index. A failure (an exception,
    time up, an answer that names no choice) is a one-line PolicyError."""
    where = f"seed {seed}, week {snapshot.week + 1}, incident {card.id!r}"
    try:
        with time_limit(limit):
            raw = choose(card, snapshot)
    except _TimeUp:
        raise PolicyError(f"policy {spec!r} took longer than {limit:g} s to choose "
                          f"({where})") from None
    except (Exception, SystemExit) as exc:
        raise PolicyError(f"policy {spec!r} raised {_described(exc)} choosing ({where})"
                          ) from None
    ids = [c.id for c in card.choices]
    if isinstance(raw, str) and raw in ids:
        return ids.index(raw)
    if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw < len(ids):
        return raw
    raise PolicyError(f"policy {spec!r} chose {_brief(raw)}: not one of 0..{len(ids) - 1} or "
                      f"{', '.join(ids)} ({where})")


class _Returned(Exception):
    """What a bot returned cannot be hours (the message says what it was)."""


def _plain_hours(raw: object) -> dict[str, float]:
    """A bot's answer as a plain dict of duty to hours, read once (a mapping whose
    iteration raises, or numbers too large for a float, fail here)."""
    if not isinstance(raw, Mapping):
        raise _Returned(f"{type(raw).__name__}, not a mapping of duty to hours")
    out: dict[str, float] = {}
    for duty, value in raw.items():
        if not isinstance(duty, str):
            raise _Returned(f"a key {_brief(duty)}: duties are strings")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Returned(f"{_brief(value)} as the hours for {_brief(duty)}: not a number")
        try:
            hours = float(value)
        except OverflowError:
            hours = math.inf
        if not math.isfinite(hours):
            raise _Returned(f"{_brief(value)} as the hours for {_brief(duty)}: not a finite "
                            f"number")
        out[duty] = hours
    return out


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`_TimeUp` in the code inside past ``seconds`` (main thread, POSIX only;
    elsewhere, or with ``None``, no limit)."""
    usable = (seconds is not None and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def up(signum: int, frame: object) -> None:
        raise _TimeUp

    old = signal.signal(signal.SIGALRM, up)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)  # an outer alarm (the fuzzer's)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        if outer > 0:  # give the outer alarm back what is left of it
            signal.setitimer(signal.ITIMER_REAL, max(1e-3, outer - (time.monotonic() - started)))


def _described(exc: BaseException) -> str:
    """``ValueError: message`` on one line, cut to a readable length."""
    if isinstance(exc, SystemExit):
        return f"SystemExit (it called sys.exit({_brief(exc.code)}))"
    return f"{type(exc).__name__}: {_oneline(exc) or '(no message)'}"


def _oneline(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:  # a bot's exception whose __str__ fails
        text = "(its message cannot be shown)"
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:299] + "…"


def _brief(value: object) -> str:
    try:
        text = repr(value)
    except Exception:
        text = f"a {type(value).__name__}"
    return text if len(text) <= 40 else text[:39] + "…"


@cache
def _import_attribute(module: str, attribute: str) -> Any:
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            raise PolicyError(f"no module named {module!r} (is it on the path?)") from None
        raise PolicyError(f"importing {module!r} failed: {exc}") from None
    except (Exception, SystemExit) as exc:
        raise PolicyError(f"importing {module!r} raised {_described(exc)}") from None
    try:
        return getattr(mod, attribute)
    except AttributeError:
        raise PolicyError(f"module {module!r} has no {attribute!r}") from None


def _parse_hours(arg: str) -> dict[str, float]:
    try:
        return parse_hours(arg)
    except ValueError as exc:
        raise PolicyError(str(exc)) from None
