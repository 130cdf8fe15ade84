"""What ``opssim optimize`` prints: the best policy next to plan and even, and warnings."""

import math

from rich.console import Console

from opssim.scenario import Scenario

from .optimize import DOMINANT_SHARE, Candidate, SearchResult
from .summary import summarize_rows, summary_table

#: Search candidates listed after best, plan and even.
TOP = 5


def shown_candidates(result: SearchResult) -> list[Candidate]:
    """Best, plan, even, then the next best candidates (each once)."""
    ranked = sorted(result.evaluated, key=lambda c: c.score, reverse=True)
    out: list[Candidate] = []
    for c in [result.best, result.plan, result.even, *ranked[: TOP + 3]]:
        if all(c.spec != o.spec for o in out) and len(out) < TOP + 3:
            out.append(c)
    return out


def dominance_warnings(result: SearchResult) -> list[str]:
    """One line per single-duty-heavy policy that wins within the best's interval."""
    best = result.best
    lines = []
    for c in result.dominant:
        duty, share = c.focus
        lines.append(
            f"dominant strategy? {c.spec} puts {100 * share:.0f}% of its hours on {duty} "
            f"(>= {100 * DOMINANT_SHARE:.0f}%) and wins {c.win.pct()}, within the interval "
            f"of the best ({best.win.pct()})"
        )
    return lines


def summary_lines(result: SearchResult) -> list[str]:
    """The best SPEC, its paired gain over plan and even, and the fresh-seed check."""
    n = len(result.seeds)
    best = result.best
    lines = [f"best policy: {best.spec}",
             f"  win rate {best.win.pct()} on the {n} search seeds"]
    for other in (result.plan, result.even):
        if other.spec == best.spec:
            continue
        d = result.versus(other)
        interval = ("no interval from one seed" if math.isnan(d.low)
                    else f"[{100 * d.low:+.0f}, {100 * d.high:+.0f}]")
        lines.append(
            f"  vs {other.spec}: {100 * d.value:+.0f} pts {interval} (paired: the same {n} seeds)"
        )
    if result.holdout:
        parts = [f"{spec} {c.win.pct()}" for spec, c in result.holdout.items()]
        lines.append(f"  on {n} fresh seeds: " + "; ".join(parts))
    return lines


def names(result: SearchResult, shown: list[Candidate]) -> dict[str, str]:
    """Short names for the table: best, plan, even, heavy:DUTY, #2, #3, ..."""
    out = {result.best.spec: "best"}
    for i, c in enumerate(shown):
        if c.spec in out:
            continue
        out[c.spec] = c.spec if c.origin != "search" else f"#{i + 1}"
    return out


def print_search(result: SearchResult, scenario: Scenario, console: Console, budget: int
                 ) -> None:
    """Print the search's table, the best SPEC and any dominance warning."""
    shown = shown_candidates(result)
    summaries = [summarize_rows(c.spec, list(c.rows), scenario) for c in shown]
    short = names(result, shown)
    console.print(summary_table(
        summaries, scenario,
        f"{scenario.id}: {budget} candidates searched on {len(result.seeds)} common seeds",
        keys=[[short[c.spec]] for c in shown], key_headers=["policy"],
    ))
    for c in shown:
        if short[c.spec] != c.spec:
            console.print(f"  {short[c.spec]}: {c.spec}", highlight=False, soft_wrap=True)
    for line in summary_lines(result):
        console.print(line, highlight=False, soft_wrap=True)
    for line in dominance_warnings(result):
        console.print(f"[bold yellow]warning:[/] {line}", highlight=False, soft_wrap=True)
