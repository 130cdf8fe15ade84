"""Expectations: claims about a scenario's balance that ``opssim lint --expect`` checks by
simulation (the engine ignores them)."""

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import Id, Model, Text, given, rules, when

_HOURS = r"[a-z][a-z0-9_-]*=[0-9.]+(,[a-z][a-z0-9_-]*=[0-9.]+)*"
#: A policy SPEC as ``opssim run --policy`` takes it: plan, even, fixed hours, or an inline
#: schedule (data only: no file, no code).
POLICY_PATTERN = (rf"^(plan|even|fixed:{_HOURS}|schedule:[0-9]+:{_HOURS}"
                  rf"(;[0-9]+:{_HOURS})*)$")

Metric = Literal[
    "win_rate", "fired_rate", "kept_rate", "hit_rate", "kpi_mean", "reputation_mean",
    "reached_mean", "win_rate_gain",
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
    * ``reached_mean``: users who reached ``stage`` by the end;
    * ``win_rate_gain``: the policy's win rate minus ``versus``'s, paired on the same seeds;
      with a range above zero it holds only when the paired 95% interval is above zero too
      (the gain is told apart from luck).
    """

    model_config = rules(
        when("metric", "kpi_mean", given("kpi")),
        when("metric", "reached_mean", given("stage")),
        {"if": given("kpi"),
         "then": {"properties": {"metric": {"enum": ["kpi_mean", "hit_rate"]}}}},
        {"if": given("stage"), "then": {"properties": {"metric": {"const": "reached_mean"}}}},
        when("metric", "win_rate_gain", given("versus")),
        {"if": given("versus"), "then": {"properties": {"metric": {"const": "win_rate_gain"}}}},
    )

    metric: Metric = Field(description="what is measured over the runs")
    range: Annotated[list[float], Field(min_length=2, max_length=2)] = Field(
        description="[low, high]: the metric must lie in between (inclusive)"
    )
    policy: Annotated[str, Field(pattern=POLICY_PATTERN, max_length=400)] = Field(
        "plan", description="who decides the hours: plan | even | fixed:DUTY=HOURS,... | "
        "schedule:WEEK:DUTY=HOURS,...;WEEK:..."
    )
    seeds: Annotated[int, Field(ge=1, le=500)] = Field(
        30, description="runs to average over (seeds 0 to seeds-1); keep it modest"
    )
    versus: Annotated[str, Field(pattern=POLICY_PATTERN, max_length=400)] | None = Field(
        None, description="the policy compared with, on the same seeds (win_rate_gain)"
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
        if self.metric == "win_rate_gain" and self.versus is None:
            raise ValueError("win_rate_gain needs versus (the policy it is compared with)")
        if self.versus is not None and self.metric != "win_rate_gain":
            raise ValueError(f"versus does not apply to {self.metric}")
        return self
