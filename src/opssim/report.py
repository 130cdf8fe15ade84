"""Human-readable run reports for the terminal (rich tables)."""

from typing import Any

from rich.console import Console
from rich.table import Table

from opssim.scenario import Scenario


def print_summary(data: dict[str, Any], scenario: Scenario, console: Console | None = None) -> None:
    """Print a run summary: funnel, KPIs per week, blame events, outcome."""
    console = console or Console()
    console.print(
        f"[bold]{scenario.title.en}[/]  scenario={data['scenario']} seed={data['seed']} "
        f"policy={data['policy']} weeks={data['weeks_played']}/{data['weeks']}"
    )
    labels = {s.id: (s.label.en if s.label else s.id) for s in scenario.funnel.stages}
    funnel = Table(title="Funnel", title_justify="left")
    for col in ("stage", "reached", "conversion", "there now", "dropped"):
        funnel.add_column(col, justify="left" if col == "stage" else "right")
    prev = None
    for row in data["funnel"]:
        conv = f"{row['reached'] / prev:.1%}" if prev else "—"
        funnel.add_row(labels[row["stage"]], f"{row['reached']:,}", conv, f"{row['now']:,}",
                       f"{row['dropped']:,}")
        prev = row["reached"]
    console.print(funnel)

    weekly = Table(title="KPIs per week (actual / target)", title_justify="left")
    weekly.add_column("week", justify="right")
    targets = data["weekly"][0]["kpis"] if data["weekly"] else []
    for k in targets:
        weekly.add_column(k["kpi"] + ("" if k["per_week"] else " (total)"), justify="right")
    for w in data["weekly"]:
        cells = []
        for k in w["kpis"]:
            mark = {True: "✓", False: "✗", None: " "}[k["hit"]]
            cells.append(f"{k['actual']:,} / {k['target']:,.0f} {mark}")
        weekly.add_row(str(w["week"]), *cells)
    console.print(weekly)

    if data["blame_events"]:
        blame = Table(title="Blame events", title_justify="left")
        for col in ("week", "kpi", "actual", "target", "verdict", "reputation"):
            blame.add_column(col, justify="right")
        for b in data["blame_events"]:
            blame.add_row(str(b["week"]), b["kpi"], f"{b['actual']:,}", f"{b['target']:,.0f}",
                          b["verdict"], f"{b['reputation_delta']:+.1f}")
        console.print(blame)
    else:
        console.print("No blame events.")
    s = data["support"]
    console.print(
        f"Support: {s['tickets']:,} tickets, {s['answered']:,} answered, {s['late']:,} late, "
        f"{s['users_lost']:,} users lost to late answers, {s['complaints']:,} complaints"
    )
    sp = data["specialist"]
    skills = ", ".join(f"{d} {v:.2f}" for d, v in sp["skills"].items())
    budget = "unlimited" if data["budget_left"] is None else f"{data['budget_left']:,.0f}"
    console.print(
        f"Specialist: fatigue {sp['fatigue']:.0f}/100, evidence {sp['evidence']:.1f}, "
        f"budget left {budget}; skills: {skills}"
    )
    console.print(f"Outcome: [bold]{data['outcome']}[/] (reputation {data['reputation']:.1f})")
