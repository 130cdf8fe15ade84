"""Expectations: claims about a scenario's balance that ``opssim lint --expect`` checks by
simulation (the engine ignores them)."""

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import Id, Model, Text, given, rules, when

#: A policy SPEC as ``opssim run --policy`` takes it.
POLICY_PATTERN = r"^(plan|even|fixed:[a-z][a-z0-9_-]*=[0-9.]+(,[a-z][a-z0-9_-]*=[0-9.]+)*)$"

Metric = Literal[
    "win_rate", "fired_rate", "kept_rate", "hit_rate", "kpi_mean", "reputation_mean",
    "reached_mean",
]


class Expectation(Model):
    """A metric of many runs under one policy that must fall in a range.

    Metrics, each averaged over the seeds 0, 1, …, seeds-1:

    * ``win_rate``, ``kept_rate``, ``fired_rate``: share of runs ending promoted, kept, fired;
    * ``hit_rate``: share of the reviews' KPI checks that hit (only ``kpi``'s when given);
    * ``kpi_mean``: the KPI ``kpi``'s figure — its mean value per week over the target's
      window (a weekly target) or the window's total (a total target), as ``opssim batch``
      reports it (runs fired before the window left out);
    * ``reputation_mean``: reputation at the end;
    * ``reached_mean``: users who reached ``stage`` by the end.
    """

    model_config = rules(
        when("metric", "kpi_mean", given("kpi")),
        when("metric", "reached_mean", given("stage")),
        {"if": given("kpi"),
         "then": {"properties": {"metric": {"enum": ["kpi_mean", "hit_rate"]}}}},
        {"if": given("stage"), "then": {"properties": {"metric": {"const": "reached_mean"}}}},
    )

    metric: Metric = Field(description="what is measured over the runs")
    range: Annotated[list[float], Field(min_length=2, max_length=2)] = Field(
        description="[low, high]: the metric must lie in between (inclusive)"
    )
    policy: Annotated[str, Field(pattern=POLICY_PATTERN, max_length=400)] = Field(
        "plan", description="who decides the hours: plan | even | fixed:DUTY=HOURS,..."
    )
    seeds: Annotated[int, Field(ge=1, le=500)] = Field(
        30, description="runs to average over (seeds 0 to seeds-1); keep it modest"
    )
    kpi: Id | None = Field(None, description="the target's kpi (kpi_mean; optional for hit_rate)")
    stage: Id | None = Field(None, description="the stage (reached_mean)")
    why: Text | None = Field(None, description="what this expectation protects, for the reader")

    @model_validator(mode="after")
    def _needs(self) -> "Expectation":
        if self.metric == "kpi_mean" and self.kpi is None:
            raise ValueError("kpi_mean needs kpi (a target's kpi)")
        if self.metric == "reached_mean" and self.stage is None:
            raise ValueError("reached_mean needs stage")
        if self.kpi is not None and self.metric not in ("kpi_mean", "hit_rate"):
            raise ValueError(f"kpi does not apply to {self.metric}")
        if self.stage is not None and self.metric != "reached_mean":
            raise ValueError(f"stage does not apply to {self.metric}")
        return self
