"""The world around the specialist: company, the specialist, departments, the calendar, reviews
and what blame costs."""

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from opssim.model.reputation import ReputationRule

from .base import (
    Delay,
    Hours,
    Id,
    Model,
    Money,
    Multiplier,
    Probability,
    Text,
    Users,
    exactly_one,
    given,
    not_a_boolean,
    rules,
)

DutyHours = dict[Id, Hours]
#: A week of the run, 1-based (a key of a plan given by week).
WeekNo = Annotated[int, Field(ge=1, le=104)]
#: Hours per duty by the week they start to apply (a plan that changes by phase).
PhasedPlan = Annotated[dict[WeekNo, DutyHours], Field(
    min_length=1, max_length=104,
    # A YAML key 5 is "5" to a JSON Schema validator: weeks 1 to 104 as text.
    json_schema_extra={"propertyNames": {"pattern": "^([1-9]|[1-9][0-9]|10[0-4])$"}},
)]


class Company(Model):
    """The company: its archetype, its budget, and the duties colleagues do instead of you."""

    archetype: Literal["small", "big"] = Field(
        "small", description="small: every duty yours, slow departments; big: some duties locked"
    )
    budget: Money | None = Field(
        None, description="money for events, flyers and partner deals; none: unlimited"
    )
    locked: DutyHours = Field(
        {}, description="duties done by colleagues at these fixed hours per week"
    )


class Fatigue(Model):
    """Fatigue (0–100) builds with overtime and tiring duties and recovers with slack."""

    per_overtime_hour: Annotated[float, Field(ge=0.0, le=20.0)] = Field(
        1.5, description="fatigue each overtime hour adds"
    )
    recovery_per_slack_hour: Annotated[float, Field(ge=0.0, le=20.0)] = Field(
        1.0, description="fatigue each unallocated contract hour removes"
    )
    weekend_recovery: Annotated[float, Field(ge=0.0, le=100.0)] = Field(
        10.0, description="fatigue shed at the end of each week"
    )
    quality_loss_at_max: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        0.4, description="share of output quality lost at fatigue 100"
    )


class Workweek(Model):
    """When the week's hours are worked: the same day repeated on each working day.

    Each working day holds a share ``1 / days`` of every duty's weekly hours, one block per
    duty in the scenario's duty order, from ``start_hour`` on; contract hours come first and
    overtime follows in the evening. A day longer than the hours to midnight runs into the
    night.
    """

    days: Annotated[int, Field(ge=1, le=7)] = Field(
        5, description="working days a week, Monday first (5: Monday to Friday)"
    )
    start_hour: Annotated[float, Field(ge=0.0, lt=24.0)] = Field(
        9.0, description="the hour the working day begins (9: nine in the morning)"
    )


class Specialist(Model):
    """The operations specialist: the player."""

    contract_hours: Annotated[float, Field(gt=0.0, le=80.0)] = Field(
        40.0, description="hours a week in the contract"
    )
    overtime_cap: Annotated[float, Field(ge=0.0, le=40.0)] = Field(
        15.0, description="extra hours a week the specialist may work"
    )
    fatigue: Fatigue = Field(Fatigue(), description="how overtime tires and slack restores")
    skills: dict[Id, Annotated[float, Field(ge=0.0, le=1.0)]] = Field(
        {}, description="starting skill per duty, 0..1 (0.3 when absent)"
    )
    learning_per_hour: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        0.004, description="skill gained per hour of a duty, times (1 - skill)"
    )
    workweek: Workweek = Field(
        Workweek(), description="when the hours are worked (Monday to Friday from 9 by default)"
    )

    @property
    def max_hours(self) -> float:
        """The most hours a week can hold."""
        return self.contract_hours + self.overtime_cap


class Department(Model):
    """Another team whose help some work needs; it answers requests one at a time."""

    label: Text | None = Field(None, description="name shown to players; the id when absent")
    response_days: Delay = Field(
        Delay(exponential=3.0), description="days to answer a request"
    )
    stall_chance: Probability = Field(0.0, description="chance a request stalls")
    stall_x: Annotated[float, Field(ge=1.0, le=20.0)] = Field(
        3.0, description="a stalled request takes this many times longer"
    )
    capacity: Annotated[int, Field(ge=1, le=100)] = Field(
        1, description="requests it works on at once"
    )


class Happening(Model):
    """Something on the calendar: a holiday, a competitor's campaign, an outage, a ticket storm."""

    model_config = rules({
        "if": {"properties": {"tickets": {"exclusiveMinimum": 0}}, "required": ["tickets"]},
        "then": given("tickets_from"),
    })

    id: Id | None = Field(
        None, description="a name for the entry, unique in the calendar, so that sweeps and "
        "reports name it (`--param calendar.ID.arrivals_x=...`) instead of its position"
    )
    kind: Literal["holiday", "competitor", "outage", "ticket_storm", "other"] = Field(
        description="what happens (the effects come from the fields below)"
    )
    label: Text | None = Field(None, description="name shown to players; the kind when absent")
    week: Annotated[int, Field(ge=1, le=104)] = Field(description="week it starts (1-based)")
    day: Annotated[int, Field(ge=1, le=7)] = Field(1, description="day of that week (1-7)")
    hours: Annotated[float, Field(gt=0.0, le=24.0 * 365)] = Field(
        72.0, description="how long it lasts"
    )
    arrivals_x: Multiplier = Field(1.0, description="multiplier on channel and partner arrivals")
    convert_x: dict[Id, Multiplier] = Field({}, description="multiplier on a stage's conversion")
    tickets: Users = Field(0.0, description="extra support tickets over its duration")
    tickets_from: Id | None = Field(None, description="stage whose users raise those tickets")

    @model_validator(mode="after")
    def _storm_source(self) -> "Happening":
        if self.tickets and self.tickets_from is None:
            raise ValueError("tickets need tickets_from (the stage raising them)")
        return self


class Target(Model):
    """A KPI the boss reviews: new users reaching a stage (or the revenue they bring, with a
    ``price``) over a window of weeks. Give per_week or total_by_end."""

    model_config = rules(exactly_one("per_week", "total_by_end"))

    kpi: Id = Field(description="the KPI's name, unique among targets")
    stage: Id = Field(description="the stage whose new users count")
    per_week: Users | None = Field(None, description="new users per week, checked every review")
    total_by_end: Users | None = Field(None, description="users reached by the last week")
    from_week: Annotated[int, Field(ge=1, le=104)] = Field(
        1, description="first week of the target's window: a weekly target is checked at the "
        "reviews held from this week on (over each review's whole period: with reviews every "
        "two weeks, the week-2 review counts week 1 too); a total counts users from this week"
    )
    to_week: Annotated[int | None, Field(ge=1, le=104)] = Field(
        None, description="last week of the window (none: the last week): a weekly target is "
        "not checked after it; a total counts users up to it and is checked at the first "
        "review held at or after it"
    )
    price: Money | None = Field(
        None, description="revenue per new user reaching the stage: the KPI (and the goal) is "
        "then money, not users"
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> "Target":
        if (self.per_week is None) == (self.total_by_end is None):
            raise ValueError("give exactly one of per_week, total_by_end")
        return self


class Reviews(Model):
    """When the boss reviews, and against what."""

    every_weeks: Literal[1, 2, 4] = Field(1, description="weeks between reviews")

    _every_not_a_boolean = field_validator("every_weeks", mode="before")(not_a_boolean)
    targets: Annotated[list[Target], Field(min_length=1, max_length=20)] = Field(
        description="the KPIs reviewed (1 to 20)"
    )


class Reputation(Model):
    """How blame and success move the specialist's standing (0–100)."""

    start: Annotated[float, Field(gt=0.0, le=100.0)] = Field(
        60.0, description="reputation at the start; at zero the specialist is fired"
    )
    lose_per_shortfall_pct: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        0.5, description="reputation lost per percent a KPI falls short"
    )
    gain_per_hit: Annotated[float, Field(ge=0.0, le=100.0)] = Field(
        3.0, description="reputation gained per KPI hit"
    )


class Promotion(Model):
    """What it takes to be promoted at the end."""

    reputation: Annotated[float, Field(ge=0.0, le=1000.0)] = Field(
        70.0, description="reputation needed at the end"
    )
    skills: dict[Id, Annotated[float, Field(ge=0.0, le=1.0)]] = Field(
        {}, description="skills the specialist must have reached"
    )


class VerdictWeights(Model):
    """Share of a miss's reputation cost the specialist carries under each verdict."""

    specialist: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        1.0, description="the boss blames the specialist"
    )
    shared: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        0.5, description="the blame is shared with the plan's author"
    )
    plan: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        0.1, description="evidence shows the plan was at fault"
    )
    cleared: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        0.0, description="evidence shows it was bad luck"
    )


class Blame(Model):
    """Consequences of reviews: who carries a miss, and what it costs.

    Each miss is attributed by re-running its period from the state at its start under the
    manager's plan: once with the same random numbers, and ``luck_runs`` times with other
    random numbers, whose mean is the plan's expected value. The shortfall splits into signed
    parts (plan, luck, execution) that add up to it, each with a 90% interval. The boss does
    not see that split: without evidence the blame lands on the specialist with chance
    ``lean_on_specialist`` (else it is shared); with at least ``evidence_to_contest`` points the
    specialist contests and the split decides — ``inconclusive`` when the deciding part's
    interval crosses zero."""

    lean_on_specialist: Probability = Field(
        0.8, description="the boss's chance to blame the specialist when there is no evidence"
    )
    evidence_to_contest: Annotated[float, Field(ge=0.0, le=10_000.0)] = Field(
        10.0, description="evidence points a contest uses up"
    )
    decisive_share: Annotated[float, Field(gt=0.5, le=1.0)] = Field(
        0.6, description="share of the shortfall that makes a cause decisive in a contest"
    )
    luck_runs: Annotated[int, Field(ge=2, le=64)] = Field(
        8,
        description="re-runs of the plan with other random numbers: their mean is the plan's "
        "expected value, their spread the parts' 90% intervals",
    )
    inconclusive_as: Literal["specialist", "shared", "plan", "cleared"] = Field(
        "shared",
        description="the verdict whose reputation cost an inconclusive contest carries (the "
        "deciding part's interval crosses zero)",
    )
    weights: VerdictWeights = Field(
        VerdictWeights(), description="reputation cost carried under each verdict"
    )
    reputation: Reputation = Field(Reputation(), description="how reviews move reputation")
    promotion: Promotion = Field(Promotion(), description="what it takes to be promoted")

    def rule(self) -> ReputationRule:
        """The reputation rule these numbers make."""
        return ReputationRule(self.reputation.gain_per_hit,
                              self.reputation.lose_per_shortfall_pct,
                              self.weights.model_dump(), self.inconclusive_as)


__all__ = [
    "Blame",
    "Company",
    "Department",
    "DutyHours",
    "Fatigue",
    "Happening",
    "PhasedPlan",
    "Promotion",
    "Reputation",
    "Reviews",
    "Specialist",
    "Target",
    "Users",
    "WeekNo",
]
