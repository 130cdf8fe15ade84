"""The scenario: the root of the format."""

from typing import Annotated, Literal

from pydantic import Discriminator, Field, Tag, field_validator

from opssim.model.kpi import Kpi, kpis

from .base import Id, Model, Text, not_a_boolean
from .duties import Duties
from .expect import Expectation
from .funnel import Channel, Funnel
from .incidents import Incident
from .world import (
    Blame,
    Company,
    Department,
    DutyHours,
    Happening,
    PhasedPlan,
    Reviews,
    Specialist,
)


def week_key(key: object) -> int | None:
    """The week a plan's key names (``5``, or ``"5"`` as JSON writes it), None for a duty."""
    if isinstance(key, int) and not isinstance(key, bool):
        return key
    if isinstance(key, str) and key.isascii() and key.isdigit():  # no duty id is all digits
        return int(key)
    return None


def _phased(plan: object) -> bool:
    """Whether a plan is given by week (its keys are week numbers)."""
    return isinstance(plan, dict) and any(week_key(k) is not None for k in plan)


def _weeks_as_numbers(plan: object) -> object:
    """A plan by week with its weeks as numbers (JSON writes ``"5"``)."""
    if not _phased(plan):
        return plan
    return {w if (w := week_key(k)) is not None else k: v for k, v in plan.items()}


#: The plan: hours per duty, or hours per duty by week (told apart by the keys, so that an
#: error is reported against the one form the author meant).
Plan = Annotated[
    Annotated[DutyHours, Tag("hours")] | Annotated[PhasedPlan, Tag("by-week")],
    Discriminator(lambda v: "by-week" if _phased(v) else "hours"),
]


class Scenario(Model):
    """A scenario: a company, a funnel, the specialist's duties, targets and the manager's plan."""

    format: Literal[1] = Field(1, description="version of the scenario format")
    id: Id = Field(description="the scenario's id: lowercase letters, digits, _ and -")
    title: Text = Field(description="the scenario's name, shown to players")
    description: Text = Field(Text(en=""), description="a line or two that sets the scene")
    difficulty: Literal["tutorial", "easy", "normal", "hard"] = Field(
        "normal",
        description="how hard the manager's plan finds it; `opssim lint` checks the plan's "
        "win rate against this band",
    )
    weeks: Annotated[int, Field(ge=1, le=104)] = Field(12, description="length of the scenario")
    company: Company = Field(Company(), description="archetype, budget and locked duties")
    specialist: Specialist = Field(Specialist(), description="the player: hours, fatigue, skills")
    funnel: Funnel = Field(description="the funnel model: stages in order, and churn")
    channels: Annotated[list[Channel], Field(min_length=1, max_length=20)] = Field(
        description="steady sources of users (1 to 20)"
    )
    duties: Duties = Field(description="the duties that exist here and what an hour of each buys")
    departments: Annotated[dict[Id, Department], Field(max_length=20)] = Field(
        {}, description="other teams whose help some work needs, by id"
    )
    calendar: Annotated[list[Happening], Field(max_length=200)] = Field(
        [], description="holidays, competitors, outages and ticket storms"
    )
    incidents: Annotated[list[Incident], Field(max_length=100)] = Field(
        [], description="cards that interrupt the week and ask the specialist to choose"
    )
    reviews: Reviews = Field(description="when the boss reviews, and the targets")
    blame: Blame = Field(Blame(), description="what reviews do to reputation; promotion")
    plan: Plan = Field(
        description="the manager's reference allocation, hours per week: one mapping for every "
        "week, or hours by week (`{1: {...}, 5: {...}}`: each entry holds from its week until "
        "the next; week 1 must be given)",
    )
    expect: Annotated[list[Expectation], Field(max_length=20)] = Field(
        [], description="balance claims that `opssim lint --expect` checks by simulation"
    )

    _format_not_a_boolean = field_validator("format", mode="before")(not_a_boolean)
    _plan_weeks = field_validator("plan", mode="before")(_weeks_as_numbers)

    @property
    def kpis(self) -> tuple[Kpi, ...]:
        """The reviewed KPIs (one per target, in order): window, goal and value."""
        return kpis(self.reviews.targets, self.weeks)

    def kpi(self, name: str) -> Kpi:
        """The reviewed KPI called ``name`` (KeyError if there is none)."""
        for k in self.kpis:
            if k.name == name:
                return k
        raise KeyError(name)

    @property
    def duty_ids(self) -> tuple[str, ...]:
        """The duties the player allocates hours to (present and not locked), in order."""
        return tuple(d for d in self.duties.present() if d not in self.company.locked)

    def stage_index(self, stage_id: str) -> int:
        """Position of a stage in the funnel."""
        return [s.id for s in self.funnel.stages].index(stage_id)

    @property
    def plan_phases(self) -> tuple[tuple[int, dict[str, float]], ...]:
        """The plan as ``(from_week, hours)`` entries in week order (one entry, from week 1,
        for a plan that never changes); hours of every duty the player allocates."""
        raw = self.plan if _phased(self.plan) else {1: self.plan}
        return tuple((w, {d: float(raw[w].get(d, 0.0)) for d in self.duty_ids})  # type: ignore[union-attr]
                     for w in sorted(raw))

    @property
    def plan_given_by_week(self) -> bool:
        """Whether the file gives the plan by week (``{1: {...}, 5: {...}}``)."""
        return _phased(self.plan)

    @property
    def plan_changes(self) -> bool:
        """Whether the plan gives different hours in different weeks of the run (entries
        after the last week never apply)."""
        return len({tuple(h.items()) for w, h in self.plan_phases if w <= self.weeks}) > 1

    def plan_hours(self, week: int = 1) -> dict[str, float]:
        """The manager's plan for 1-based ``week``: hours for every duty the player allocates
        (the entry in force that week: the last one from a week at or before it)."""
        phases = self.plan_phases
        hours = phases[0][1]
        for start, entry in phases:
            if start <= week:
                hours = entry
        return dict(hours)
