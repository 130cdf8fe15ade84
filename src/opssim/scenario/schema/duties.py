"""What an hour of each of the specialist's eight duties buys.

A scenario lists the duties that exist in it; the four core duties (copy, events, support,
ground) are always there. Effects use the named response curves of :class:`Curve`.
"""

from typing import Annotated

from pydantic import Field, model_validator

from .base import (
    Curve,
    Hours,
    Id,
    Model,
    Money,
    PositiveHours,
    Probability,
    Text,
    UnitHours,
    Users,
    exactly_one,
    rules,
)

#: JSON Schema for a curve whose ``max`` is a share or a chance (at most 1); validate checks
#: the same in :mod:`opssim.scenario.checks`.
SHARE_CURVE = {"properties": {"max": {"maximum": 1.0}}}

Count = Annotated[int, Field(ge=1, le=1000)]


class Duty(Model):
    """What every duty may carry: the author's own name for it and one line on what its
    hours buy in this scenario (trade-show booths rather than flyers, say)."""

    label: Text | None = Field(
        None, description="the duty's name in this scenario; absent: the game's own name"
    )
    hint: Text | None = Field(
        None, description="one line on what its hours buy here; absent: the game's own line"
    )


class Need(Model):
    """Work that waits on another department (a landing page, design assets, a data export)."""

    department: Id = Field(description="the department whose help is needed")
    every: Count = Field(1, description="one request per this many units of work")


class StageLift(Model):
    """A relative conversion lift on a stage, by a response curve."""

    stage: Id = Field(description="the stage whose conversion is lifted")
    curve: Curve = Field(description="relative lift (0.5 = +50%), x = live pieces by quality")


class Reach(Model):
    """Users brought into a stage per week, by a response curve."""

    enters: Id = Field(description="the stage where these users enter")
    users: Curve = Field(description="users per week")


class Quality(Model):
    """How good a piece of work comes out: ``normal(base + skill_weight * skill, sd)``, then
    scaled by the specialist's freshness and the research targeting."""

    base: Annotated[float, Field(ge=0.0, le=3.0)] = Field(
        0.5, description="mean quality at skill 0"
    )
    skill_weight: Annotated[float, Field(ge=0.0, le=3.0)] = Field(
        0.5, description="quality added per unit of skill"
    )
    sd: Annotated[float, Field(ge=0.0, le=3.0)] = Field(
        0.15, description="spread of quality from piece to piece"
    )


class CopyDuty(Duty):
    """Copywriting: hours produce pieces (landing pages, posts) of random quality that lift
    conversion and bring organic users until they go stale. x of the curves: the live pieces
    weighted by their quality."""

    hours_per_piece: UnitHours = Field(6.0, description="hours to write one piece")
    quality: Quality = Field(Quality(), description="how good a piece comes out")
    lifts: Annotated[list[StageLift], Field(max_length=12)] = Field(
        [], description="conversion lifts of live pieces"
    )
    reach: Reach | None = Field(None, description="organic users the live pieces bring")
    stale_after_weeks: Annotated[int, Field(ge=1, le=104)] = Field(
        3, description="weeks a piece keeps working"
    )
    needs: Need | None = Field(None, description="a department's help before publishing")


class Inflow(Model):
    """Users brought into a stage."""

    enters: Id = Field(description="the stage where these users enter")
    users: Users = Field(description="users brought in over the event")


class EventLift(Model):
    """A live event's relative lift on a stage's conversion."""

    stage: Id = Field(description="the stage whose conversion is lifted")
    lift: Annotated[float, Field(ge=0.0, le=5.0)] = Field(
        description="relative lift while live (0.25 = +25%)"
    )


class EventsDuty(Duty):
    """Events: planning hours and a department's help lead to a launch; a live event brings a
    spike and a lift; data collected afterwards becomes evidence."""

    planning_hours: UnitHours = Field(16.0, description="hours of work to launch an event")
    needs: Need | None = Field(None, description="a department's help before the launch")
    live_days: Annotated[float, Field(gt=0.0, le=60.0)] = Field(
        3.0, description="days an event stays live"
    )
    spike: Inflow | None = Field(None, description="users the event brings while live")
    lifts: Annotated[list[EventLift], Field(max_length=12)] = Field(
        [], description="conversion lifts while live"
    )
    cost: Money = Field(0.0, description="budget spent at launch")
    data_collection_hours: Hours = Field(
        0.0, description="hours after the event to collect its data (taken before planning)"
    )
    evidence: Annotated[float, Field(ge=0.0, le=1000.0)] = Field(
        0.0, description="evidence points an event's collected data gives"
    )
    collect_within_days: Annotated[float, Field(gt=0.0, le=365.0)] = Field(
        7.0, description="days after the event's end before its data is lost"
    )


class TicketSource(Model):
    """Where support tickets come from: a share of users entering a stage (pre-sales), or a
    rate per user in it (after-sales). Give exactly one of the two."""

    model_config = rules(exactly_one("per_user", "per_user_per_week"))

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


class SupportDuty(Duty):
    """Customer service: a ticket queue served by support hours; late answers lose users and
    very late ones become complaints."""

    tickets: Annotated[list[TicketSource], Field(max_length=12)] = Field(
        [], description="where tickets come from"
    )
    minutes_per_ticket: Annotated[float, Field(gt=0.0, le=600.0)] = Field(
        6.0, description="mean minutes of work per ticket (exponential), at skill 0.5"
    )
    patience_hours: PositiveHours = Field(24.0, description="hours a user waits for an answer")
    lost_if_late: Probability = Field(0.3, description="chance a late answer loses the user")
    complaint_after_hours: PositiveHours | None = Field(
        None, description="an unanswered ticket becomes a complaint after this many hours"
    )
    reputation_per_complaint: Annotated[float, Field(ge=0.0, le=100.0)] = Field(
        0.2, description="reputation each complaint costs"
    )


class GroundDuty(Duty):
    """Ground promotion: flyers and street work bring local users of lower intent at once;
    street surveys yield research points; the work is tiring."""

    users: Curve = Field(description="users per week, x = hours")
    enters: Id = Field(description="the stage where these users enter")
    intent: Annotated[float, Field(gt=0.0, le=3.0)] = Field(
        0.6, description="multiplier on every later conversion of these users"
    )
    cost_per_hour: Money = Field(0.0, description="budget spent per hour (flyers, gear)")
    fatigue_per_hour: Annotated[float, Field(ge=0.0, le=20.0)] = Field(
        1.0, description="fatigue each hour adds"
    )
    research_points_per_hour: Annotated[float, Field(ge=0.0, le=100.0)] = Field(
        0.5, description="research points from street surveys"
    )


class ResearchDuty(Duty):
    """User research: points that sharpen the targeting of copy and events."""

    points_per_hour: Annotated[float, Field(ge=0.0, le=100.0)] = Field(
        1.0, description="research points per hour"
    )
    targeting: Curve = Field(
        Curve(max=0.3, half_at=20.0),
        description="relative boost to copy quality and event effects, x = research points",
    )


class Deal(Model):
    """A signed channel partner: a new arrival channel for some weeks."""

    enters: Id = Field(description="the stage where the partner's users enter")
    users_per_week: Users = Field(description="users the partner sends per week")
    weeks: Annotated[int, Field(ge=1, le=104)] = Field(4, description="weeks the deal runs")
    intent: Annotated[float, Field(gt=0.0, le=3.0)] = Field(
        1.0, description="multiplier on every later conversion of these users"
    )
    cost: Money = Field(0.0, description="budget spent when the deal is signed")


class PartnersDuty(Duty):
    """Market cooperation: negotiation hours give a weekly chance to sign a partner."""

    chance: Curve = Field(description="weekly chance to sign, x = hours (max at most 1)",
                          json_schema_extra=SHARE_CURVE)
    deal: Deal = Field(description="what a signed partner brings")


class Noise(Model):
    """Dashboard noise: observed figures are true figures times ``exp(normal(0, sd))``."""

    sd_without: Annotated[float, Field(ge=0.0, le=3.0)] = Field(
        0.3, description="noise with no analysis at all"
    )
    reduction: Curve = Field(
        Curve(max=0.9, half_at=5.0), description="share of the noise removed, x = hours",
        json_schema_extra=SHARE_CURVE,
    )


class AnalysisDuty(Duty):
    """Data analysis: clearer dashboards, evidence against blame, and the skill promotion needs."""

    noise: Noise = Field(Noise(), description="how noisy the dashboard is, and how hours clear it")
    evidence_per_hour: Annotated[float, Field(ge=0.0, le=100.0)] = Field(
        1.0, description="evidence points per hour (against blame)"
    )
    needs: Need | None = Field(None, description="a data export before the week's analysis counts")


class CoordinationDuty(Duty):
    """Department liaison: chasing other teams shortens their response times."""

    speedup: Curve = Field(
        Curve(max=0.7, half_at=4.0), description="share of response time saved, x = hours",
        json_schema_extra=SHARE_CURVE,
    )


class Duties(Model):
    """The duties that exist in this scenario and what an hour of each buys."""

    copy_: CopyDuty = Field(alias="copy", description="copywriting: landing pages and posts")
    events: EventsDuty = Field(description="event planning and execution")
    support: SupportDuty = Field(description="customer service: the ticket queue")
    ground: GroundDuty = Field(description="ground promotion: flyers and street work")
    research: ResearchDuty | None = Field(
        None, description="user research; absent: not in this scenario"
    )
    partners: PartnersDuty | None = Field(
        None, description="market cooperation; absent: not in this scenario"
    )
    analysis: AnalysisDuty | None = Field(
        None, description="data analysis; absent: not in this scenario"
    )
    coordination: CoordinationDuty | None = Field(
        None, description="department liaison; absent: not in this scenario"
    )

    def present(self) -> tuple[str, ...]:
        """Ids of the duties in this scenario, in the game's order."""
        order = ("copy", "events", "support", "ground", "research", "partners", "analysis",
                 "coordination")
        return tuple(d for d in order if self.get(d) is not None)

    def get(self, duty: str) -> Model | None:
        """The spec of ``duty``, or None when it is not in the scenario."""
        return getattr(self, "copy_" if duty == "copy" else duty, None)
