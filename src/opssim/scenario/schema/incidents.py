"""Incidents: cards that interrupt the week and ask the specialist to choose.

A card fires at the start of a working day (never the first of the week) when its condition
holds, it is off cooldown and under its maximum; the engine draws which card from its own
random stream. Each choice's effects are numbers or ``[low, high]`` ranges (drawn uniformly
when chosen); the window shows the range before the player chooses.
"""

from typing import Annotated

from pydantic import Field, model_validator

from .base import Id, Model, Multiplier, Text

#: An effect: a number, or ``[low, high]`` drawn uniformly when the choice is made.
Amount = float | Annotated[list[float], Field(min_length=2, max_length=2)]


def bounds(amount: "Amount | None") -> tuple[float, float]:
    """``(low, high)`` of an amount (0, 0 when absent)."""
    if amount is None:
        return 0.0, 0.0
    if isinstance(amount, list):
        return float(amount[0]), float(amount[1])
    return float(amount), float(amount)


def _check_range(amount: "Amount | None", name: str, low: float, high: float) -> None:
    lo, hi = bounds(amount)
    if lo > hi:
        raise ValueError(f"{name}: the range's low end {lo:g} is above its high {hi:g}")
    if lo < low or hi > high:
        raise ValueError(f"{name}: must lie between {low:g} and {high:g}")


class When(Model):
    """When a card can fire: every condition given must hold (none given: any working day)."""

    weeks: Annotated[list[Annotated[int, Field(ge=1, le=104)]],
                     Field(min_length=2, max_length=2)] | None = Field(
        None, description="[first, last] week (1-based, inclusive) it can fire in"
    )
    backlog_at_least: Annotated[int | None, Field(ge=0, le=1_000_000)] = Field(
        None, description="support tickets waiting, at least"
    )
    event_live: bool | None = Field(
        None, description="true: only while an event is live; false: only while none is"
    )
    fatigue_at_least: Annotated[float | None, Field(ge=0.0, le=100.0)] = Field(
        None, description="the specialist's fatigue (0-100), at least"
    )
    department_stalled: Id | None = Field(
        None, description="this department has a stalled request under way"
    )
    reputation_below: Annotated[float | None, Field(gt=0.0, le=101.0)] = Field(
        None, description="reputation under this"
    )
    reputation_at_least: Annotated[float | None, Field(ge=0.0, le=100.0)] = Field(
        None, description="reputation at least this"
    )
    pace_below: Annotated[float | None, Field(gt=0.0, le=100.0)] = Field(
        None, description="a KPI's pace (actual / the goal pro rata so far) under this; "
        "1 is on target"
    )
    kpi: Id | None = Field(
        None, description="the KPI `pace_below` watches (a target's kpi); any KPI when absent"
    )

    @model_validator(mode="after")
    def _ordered(self) -> "When":
        if self.weeks is not None and self.weeks[0] > self.weeks[1]:
            raise ValueError(f"weeks: {self.weeks[0]} is after {self.weeks[1]}")
        if self.kpi is not None and self.pace_below is None:
            raise ValueError("kpi only applies with pace_below")
        return self


class DepartmentMood(Model):
    """A department answers slower (or faster) and stalls more (or less) for some days."""

    id: Id = Field(description="the department")
    response_x: Multiplier = Field(1.0, description="multiplier on its response time")
    stall_chance: Annotated[float, Field(ge=-1.0, le=1.0)] = Field(
        0.0, description="added to its chance a request stalls (goodwill: negative)"
    )
    days: Annotated[int, Field(ge=1, le=365)] = Field(description="how long it lasts")


class FunnelEffect(Model):
    """Arrivals and conversions scaled for some days (as a calendar happening does)."""

    arrivals_x: Multiplier = Field(1.0, description="multiplier on channel and partner arrivals")
    convert_x: Annotated[dict[Id, Multiplier], Field(max_length=20)] = Field(
        {}, description="multiplier on a stage's conversion"
    )
    days: Annotated[int, Field(ge=1, le=365)] = Field(description="how long it lasts")


class Effects(Model):
    """What a choice does. Numbers, or ``[low, high]`` drawn uniformly when chosen."""

    hours: Amount | None = Field(
        None, description="hours taken from the rest of this week (every duty loses its share)"
    )
    fatigue: Amount | None = Field(None, description="fatigue added (negative: rest)")
    reputation: Amount | None = Field(None, description="reputation added (negative: lost)")
    budget: Amount | None = Field(None, description="budget added (negative: spent)")
    evidence: Amount | None = Field(None, description="evidence points added")
    department: DepartmentMood | None = Field(
        None, description="a department's speed or goodwill for some days"
    )
    funnel: FunnelEffect | None = Field(None, description="a funnel rate for some days")

    @model_validator(mode="after")
    def _ranges(self) -> "Effects":
        _check_range(self.hours, "hours", 0.0, 80.0)
        _check_range(self.fatigue, "fatigue", -100.0, 100.0)
        _check_range(self.reputation, "reputation", -100.0, 100.0)
        _check_range(self.budget, "budget", -1e9, 1e9)
        _check_range(self.evidence, "evidence", 0.0, 10_000.0)
        return self


class Choice(Model):
    """One answer to a card."""

    id: Id = Field(description="the choice's id, unique in its card (recordings name it)")
    label: Text = Field(description="what the player chooses, shown on the card's button")
    effects: Effects = Field(Effects(), description="what choosing it does")


class Incident(Model):
    """A card that interrupts the week: a situation, a condition, and 2 to 4 choices."""

    id: Id = Field(description="the card's id, unique in the scenario")
    title: Text = Field(description="the card's headline")
    text: Text = Field(Text(en=""), description="the situation, a line or two")
    when: When = Field(When(), description="the state in which it can fire")
    weight: Annotated[float, Field(gt=0.0, le=20.0)] = Field(
        0.5, description="expected fires a week while it can fire (also its weight against "
        "other cards: at most one card fires a day)"
    )
    cooldown_days: Annotated[int, Field(ge=0, le=728)] = Field(
        14, description="days after firing before it can fire again"
    )
    max_per_run: Annotated[int, Field(ge=1, le=100)] = Field(
        3, description="the most times it fires in a run"
    )
    choices: Annotated[list[Choice], Field(min_length=2, max_length=4)] = Field(
        description="2 to 4 answers"
    )
    default: Id | None = Field(
        None, description="the choice taken when nobody answers (a policy without `choose`, "
        "the manager's plan); the first when absent"
    )

    @model_validator(mode="after")
    def _default_exists(self) -> "Incident":
        ids = [c.id for c in self.choices]
        if len(set(ids)) != len(ids):
            raise ValueError("choice ids must be unique within a card")
        if self.default is not None and self.default not in ids:
            raise ValueError(f"default {self.default!r} is not one of the choices "
                             f"({', '.join(ids)})")
        return self

    @property
    def default_index(self) -> int:
        """Position of the default choice."""
        ids = [c.id for c in self.choices]
        return ids.index(self.default) if self.default is not None else 0


__all__ = ["Amount", "Choice", "DepartmentMood", "Effects", "FunnelEffect", "Incident", "When",
           "bounds"]
