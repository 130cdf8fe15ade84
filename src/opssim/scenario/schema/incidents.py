"""Incidents: cards that interrupt the week and ask the specialist to choose.

A card fires at the start of a working day (never the first of the week) when its condition
holds, it is off cooldown and under its maximum; the engine draws which card from its own
random stream. Each choice's effects are numbers or ``[low, high]`` ranges (drawn uniformly
when chosen); the window shows the range before the player chooses.
"""

from typing import Annotated

from pydantic import Field, model_validator

from .base import Id, Model, Multiplier, Text, given, rules

#: An effect: a number, or ``[low, high]`` drawn uniformly when the choice is made.
Amount = float | list[float]


def _amount(low: float, high: float, what: str) -> object:
    """The type of an effect between ``low`` and ``high``: a number or a ``[low, high]``."""
    number = Annotated[float, Field(ge=low, le=high)]
    return Annotated[
        number | Annotated[list[number], Field(min_length=2, max_length=2)] | None,
        Field(description=f"{what}: a number, or [low, high] drawn uniformly when chosen"),
    ]


Hours = _amount(0.0, 80.0, "hours taken from the rest of this week (every duty loses its share)")
Fatigue = _amount(-100.0, 100.0, "fatigue added (negative: rest)")
Reputation = _amount(-100.0, 100.0, "reputation added (negative: lost)")
Budget = _amount(-1e9, 1e9, "budget added (negative: spent)")
Evidence = _amount(0.0, 10_000.0, "evidence points added")


def bounds(amount: "Amount | None") -> tuple[float, float]:
    """``(low, high)`` of an amount (0, 0 when absent)."""
    if amount is None:
        return 0.0, 0.0
    if isinstance(amount, list):
        return float(amount[0]), float(amount[1])
    return float(amount), float(amount)


def _check_order(amount: "Amount | None", name: str) -> None:
    lo, hi = bounds(amount)
    if lo > hi:
        raise ValueError(f"{name}: the range's low end {lo:g} is above its high {hi:g}")


class When(Model):
    """When a card can fire: every condition given must hold (none given: any working day)."""

    model_config = rules({"if": given("kpi"), "then": given("pace_below")})

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
            raise ValueError(f"weeks: the range's low end {self.weeks[0]} is above its high "
                             f"{self.weeks[1]}")
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

    hours: Hours = None  # type: ignore[valid-type]
    fatigue: Fatigue = None  # type: ignore[valid-type]
    reputation: Reputation = None  # type: ignore[valid-type]
    budget: Budget = None  # type: ignore[valid-type]
    evidence: Evidence = None  # type: ignore[valid-type]
    department: DepartmentMood | None = Field(
        None, description="a department's speed or goodwill for some days"
    )
    funnel: FunnelEffect | None = Field(None, description="a funnel rate for some days")

    @model_validator(mode="after")
    def _ranges(self) -> "Effects":
        for name in ("hours", "fatigue", "reputation", "budget", "evidence"):
            _check_order(getattr(self, name), name)
        return self


class Choice(Model):
    """One answer to a card."""

    id: Id = Field(description="the choice's id, unique in its card (recordings name it)")
    label: Text = Field(description="what the player chooses, shown on the card's button")
    effects: Effects = Field(Effects(), description="what choosing it does")


class Incident(Model):
    """A card that interrupts the week: a situation, a condition, and 2 to 4 choices.

    Cards are checked at the start of each working day but the first of the week. On a day
    when cards can fire (condition met, off cooldown, under the maximum), one fires with chance
    ``1 - exp(-W / checks)``, ``W`` their summed weights and ``checks`` the checks a week, and
    which one is drawn in proportion to the weights. The window stops and shows the card with
    each choice's range of effects; a headless run asks the policy's ``choose`` or takes the
    default. Answers are part of recordings and saves."""

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

    @property
    def default_index(self) -> int:
        """Position of the default choice (``default`` names one: the reference checks)."""
        ids = [c.id for c in self.choices]
        return ids.index(self.default) if self.default in ids else 0


__all__ = ["Amount", "Choice", "DepartmentMood", "Effects", "FunnelEffect", "Incident", "When",
           "bounds"]
