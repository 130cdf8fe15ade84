"""The scenario format, version 1: frozen, strict pydantic models with a default for every
field an author may leave out.

Field descriptions double as the reference documentation and the editor schema.
Cross-references between sections (a target naming a stage, …) are checked in
:mod:`opssim.scenario.checks`, where each finding can point at its own line.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$", description="a short lowercase id")]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Hours = Annotated[float, Field(ge=0.0, le=10_000.0)]
PositiveHours = Annotated[float, Field(gt=0.0, le=10_000.0)]
Users = Annotated[float, Field(ge=0.0, le=50_000_000.0)]


class Model(BaseModel):
    """Base of every scenario model: unknown keys are errors, types are exact, values frozen."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class Text(Model):
    """Player-facing text in English and optionally Simplified Chinese (a string: English)."""

    en: Annotated[str, Field(max_length=2000, description="English text")]
    zh: Annotated[str | None, Field(max_length=2000, description="Simplified Chinese text")] = None

    @model_validator(mode="before")
    @classmethod
    def _from_plain_string(cls, data: object) -> object:
        return {"en": data} if isinstance(data, str) else data

    def get(self, lang: str = "en") -> str:
        """The text in ``lang``, falling back to English."""
        return (self.zh if lang == "zh" else None) or self.en


class LogNormal(Model):
    """A lognormal delay given by its mean and standard deviation in hours."""

    mean: Annotated[float, Field(gt=0.0, le=10_000.0)]
    sd: Annotated[float, Field(gt=0.0, le=10_000.0)]


class Uniform(Model):
    """A delay drawn uniformly between ``low`` and ``high`` hours."""

    low: Hours
    high: Hours

    @model_validator(mode="after")
    def _ordered(self) -> "Uniform":
        if self.high < self.low:
            raise ValueError("high must be at least low")
        return self


class Delay(Model):
    """How long a user takes to move on (or give up), in hours. Give exactly one shape."""

    exponential: Annotated[
        float | None, Field(gt=0.0, le=10_000.0, description="mean hours of an exponential delay")
    ] = None
    lognormal: LogNormal | None = None
    uniform: Uniform | None = None
    fixed: Annotated[float | None, Field(ge=0.0, le=10_000.0, description="exact hours")] = None

    @model_validator(mode="after")
    def _exactly_one(self) -> "Delay":
        given = [
            k
            for k in ("exponential", "lognormal", "uniform", "fixed")
            if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ValueError("give exactly one of exponential, lognormal, uniform, fixed")
        return self


class Stage(Model):
    """A funnel stage. Every stage after the first converts from the one before it."""

    id: Id
    label: Text | None = Field(None, description="name shown to players; the id when absent")
    convert: Probability | None = Field(
        None, description="share of users in the previous stage who move on to this one"
    )
    delay_hours: Delay = Field(
        default_factory=lambda: Delay(exponential=24.0),
        description="time from entering the previous stage to moving on or giving up",
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


class Specialist(Model):
    """The operations specialist: the player."""

    contract_hours: Annotated[float, Field(gt=0.0, le=80.0)] = Field(
        40.0, description="hours a week in the contract"
    )
    overtime_cap: Annotated[float, Field(ge=0.0, le=40.0)] = Field(
        15.0, description="extra hours a week the specialist may work"
    )

    @property
    def max_hours(self) -> float:
        """The most hours a week can hold."""
        return self.contract_hours + self.overtime_cap


class CopyLift(Model):
    """Live pieces of copy lift a stage's conversion (relative), saturating in pieces."""

    stage: Id
    max: Annotated[float, Field(ge=0.0, le=5.0)] = Field(description="the most relative lift")
    half_at_pieces: Annotated[float, Field(gt=0.0, le=1000.0)] = Field(
        description="live pieces that give half the most lift"
    )


class Inflow(Model):
    """Users brought into a stage."""

    enters: Id
    users: Users


class CopyReach(Model):
    """Organic users that live pieces of copy bring in, saturating in pieces."""

    enters: Id
    max_per_week: Users = Field(description="the most users a week all pieces together bring")
    half_at_pieces: Annotated[float, Field(gt=0.0, le=1000.0)] = Field(
        description="live pieces that bring half the most users"
    )


class CopyDuty(Model):
    """Copywriting: hours produce pieces (landing pages, posts) that lift conversion and reach."""

    hours_per_piece: PositiveHours = 6.0
    lifts: Annotated[list[CopyLift], Field(max_length=12)] = []
    reach: CopyReach | None = Field(None, description="organic users that live pieces bring")
    stale_after_weeks: Annotated[int, Field(ge=1, le=104)] = Field(
        3, description="weeks a piece keeps working"
    )


class EventLift(Model):
    """A live event lifts a stage's conversion (relative)."""

    stage: Id
    lift: Annotated[float, Field(ge=0.0, le=5.0)]


class EventsDuty(Model):
    """Events: planning hours lead to a launch; a live event brings a spike and a lift."""

    planning_hours: PositiveHours = 16.0
    live_days: Annotated[float, Field(gt=0.0, le=60.0)] = 3.0
    spike: Inflow | None = Field(None, description="users the event brings while live")
    lifts: Annotated[list[EventLift], Field(max_length=12)] = []


class TicketSource(Model):
    """Where support tickets come from: a share of users entering a stage, or of its
    population each week. Give exactly one of the two."""

    from_: Id = Field(alias="from", description="the stage whose users raise tickets")
    per_user: Probability | None = Field(None, description="tickets per user entering the stage")
    per_user_per_week: Probability | None = Field(
        None, description="tickets per user in the stage per week"
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> "TicketSource":
        if (self.per_user is None) == (self.per_user_per_week is None):
            raise ValueError("give exactly one of per_user, per_user_per_week")
        return self


class SupportDuty(Model):
    """Customer service: a ticket backlog served by support hours; late answers lose users."""

    tickets: Annotated[list[TicketSource], Field(max_length=12)] = []
    minutes_per_ticket: Annotated[float, Field(gt=0.0, le=600.0)] = Field(
        6.0, description="mean minutes to answer one ticket"
    )
    patience_hours: PositiveHours = Field(24.0, description="hours a user waits for an answer")
    lost_if_late: Probability = Field(0.3, description="chance a late answer loses the user")


class Saturation(Model):
    """A saturating effect of weekly hours."""

    max: Users
    half_at_hours: PositiveHours


class GroundDuty(Model):
    """Ground promotion: flyers and street work bring local users of lower intent."""

    users_per_week: Saturation = Field(description="users brought in, saturating in hours")
    enters: Id
    intent: Annotated[float, Field(gt=0.0, le=3.0)] = 0.6


class Duties(Model):
    """What an hour of each duty buys."""

    copy_: CopyDuty = Field(alias="copy")
    events: EventsDuty
    support: SupportDuty
    ground: GroundDuty


class Target(Model):
    """A KPI the boss reviews: new users reaching a stage. Give per_week or total_by_end."""

    kpi: Id
    stage: Id
    per_week: Users | None = Field(None, description="new users per week, checked every review")
    total_by_end: Users | None = Field(None, description="users reached by the last week")
    from_week: Annotated[int, Field(ge=1, le=104)] = Field(
        1, description="first week whose review checks this target (a ramp-up grace period)"
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> "Target":
        if (self.per_week is None) == (self.total_by_end is None):
            raise ValueError("give exactly one of per_week, total_by_end")
        return self


class Reviews(Model):
    """When the boss reviews, and against what."""

    every_weeks: Literal[1, 2, 4] = 1
    targets: Annotated[list[Target], Field(min_length=1, max_length=20)]


class Reputation(Model):
    """How blame and success move the specialist's standing."""

    start: Annotated[float, Field(gt=0.0, le=100.0)] = 60.0
    lose_per_shortfall_pct: Annotated[float, Field(ge=0.0, le=10.0)] = 0.5
    gain_per_hit: Annotated[float, Field(ge=0.0, le=100.0)] = 3.0


class Promotion(Model):
    """What it takes to be promoted at the end."""

    reputation: Annotated[float, Field(ge=0.0, le=1000.0)] = 70.0


class Blame(Model):
    """Consequences of reviews."""

    reputation: Reputation = Reputation()
    promotion: Promotion = Promotion()


class Plan(Model):
    """The manager's reference allocation: hours per duty per week."""

    copy_: Hours = Field(0.0, alias="copy")
    events: Hours = 0.0
    support: Hours = 0.0
    ground: Hours = 0.0

    def hours(self) -> dict[str, float]:
        """Hours per duty id."""
        return {
            "copy": self.copy_,
            "events": self.events,
            "support": self.support,
            "ground": self.ground,
        }


class Scenario(Model):
    """A scenario: a funnel, the specialist's duties, targets and the manager's plan."""

    format: Literal[1] = Field(1, description="version of the scenario format")
    id: Id
    title: Text
    description: Text = Text(en="")
    difficulty: Literal["tutorial", "easy", "normal", "hard"] = "normal"
    weeks: Annotated[int, Field(ge=1, le=104)] = 12
    specialist: Specialist = Specialist()
    funnel: Funnel
    channels: Annotated[list[Channel], Field(min_length=1, max_length=20)]
    duties: Duties
    reviews: Reviews
    blame: Blame = Blame()
    plan: Plan

    @property
    def duty_ids(self) -> tuple[str, ...]:
        """The duties the player allocates hours to, in display order."""
        return ("copy", "events", "support", "ground")

    def stage_index(self, stage_id: str) -> int:
        """Position of a stage in the funnel."""
        return [s.id for s in self.funnel.stages].index(stage_id)
