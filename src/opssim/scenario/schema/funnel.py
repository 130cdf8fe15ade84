"""The funnel: stages, churn, and the channels that feed it."""

from typing import Annotated

from pydantic import Field

from .base import Delay, Id, Model, Probability, Text, Users


class Stage(Model):
    """A funnel stage. Every stage after the first converts from the one before it."""

    id: Id
    label: Text | None = Field(None, description="name shown to players; the id when absent")
    convert: Probability | None = Field(
        None, description="share of users in the previous stage who move on to this one"
    )
    delay_hours: Delay = Field(
        default_factory=lambda: Delay(exponential=24.0),
        description="hours from entering the previous stage to moving on (or giving up)",
    )


class Churn(Model):
    """Users who leave a stage every week (paying users cancelling, say)."""

    stage: Id
    per_week: Probability


class Funnel(Model):
    """The funnel model: stages in order, and optional churn."""

    stages: Annotated[list[Stage], Field(min_length=2, max_length=12)]
    churn: Churn | None = None


class Channel(Model):
    """A steady source of users entering the funnel."""

    id: Id
    enters: Id = Field(description="the stage where these users enter")
    per_week: Users = Field(description="users arriving per week")
    intent: Annotated[float, Field(gt=0.0, le=3.0)] = Field(
        1.0, description="multiplier on every later conversion of these users"
    )
