"""The scenario: the root of the format."""

from typing import Annotated, Literal

from pydantic import Field, field_validator

from opssim.model.kpi import Kpi, kpis

from .base import Id, Model, Text, not_a_boolean
from .duties import Duties
from .expect import Expectation
from .funnel import Channel, Funnel
from .incidents import Incident
from .world import Blame, Company, Department, DutyHours, Happening, Reviews, Specialist


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
    plan: DutyHours = Field(description="the manager's reference allocation, hours per week")
    expect: Annotated[list[Expectation], Field(max_length=20)] = Field(
        [], description="balance claims that `opssim lint --expect` checks by simulation"
    )

    _format_not_a_boolean = field_validator("format", mode="before")(not_a_boolean)

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

    def plan_hours(self) -> dict[str, float]:
        """The manager's plan as hours for every duty the player allocates."""
        return {d: self.plan.get(d, 0.0) for d in self.duty_ids}
