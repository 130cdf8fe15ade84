"""Adaptive policies: hours as a function of what the player observes, as a small rule table.

A rule table has base hours and rules; at each week's start the first rule whose condition
holds gives the week's hours, else the base does. A condition compares one observed feature
with a number (``backlog >= 40``, ``ahead:holiday < 2``). The features are what the player
sees at a week's start:

* ``week`` — the week about to start (1-based);
* ``reputation``, ``fatigue`` — the specialist's, now;
* ``backlog`` — support tickets waiting;
* ``event_live`` — 1 while an event is live, else 0;
* ``pace`` — the worst total KPI's value over the share of its goal due by now (1: on
  pace; below 1: behind); 1 when no total KPI has started;
* ``ahead:KIND`` — weeks until the next calendar happening of KIND starts (0: this week;
  99: none ahead). The calendar is public: the window shows it to the player.

A table is written as a YAML bot file and played with ``--policy adaptive:FILE.yaml``::

    adaptive: 1
    scenario: starter
    base: {copy: 10, events: 8, support: 12, ground: 6, analysis: 4}
    rules:
      - when: "ahead:holiday < 1"
        hours: {copy: 6, events: 16, support: 12, ground: 6, analysis: 4}
      - when: "backlog >= 60"
        hours: {copy: 8, events: 6, support: 20, ground: 2, analysis: 4}
    calendar: {holiday: [5], ticket_storm: [10]}
    totals: [[paying, 1, 12]]

The file is data (read with a safe loader, size-capped, every value checked).
"""

import math
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opssim.safeio import DataFileError, display_path, read_yaml_data
from opssim.scenario import Scenario
from opssim.sim import Snapshot

#: Largest bot file read, in bytes; most rules in one table.
MAX_BOT_BYTES = 100_000
MAX_RULES = 32

#: Features a condition may test (``ahead:KIND`` besides).
FEATURES = ("week", "reputation", "fatigue", "backlog", "event_live", "pace")
#: ``ahead:KIND`` when no happening of the kind is ahead.
NONE_AHEAD = 99.0

_CONDITION = re.compile(r"^\s*([a-z_]+(?::[a-z_]+)?)\s*(<|>=)\s*(-?[0-9]+(?:\.[0-9]+)?)\s*$")

Hours = tuple[tuple[str, float], ...]


class BotFileError(ValueError):
    """An adaptive bot file (or rule) that cannot be used; the message is one line."""


@dataclass(frozen=True)
class Rule:
    """When ``feature op threshold`` holds, play ``hours``."""

    feature: str
    op: str  # "<" or ">="
    threshold: float
    hours: Hours

    @property
    def condition(self) -> str:
        """The condition as written in a bot file: ``backlog >= 40``."""
        return f"{self.feature} {self.op} {self.threshold:g}"

    def holds(self, features: Mapping[str, float]) -> bool:
        """Whether the condition holds for these observed features."""
        value = features.get(self.feature, NONE_AHEAD if self.feature.startswith("ahead:")
                             else 0.0)
        return value < self.threshold if self.op == "<" else value >= self.threshold


@dataclass(frozen=True)
class RuleTable:
    """An adaptive policy: base hours and rules (the first that holds decides the week)."""

    base: Hours
    rules: tuple[Rule, ...]
    #: Start weeks (1-based) of the scenario's calendar happenings, by kind.
    calendar: tuple[tuple[str, tuple[int, ...]], ...] = ()
    #: The total KPIs' windows: (name, from_week, to_week), for ``pace``.
    totals: tuple[tuple[str, int, int], ...] = ()

    def __call__(self, snapshot: Snapshot) -> dict[str, float]:
        """This week's hours: the first rule that holds, else the base."""
        seen = features(snapshot, self.calendar, self.totals)
        for rule in self.rules:
            if rule.holds(seen):
                return dict(rule.hours)
        return dict(self.base)

    @property
    def key(self) -> str:
        """A short id of the table (its rows' policy column: ``adaptive:#1a2b3c4d``)."""
        return f"{zlib.crc32(repr((self.base, self.rules)).encode()):08x}"

    def describe(self) -> str:
        """One line: the base and each rule."""
        parts = [f"base {_fmt(self.base)}"]
        parts += [f"if {r.condition}: {_fmt(r.hours)}" for r in self.rules]
        return "; ".join(parts)


def features(snapshot: Snapshot, calendar: tuple[tuple[str, tuple[int, ...]], ...],
             totals: tuple[tuple[str, int, int], ...]) -> dict[str, float]:
    """What the player observes at the start of the week about to start."""
    week = snapshot.week + 1
    out = {
        "week": float(week),
        "reputation": float(snapshot.reputation),
        "fatigue": float(snapshot.fatigue),
        "backlog": float(snapshot.support.waiting),
        "event_live": 1.0 if snapshot.event_live else 0.0,
    }
    paces = []
    values = {k.kpi: k for k in snapshot.kpis}
    for name, first, last in totals:
        kpi = values.get(name)
        due = (week - first) / max(1, last - first + 1)  # share of the window gone by
        if kpi is not None and due > 0 and kpi.target:
            paces.append(kpi.actual / (kpi.target * min(1.0, due)))
    out["pace"] = float(min(paces)) if paces else 1.0
    for kind, starts in calendar:
        ahead = [s - week for s in starts if s >= week]
        out[f"ahead:{kind}"] = float(min(ahead)) if ahead else NONE_AHEAD
    return out


def context_of(scenario: Scenario) -> tuple[tuple[tuple[str, tuple[int, ...]], ...],
                                             tuple[tuple[str, int, int], ...]]:
    """The public facts a table reads besides the snapshot: the calendar's start weeks by
    kind, and the total KPIs' windows."""
    kinds: dict[str, list[int]] = {}
    for h in scenario.calendar:
        kinds.setdefault(h.kind, []).append(h.week)
    calendar = tuple((k, tuple(sorted(set(w)))) for k, w in sorted(kinds.items()))
    totals = tuple((k.name, k.from_week, k.to_week) for k in scenario.kpis if not k.weekly)
    return calendar, totals


def parse_condition(text: str, scenario: Scenario | None = None) -> tuple[str, str, float]:
    """``backlog >= 40`` as (feature, op, threshold); raises :class:`BotFileError`."""
    found = _CONDITION.match(text) if isinstance(text, str) else None
    if not found:
        raise BotFileError(f"condition {text!r}: expected FEATURE < NUMBER or FEATURE >= NUMBER"
                           f" (features: {', '.join(FEATURES)}, ahead:KIND)")
    feature, op, number = found.groups()
    if feature not in FEATURES and not feature.startswith("ahead:"):
        raise BotFileError(f"condition {text!r}: unknown feature {feature!r} (features: "
                           f"{', '.join(FEATURES)}, ahead:KIND)")
    return feature, op, float(number)


def to_yaml(table: RuleTable, scenario: Scenario, note: str = "") -> str:
    """The bot file of ``table`` (a comment line says where it came from)."""
    lines = ["# An adaptive policy for opssim: play it with --policy adaptive:THIS_FILE.",
             *(f"# {line}" for line in note.splitlines() if line),
             "adaptive: 1", f"scenario: {scenario.id}", f"base: {_flow(table.base)}"]
    lines.append("rules:" if table.rules else "rules: []")
    for r in table.rules:
        lines += [f'  - when: "{r.condition}"', f"    hours: {_flow(r.hours)}"]
    cal = ", ".join(f"{k}: [{', '.join(map(str, w))}]" for k, w in table.calendar)
    lines.append(f"calendar: {{{cal}}}")
    totals = ", ".join(f"[{n}, {a}, {b}]" for n, a, b in table.totals)
    lines.append(f"totals: [{totals}]")
    return "\n".join(lines) + "\n"


def load_table(path: str | Path, scenario: Scenario) -> RuleTable:
    """Read a bot file for ``scenario`` (raises :class:`BotFileError` with one line)."""
    try:
        data = read_yaml_data(path, MAX_BOT_BYTES, "bot")
    except DataFileError as exc:
        raise BotFileError(str(exc)) from None
    try:
        return table_of(data, scenario)
    except BotFileError as exc:
        raise BotFileError(f"{display_path(path)}: {exc}") from None


def table_of(data: Any, scenario: Scenario) -> RuleTable:
    """A :class:`RuleTable` from a bot file's data, checked against ``scenario``."""
    if not isinstance(data, dict) or data.get("adaptive") != 1:
        raise BotFileError("not an adaptive bot file (it starts with `adaptive: 1`)")
    unknown = set(data) - {"adaptive", "scenario", "base", "rules", "calendar", "totals"}
    if unknown:
        raise BotFileError(f"unknown key {sorted(map(str, unknown))[0]!r}")
    base = _hours(data.get("base"), scenario, "base")
    rules_data = data.get("rules", [])
    if not isinstance(rules_data, list) or len(rules_data) > MAX_RULES:
        raise BotFileError(f"rules: a list of at most {MAX_RULES} rules")
    rules = []
    for i, r in enumerate(rules_data):
        if not isinstance(r, dict) or set(r) != {"when", "hours"}:
            raise BotFileError(f"rules[{i}]: a rule has `when` and `hours`")
        try:
            feature, op, threshold = parse_condition(r["when"])
        except BotFileError as exc:
            raise BotFileError(f"rules[{i}]: {exc}") from None
        rules.append(Rule(feature, op, threshold, _hours(r["hours"], scenario, f"rules[{i}]")))
    calendar, totals = context_of(scenario)  # the scenario's own public facts decide
    return RuleTable(base, tuple(rules), calendar, totals)


def _hours(value: Any, scenario: Scenario, where: str) -> Hours:
    from .policy import PolicyError, check_hours  # policy imports this module

    if not isinstance(value, dict):
        raise BotFileError(f"{where}: expected hours per duty ({{copy: 10, ...}})")
    for duty, h in value.items():
        if isinstance(h, bool) or not isinstance(h, int | float) or not math.isfinite(h):
            raise BotFileError(f"{where}: hours for {duty!r} must be a number, got {h!r}")
    try:
        clean = check_hours({str(d): float(h) for d, h in value.items()}, scenario, where)
    except PolicyError as exc:
        raise BotFileError(str(exc)) from None
    return tuple(clean.items())


def _flow(hours: Hours) -> str:
    return "{" + ", ".join(f"{d}: {h:g}" for d, h in hours if h > 0) + "}"


def _fmt(hours: Hours) -> str:
    return ",".join(f"{d}={h:g}" for d, h in hours if h > 0)
