"""Summaries of groups of runs (one policy, one design point) and the tables that show them."""

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.table import Table

from opssim.scenario import Scenario

from .rows import Row
from .stats import Estimate, mean_ci, wilson


@dataclass(frozen=True)
class Summary:
    """What many runs of one policy (or design point) came to."""

    label: str
    runs: int
    win: Estimate
    fired: Estimate
    kpis: dict[str, Estimate]
    blame: Estimate
    reputation: Estimate


def summarize_rows(label: str, rows: Sequence[Row], scenario: Scenario) -> Summary:
    """Win rate (promoted) and fired rate with Wilson CIs; KPI, blame and reputation means."""
    n = len(rows)
    outcomes = [r["outcome"] for r in rows]
    return Summary(
        label=label,
        runs=n,
        win=wilson(outcomes.count("promoted"), n),
        fired=wilson(outcomes.count("fired"), n),
        kpis={t.kpi: mean_ci(r.get(f"kpi_{t.kpi}") for r in rows)
              for t in scenario.reviews.targets},
        blame=mean_ci(r["blame_count"] for r in rows),
        reputation=mean_ci(r["reputation"] for r in rows),
    )


def kpi_headers(scenario: Scenario) -> list[str]:
    """A short column title per target KPI: ``signups/wk`` or ``paying``."""
    return [k.label for k in scenario.kpis]


def targets_note(scenario: Scenario) -> str:
    """What the KPI columns mean: each target and how it is measured."""
    return ("; ".join(k.describe() for k in scenario.kpis)
            + ". Rates: Wilson 95% CI; means: ± 95% t interval.")


def summary_table(summaries: Sequence[Summary], scenario: Scenario, title: str,
                  first: str = "policy", keys: Sequence[Sequence[str]] | None = None,
                  key_headers: Sequence[str] = ()) -> Table:
    """A rich table: one line per summary, 95% intervals throughout.

    ``keys`` (one list per summary, titled ``key_headers``) replace the label column.
    """
    table = Table(title=title, title_justify="left", caption=targets_note(scenario),
                  caption_justify="left")
    for h in key_headers if keys is not None else [first]:
        table.add_column(h, overflow="fold")
    table.add_column("runs", justify="right")
    table.add_column("win rate", justify="right", no_wrap=True)
    table.add_column("fired", justify="right", no_wrap=True)
    for header in kpi_headers(scenario):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("blame", justify="right", no_wrap=True)
    table.add_column("reputation", justify="right", no_wrap=True)
    for i, s in enumerate(summaries):
        label = list(keys[i]) if keys is not None else [s.label]
        table.add_row(
            *label, str(s.runs), s.win.pct(), s.fired.pct(),
            *(s.kpis[t.kpi].num(0) for t in scenario.reviews.targets),
            s.blame.num(1), s.reputation.num(1),
        )
    return table


def markdown_table(headers: Sequence[str], lines: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured Markdown table."""
    def esc(cell: str) -> str:
        return str(cell).replace("|", "\\|")

    out = ["| " + " | ".join(esc(h) for h in headers) + " |",
           "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(esc(c) for c in line) + " |" for line in lines]
    return "\n".join(out)


def summary_markdown(summaries: Sequence[Summary], scenario: Scenario,
                     first: str = "policy") -> str:
    """The Markdown version of :func:`summary_table`."""
    headers = [first, "runs", "win rate", "fired", *kpi_headers(scenario),
               "blame", "reputation"]
    lines = [
        [f"`{s.label}`", str(s.runs), s.win.pct(), s.fired.pct(),
         *(s.kpis[t.kpi].num(0) for t in scenario.reviews.targets),
         s.blame.num(1), s.reputation.num(1)]
        for s in summaries
    ]
    return markdown_table(headers, lines)


def console(stderr: bool = False) -> Console:
    """A console for result tables: at least 120 columns wide when not a terminal."""
    probe = Console(stderr=stderr)
    width = None if probe.is_terminal else max(120, shutil.get_terminal_size((120, 24)).columns)
    return Console(stderr=stderr, width=width)


def sensitivity_lines(ranking: Sequence[Any]) -> list[list[str]]:
    """Rows of a sensitivity ranking: parameter, win-rate swing, lowest, highest, reputation."""
    lines = []
    for rank, s in enumerate(ranking, start=1):
        lo, hi = s.lowest, s.highest
        flat = s.swing == 0 and s.reputation_swing == 0
        lines.append([
            str(rank), s.path, f"{100 * s.swing:.0f} pts",
            "no effect" if flat else f"{lo.value:g} → {lo.win.pct()}",
            "no effect" if flat else f"{hi.value:g} → {hi.win.pct()}",
            f"{s.reputation_swing:.1f}",
        ])
    return lines


SENSITIVITY_HEADERS = ["#", "parameter", "win-rate swing", "lowest at", "highest at",
                       "reputation swing"]


def sensitivity_table(ranking: Sequence[Any], title: str) -> Table:
    """A rich table of a sensitivity ranking (largest swing first)."""
    table = Table(title=title, title_justify="left")
    for h in SENSITIVITY_HEADERS:
        table.add_column(h, justify="left" if h == "parameter" else "right")
    for line in sensitivity_lines(ranking):
        table.add_row(*line)
    return table
