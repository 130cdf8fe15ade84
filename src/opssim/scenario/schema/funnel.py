"""The funnel: stages, churn, and the channels that feed it."""

from typing import Annotated, Any

from pydantic import Field

from .base import Delay, Id, Model, Probability, Text, Users, absent, given


class Stage(Model):
    """A funnel stage. Every stage after the first converts from the one before it."""

    id: Id = Field(description="the stage's id, used by targets, lifts and channels")
    label: Text | None = Field(None, description="name shown to players; the id when absent")
    convert: Probability | None = Field(
        None, description="share of users in the previous stage who move on to this one"
    )
    delay_hours: Delay = Field(
        Delay(exponential=24.0),
        description="hours from entering the previous stage to moving on (or giving up)",
    )


class Churn(Model):
    """Users who leave a stage every week (paying users cancelling, say)."""

    stage: Id = Field(description="the stage users leave")
    per_week: Probability = Field(description="share of the stage's users who leave each week")


def _first_stage_apart(schema: dict[str, Any]) -> None:
    """JSON Schema of the stage list: the first stage has no convert, every later one has one
    (draft-07 tuple validation: ``items`` for the first, ``additionalItems`` for the rest)."""
    stage = schema.pop("items")
    schema["items"] = [{"allOf": [stage, absent("convert")]}]
    schema["additionalItems"] = {"allOf": [stage, given("convert")]}


class Funnel(Model):
    """The funnel model: stages in order, and optional churn."""

    stages: Annotated[list[Stage], Field(min_length=2, max_length=12)] = Field(
        description="the stages in order (2 to 12); the first has no convert",
        json_schema_extra=_first_stage_apart,
    )
    churn: Churn | None = Field(None, description="users leaving a stage every week")


class Channel(Model):
    """A steady source of users entering the funnel."""

    id: Id = Field(description="the channel's id")
    enters: Id = Field(description="the stage where these users enter")
    per_week: Users = Field(description="users arriving per week")
    intent: Annotated[float, Field(gt=0.0, le=3.0)] = Field(
        1.0, description="multiplier on every later conversion of these users"
    )
