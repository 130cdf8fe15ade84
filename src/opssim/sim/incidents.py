"""Incidents: the scenario's cards, checked at the start of each working day but the first of the
week, fired mid-week and answered with a choice whose effects apply at once.

Which card fires is drawn from the ``incidents`` stream keyed by day, and a choice's ranges
from ``incident:ID`` keyed by day, always the same number of draws: two runs of one seed see
the same luck whatever they chose before (common random numbers). A card fires on a day with
chance ``1 - exp(-W / checks)``, ``W`` the summed weights of the cards that can fire and
``checks`` the checks a week, then one card is picked in proportion to its weight.

Who answers is the :attr:`Incidents.chooser`: the card's default (forks and re-runs, every
policy without ``choose``), a policy's rule, a recording's choices, or :data:`ASK` — the run
then stops at the card's hour (:meth:`Incidents.ready` is false) until :meth:`Incidents.answer`.
"""

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

import numpy as np

from opssim.model.records import IncidentAnswered
from opssim.scenario.schema import Incident, When
from opssim.scenario.schema.incidents import bounds
from opssim.sim.clock import HOURS_PER_DAY, HOURS_PER_WEEK
from opssim.sim.clone import clone
from opssim.sim.workweek import Block

if TYPE_CHECKING:
    from opssim.sim.engine import Engine

#: Who answers a card: ``chooser(card, engine)`` returns a choice's index.
Chooser = Callable[[Incident, "Engine"], int]

#: The effects drawn from a range, in the order their numbers are drawn.
AMOUNTS = ("hours", "fatigue", "reputation", "budget", "evidence")


def default_choice(card: Incident, engine: "Engine") -> int:
    """The card's default."""
    return card.default_index


#: The chooser that stops the run and waits for :meth:`Incidents.answer` (the window).
ASK: Chooser | None = None


class Incidents:
    """The incident cards of one run: their cooldowns, counts, the effects under way, and the
    choices made so far (``history``: ``(hour, card id, choice id)``)."""

    def __init__(self, engine: "Engine") -> None:
        self.engine = engine
        self.cards = engine.scenario.incidents
        self.chooser: Chooser | None = default_choice
        self.fired = [0] * len(self.cards)
        self.last = [-(10**9)] * len(self.cards)  # hour each card last fired
        #: The card waiting for an answer (its index), with the run stopped at its hour.
        self.waiting: int | None = None
        self.history: list[tuple[int, str, str]] = []
        #: Funnel effects under way: (until hour, arrivals multiplier, {stage: multiplier}).
        self.funnel: list[tuple[int, float, dict[str, float]]] = []
        days = engine.scenario.specialist.workweek.days
        self.checks_per_week = days - 1
        if not self.cards:
            return
        for week in range(engine.scenario.weeks):
            for d in range(1, days):
                day = week * 7 + d
                engine.agenda.schedule(day * HOURS_PER_DAY, "incidents", "_check", day)

    def __deepcopy__(self, memo: dict) -> "Incidents":
        # A fork (a re-run, a look-ahead) answers with the cards' defaults: the manager's way.
        twin = Incidents.__new__(Incidents)
        memo[id(self)] = twin
        for name, value in self.__dict__.items():
            if name != "chooser":  # a policy's or a recording's: not the fork's
                setattr(twin, name, clone(value, memo))
        twin.chooser = default_choice
        return twin

    # -- the engine's hooks ------------------------------------------------------------------

    def ready(self) -> bool:
        """Whether the run may go on: no card waits, or the chooser has answered it now."""
        if self.waiting is None:
            return True
        if self.chooser is None:
            return False
        self.answer(self._ask(self.cards[self.waiting]))
        return True

    def arrivals_x(self) -> float:
        """The multiplier on channel and partner arrivals from effects under way."""
        x = 1.0
        for _, arrivals, _ in self.funnel:
            x *= arrivals
        return x

    def convert_x(self) -> list[tuple[str, float]]:
        """Multipliers on stages' conversion from effects under way."""
        return [item for _, _, conv in self.funnel for item in conv.items()]

    # -- firing ------------------------------------------------------------------------------

    def _check(self, day: int) -> None:
        """A working day starts: maybe one card fires.

        The day's two numbers come first (a fresh stream: the same luck whichever cards can
        fire). The costly conditions — the support backlog, then a KPI's pace, which draw the
        funnel up to now — are read only while they could matter: while the day's number is
        under the chance of firing were every card not yet ruled out able, which bounds the
        chance whatever the conditions still unread say."""
        e = self.engine
        if e.finished:
            return
        cards, hour = self.cards, e.hour
        maybe = [i for i, c in enumerate(cards) if self._may_fire(i, c, hour)]
        if not maybe:
            return  # nothing to decide: the day's numbers would be read by nobody
        u, pick = e.streams.fresh("incidents", day).random(2)
        checks = max(1, self.checks_per_week)
        cache: dict[str, object] = {}
        for holds in (backlog_holds, pace_holds):
            bound = sum(cards[i].weight for i in maybe)
            # With a margin: the bound is summed unlike the total below.
            if u >= 1.0 - math.exp(-bound / checks) + 1e-12:
                return
            maybe = [i for i in maybe if holds(cards[i].when, e, cache)]
        able = maybe
        if not able:
            return
        weights = np.array([cards[i].weight for i in able])
        total = float(weights.sum())
        if u >= 1.0 - math.exp(-total / checks):
            return
        i = able[min(len(able) - 1, int(np.searchsorted(np.cumsum(weights) / total, pick,
                                                        side="right")))]
        self.fired[i] += 1
        self.last[i] = e.hour
        self.waiting = i
        if self.chooser is not None:
            self.answer(self._ask(cards[i]))

    def _ask(self, card: Incident) -> int:
        assert self.chooser is not None
        k = int(self.chooser(card, self.engine))
        if not 0 <= k < len(card.choices):
            raise ValueError(f"incident {card.id!r}: no choice {k}")
        return k

    def _may_fire(self, i: int, card: Incident, hour: int) -> bool:
        """Whether card ``i`` passes its count, its cooldown and the cheap conditions at
        ``hour`` (now)."""
        if self.fired[i] >= card.max_per_run:
            return False
        if hour - self.last[i] < card.cooldown_days * HOURS_PER_DAY:
            return False
        return cheap_holds(card.when, self.engine, hour)

    # -- answering ---------------------------------------------------------------------------

    def answer(self, k: int) -> None:
        """Answer the waiting card with its choice ``k``: the effects apply at this hour."""
        if self.waiting is None:
            raise ValueError("no incident is waiting for an answer")
        card = self.cards[self.waiting]
        choice = card.choices[k]
        e = self.engine
        fx = choice.effects
        rng = e.streams.fresh(f"incident:{card.id}", e.hour // HOURS_PER_DAY)
        u = rng.random(len(AMOUNTS))
        drawn: dict[str, float] = {}
        for j, name in enumerate(AMOUNTS):
            amount = getattr(fx, name)
            if amount is not None:
                lo, hi = bounds(amount)
                drawn[name] = round(lo + (hi - lo) * float(u[j]), 6)
        self._apply(drawn)
        if fx.department is not None:
            m = fx.department
            until = e.hour + m.days * HOURS_PER_DAY
            e.departments.moods[m.id] = (until, m.response_x, m.stall_chance)
        if fx.funnel is not None:
            f = fx.funnel
            until = e.hour + f.days * HOURS_PER_DAY
            self.funnel.append((until, f.arrivals_x, dict(f.convert_x)))
            e.agenda.schedule(f.days * HOURS_PER_DAY, "incidents", "_expire")
            e.sync()
            e._after_event()  # answered outside an action (the window): rates from this hour
        e.log(IncidentAnswered(e.hour, card.id, choice.id, tuple(drawn.items())))
        self.history.append((e.hour, card.id, choice.id))
        self.waiting = None

    def _apply(self, drawn: dict[str, float]) -> None:
        e = self.engine
        if "hours" in drawn:
            take_hours(e, drawn["hours"])
        if "fatigue" in drawn:
            e.specialist.fatigue = min(100.0, max(0.0, e.specialist.fatigue + drawn["fatigue"]))
        if "reputation" in drawn:
            e.reputation = min(100.0, max(0.0, e.reputation + drawn["reputation"]))
            if e.rerun_reputation is not None:
                e.rerun_reputation = min(100.0, max(0.0, e.rerun_reputation
                                                    + drawn["reputation"])) or None
        if "budget" in drawn and e.budget is not None:
            e.budget = max(0.0, e.budget + drawn["budget"])
        if "evidence" in drawn:
            e.evidence = max(0.0, e.evidence + drawn["evidence"])

    def _expire(self) -> None:
        """A funnel effect ran out."""
        now = self.engine.hour
        self.funnel = [f for f in self.funnel if f[0] > now]
        self.engine.sync()

    # -- reading -----------------------------------------------------------------------------

    def deviated_since(self, hour: int) -> bool:
        """Whether some card answered at or after ``hour`` was not given its default."""
        defaults = {c.id: c.choices[c.default_index].id for c in self.cards}
        return any(h >= hour and choice != defaults[card] for h, card, choice in self.history)

    def choices_in_week(self, week: int) -> list[tuple[int, str, str]]:
        """The answers given in ``week`` (1-based)."""
        lo, hi = (week - 1) * HOURS_PER_WEEK, week * HOURS_PER_WEEK
        return [h for h in self.history if lo <= h[0] < hi]


def take_hours(engine: "Engine", hours: float) -> None:
    """Take ``hours`` from this week's blocks still to come, every duty losing its share; each
    day's remaining blocks close up from where they began."""
    now = engine.hour
    later = [b for b in engine.blocks if b.start >= now]
    left = sum(b.hours for b in later)
    if left <= 0 or hours <= 0:
        return
    keep = max(0.0, 1.0 - hours / left)
    out = [b for b in engine.blocks if b.start < now]
    day_of, t = -1, 0.0
    for b in later:
        day = int(b.start // HOURS_PER_DAY)
        if day != day_of:
            day_of, t = day, b.start
        length = b.hours * keep
        if length > 1e-9:
            out.append(Block(b.duty, t, t + length))
        t += length
    engine.blocks = tuple(out)


def cheap_holds(when: When, engine: "Engine", hour: int) -> bool:
    """Whether the conditions of ``when`` that read no funnel hold at ``hour`` (now): the
    weeks, fatigue, reputation, a live event and a stalled department."""
    e = engine
    week = hour // HOURS_PER_WEEK + 1
    if when.weeks is not None and not when.weeks[0] <= week <= when.weeks[1]:
        return False
    if when.fatigue_at_least is not None and e.specialist.fatigue < when.fatigue_at_least:
        return False
    if when.reputation_below is not None and e.reputation >= when.reputation_below:
        return False
    if when.reputation_at_least is not None and e.reputation < when.reputation_at_least:
        return False
    if when.event_live is not None:
        events = e.works.get("events")
        if bool(getattr(events, "live", False)) != when.event_live:
            return False
    stalled = when.department_stalled
    return stalled is None or e.departments.stalled_until.get(stalled, -1) > hour


def backlog_holds(when: When, engine: "Engine", cache: dict[str, object]) -> bool:
    """Whether the support backlog of ``when`` holds now, if it has one (``cache`` shares the
    backlog between the cards checked at one moment)."""
    if when.backlog_at_least is None:
        return True
    if "backlog" not in cache:
        cache["backlog"] = engine.works["support"].backlog(engine.hour)  # type: ignore[attr-defined]
    return cast(int, cache["backlog"]) >= when.backlog_at_least


def pace_holds(when: When, engine: "Engine", cache: dict[str, object]) -> bool:
    """Whether a KPI's pace is under ``when``'s, if it sets one (``cache`` shares the paces
    between the cards checked at one moment)."""
    if when.pace_below is None:
        return True
    if "pace" not in cache:
        cache["pace"] = paces(engine)
    pace = cast(dict[str, float], cache["pace"])
    values = [pace[when.kpi]] if when.kpi is not None else list(pace.values())
    return any(p < when.pace_below for p in values)


def paces(engine: "Engine") -> dict[str, float]:
    """Each KPI's pace now: its value so far over the goal pro rata (inf before it counts)."""
    e, now = engine, engine.hour
    out = {}
    for kpi in e.derived.kpis:
        start, stop = kpi.counted(e.last_review, now)
        if kpi.weekly:
            goal = kpi.goal(start, stop)
        else:
            window = (kpi.to_week - kpi.from_week + 1) * HOURS_PER_WEEK
            goal = kpi.amount * (stop - start) / window
        if goal <= 0:
            out[kpi.name] = math.inf
            continue
        out[kpi.name] = float(kpi.value(e.entered(kpi.stage, start, stop))) / goal
    return out
