"""The scenario: the root of the format."""

from typing import Annotated, Literal

from pydantic import Field

from .base import Id, Model, Text
from .duties import Duties
from .funnel import Channel, Funnel
from .world import Blame, Company, Department, DutyHours, Happening, Reviews, Specialist


class Scenario(Model):
    """A scenario: a company, a funnel, the specialist's duties, targets and the manager's plan."""

    format: Literal[1] = Field(1, description="version of the scenario format")
    id: Id
    title: Text
    description: Text = Text(en="")
    difficulty: Literal["tutorial", "easy", "normal", "hard"] = "normal"
    weeks: Annotated[int, Field(ge=1, le=104)] = 12
    company: Company = Company()
    specialist: Specialist = Specialist()
    funnel: Funnel
    channels: Annotated[list[Channel], Field(min_length=1, max_length=20)]
    duties: Duties
    departments: Annotated[dict[Id, Department], Field(max_length=20)] = {}
    calendar: Annotated[list[Happening], Field(max_length=200)] = []
    reviews: Reviews
    blame: Blame = Blame()
    plan: DutyHours = Field(description="the manager's reference allocation, hours per week")

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
