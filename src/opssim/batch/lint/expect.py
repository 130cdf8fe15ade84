"""Expectations: the scenario's own ``expect:`` claims, checked by running them."""

from dataclasses import dataclass

from opssim.batch.lint.runs import Runner, RunStats
from opssim.batch.policy import PolicyError, parse_policy
from opssim.batch.stats import paired_difference
from opssim.scenario.schema import Expectation


@dataclass(frozen=True)
class ExpectResult:
    """One expectation and what the runs gave; ``value`` is None when it could not run."""

    index: int
    expectation: Expectation
    value: float | None
    problem: str | None = None
    #: A paired 95% interval on the value (win_rate_gain), else None.
    interval: tuple[float, float] | None = None

    @property
    def ok(self) -> bool:
        """Whether the metric fell inside the declared range (and, for a gain claimed above
        zero, its paired interval too)."""
        low, high = self.expectation.range
        if self.value is None or not low <= self.value <= high:
            return False
        return not (self.interval is not None and low > 0 and not self.interval[0] > 0)

    def describe(self) -> str:
        """``win_rate of plan over 30 seeds = 0.43, expected 0.3..0.7``."""
        e = self.expectation
        what = e.metric + (f"[{e.kpi}]" if e.kpi else "") + (f"[{e.stage}]" if e.stage else "")
        if self.value is None:
            return f"{what} of {e.policy}: {self.problem}"
        low, high = e.range
        versus = f" vs {e.versus}" if e.versus else ""
        paired = (f" (paired 95% interval {_fmt(self.interval[0])}..{_fmt(self.interval[1])}"
                  f"{', above 0 needed' if low > 0 else ''})" if self.interval else "")
        return (f"{what} of {e.policy}{versus} over {e.seeds} seeds = {_fmt(self.value)}"
                f"{paired}, expected {_fmt(low)}..{_fmt(high)}")


def metric_value(e: Expectation, runs: list[RunStats]) -> float:
    """The expectation's metric over ``runs``."""
    n = len(runs)
    if e.metric == "win_rate_gain":
        raise ValueError("win_rate_gain compares two policies' runs (check_expectations)")
    if e.metric == "win_rate":
        return sum(r.won for r in runs) / n
    if e.metric in ("kept_rate", "fired_rate"):
        outcome = e.metric.removesuffix("_rate")
        return sum(r.outcome == outcome for r in runs) / n
    if e.metric == "hit_rate":
        tallies = [t for r in runs for k, t in r.hits.items() if e.kpi in (None, k)]
        held = sum(t[1] for t in tallies)
        return sum(t[0] for t in tallies) / held if held else 0.0
    if e.metric == "kpi_mean":
        # As the batch's KPI columns: runs fired before the KPI's window are left out.
        values = [v for r in runs if (v := r.kpi[e.kpi or ""]) is not None]
        return sum(values) / len(values) if values else 0.0
    if e.metric == "reputation_mean":
        return sum(r.reputation for r in runs) / n
    return sum(r.reached[e.stage or ""] for r in runs) / n


def check_expectations(runner: Runner) -> list[ExpectResult]:
    """Run every expectation of the runner's scenario (all runs in one go) and judge them."""
    sc = runner.scenario
    ready, results = [], {}
    for i, e in enumerate(sc.expect):
        try:
            for spec in (e.policy, *([e.versus] if e.versus else [])):
                parse_policy(spec, sc)
        except PolicyError as exc:
            results[i] = ExpectResult(i, e, None, str(exc))
        else:
            ready.append((i, e))
    runner.run((p, s) for _, e in ready for p in (e.policy, e.versus) if p
               for s in range(e.seeds))
    for i, e in ready:
        runs = runner.run((e.policy, s) for s in range(e.seeds))
        if e.versus:
            other = runner.run((e.versus, s) for s in range(e.seeds))
            d = paired_difference([float(r.won) for r in runs], [float(r.won) for r in other])
            results[i] = ExpectResult(i, e, d.value, interval=(d.low, d.high))
        else:
            results[i] = ExpectResult(i, e, metric_value(e, runs))
    return [results[i] for i in sorted(results)]


def _fmt(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"
