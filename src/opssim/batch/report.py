"""The balance report: ``report.md`` with tables and the PNG charts beside it."""

import math
from collections.abc import Sequence
from pathlib import Path

from opssim.atomic import write_text_atomically
from opssim.model.difficulty import BANDS

from .balance import BalanceResult
from .families import Families
from .optimize import Candidate, SearchResult, mean_hours
from .plots import fan_chart, tornado, win_rates
from .rows import BLAME_PARTS, Row
from .run import versions
from .show import dominance_warnings, summary_lines
from .stats import Estimate, mean_ci, wilson
from .summary import (
    SENSITIVITY_HEADERS,
    markdown_table,
    sensitivity_lines,
    summarize_rows,
    summary_markdown,
    targets_note,
)


def write_report(result: BalanceResult, out_dir: Path, command: str) -> Path:
    """Draw the charts and write ``out_dir/report.md``; return its path."""
    sc = result.scenario
    found = result.search
    policies = _policies(found)
    summaries = [summarize_rows(name, list(c.rows), sc) for name, c in policies.items()]
    best_name = next(n for n, c in policies.items() if c.spec == found.best.spec)
    win_rates(summaries, out_dir / "winrate.png", highlight=[best_name, "plan"])
    groups: dict[str, Sequence[Row]] = {}
    for name in ("plan", "even", best_name):
        if name not in groups:
            groups[name] = policies[name].rows
    metrics = [t.kpi for t in sc.reviews.targets] + ["reputation"]
    for metric in metrics:
        fan_chart(sc, metric, groups, out_dir / f"fan_{metric}.png")
    base_rows = result.point_rows[0] if result.point_rows else []
    base_win = wilson(sum(r["outcome"] == "promoted" for r in base_rows), len(base_rows))
    base_rep = mean_ci(r["reputation"] for r in base_rows)
    if result.ranking:
        tornado(result.ranking, base_win.value, base_rep.value, out_dir / "tornado.png", "plan")

    v = versions()
    seeds = result.seeds
    lines = [
        f"# Balance report: {sc.title.get()} (`{sc.id}`)",
        "",
        f"{sc.description.get()}".strip(),
        "",
        f"{sc.weeks} weeks, difficulty *{sc.difficulty}*. {len(seeds)} seeds per policy "
        f"(seeds {seeds[0]}–{seeds[-1]}, the same for every policy: common random numbers). "
        f"Scenario hash `{found.plan.rows[0]['scenario_hash']}`; opssim {v['opssim']}, "
        f"numpy {v['numpy']}, simpy {v['simpy']}, Python {v['python']}.",
        "",
        f"Made by `{command}`. Every run is a row in `runs.csv` (policies) or "
        "`sensitivity.csv` (the tornado).",
        "",
        "## Verdict",
        "",
        *_verdict(result, base_win),
        "",
        "## Outcome by policy",
        "",
        "![Win rate and fired rate by policy](winrate.png)",
        "",
        summary_markdown(summaries, sc),
        "",
        targets_note(sc) + f" `heavy:DUTY` puts 80% of the {sc.specialist.contract_hours:g} "
        "contract hours on one duty and spreads the rest evenly; `best` is the search's best "
        "allocation:",
        "",
        f"- `best` = `{found.best.spec}`",
        "",
        "### Targets hit, and the promotion bar",
        "",
        _hits_table(policies, result),
        "",
        "### Where the misses come from",
        "",
        "Fair blame splits each miss into signed parts that add up to it: the plan (its "
        "expected value short of the target), luck (this period against the plan's average) "
        "and the specialist's hours (against the plan with the same luck). Summed over each "
        "run's misses, as a mean per run and as a share of the shortfall (a negative part "
        "helped):",
        "",
        _blame_table(policies),
        "",
        "## KPIs over the weeks",
        "",
        "Each panel is one policy: the median week by week, the middle half of the runs "
        "(25–75%) and nearly all of them (5–95%). A dotted grey line on the right axis shows "
        "how many runs are still going when some get fired.",
        "",
    ]
    for metric in metrics:
        lines += [f"![{metric} over the weeks](fan_{metric}.png)", ""]
    lines += ["## Sensitivity: which parameter moves the plan's win rate most", ""]
    if result.ranking:
        lines += [
            f"Each parameter is moved -{20}% and +{20}% with all others at the scenario's "
            f"value, under `plan`, on {len(result.point_rows[0])} seeds per point (the first "
            f"of the {len(seeds)} above; `--sensitivity-seeds` sets it). The base (the "
            f"scenario as written) wins {base_win.pct()} on these seeds, with a mean final "
            f"reputation of {base_rep.num(1)}. The ranking sorts by the swing of the win rate, "
            "then of the mean final reputation (which still moves when nothing wins).",
            "",
            "![Tornado chart](tornado.png)",
            "",
            markdown_table(SENSITIVITY_HEADERS, sensitivity_lines(result.ranking)),
            "",
        ]
        if result.dropped:
            lines += ["Levels left out because the schema refuses them: "
                      + ", ".join(f"`{d}`" for d in result.dropped) + ".", ""]
    else:
        lines += ["No parameter to vary.", ""]
    if result.families is not None:
        lines += _families_section(result.families)
    lines += [
        "## Strategy search",
        "",
        f"A cross-entropy search tried {sum(c.origin == 'search' for c in found.evaluated)} "
        "allocations beyond the standard policies, each on the same seeds, narrowing onto "
        "the best fifth each round (win rate first, then mean final reputation).",
        "",
        "```",
        *summary_lines(found),
        "```",
        "",
        "The best allocation's win rate on the search seeds is optimistic (it was chosen on "
        "them); the fresh-seed line is the honest estimate.",
        "",
        "### Top candidates",
        "",
        _candidates_table(found.evaluated),
        "",
    ]
    path = out_dir / "report.md"
    write_text_atomically(path, "\n".join(lines).rstrip() + "\n")
    return path


def _blame_table(policies: dict[str, Candidate]) -> str:
    """Per policy: misses per run, the shortfall per run and its signed parts."""
    lines = []
    for name, c in policies.items():
        rows = list(c.rows)
        n = max(1, len(rows))
        parts = {p: sum(float(r.get(f"blame_{p}") or 0.0) for r in rows) / n
                 for p in BLAME_PARTS}
        short = sum(parts.values())
        cells = [f"`{name}`", f"{sum(r['blame_count'] for r in rows) / n:.1f}",
                 f"{short:,.0f}"]
        for p in BLAME_PARTS:
            share = f" ({100 * parts[p] / short:.0f}%)" if abs(short) > 1e-9 else ""
            cells.append(f"{parts[p]:+,.0f}{share}")
        lines.append(cells)
    return markdown_table(["policy", "misses / run", "short / run", "plan", "luck",
                           "your hours"], lines)


def _families_section(families: Families) -> list[str]:
    """The three strategy families side by side, paired against the best constant."""
    fresh = families.fresh
    rows = []
    for name, spec in families.specs():
        c = fresh[name]
        searched = families.best_constant if name == "constant" else (
            families.phased.best if name == "phased" else
            families.adaptive.best if name == "adaptive" else families.constant.plan)
        if name == "constant":
            gain = "—"
        else:
            d = families.gain(name)
            gain = (f"{100 * d.value:+.0f} pts" if math.isnan(d.low) else
                    f"{100 * d.value:+.0f} pts [{100 * d.low:+.0f}, {100 * d.high:+.0f}]")
        rows.append([name, searched.win.pct(), c.win.pct(), gain, f"`{spec}`"])
    winner = families.winner
    d = families.gain(winner)
    verdict = (f"The best {winner} policy beats the best constant allocation by "
               f"{100 * d.value:+.0f} points on the fresh seeds"
               + ("" if math.isnan(d.low) else
                  f" (paired 95% interval [{100 * d.low:+.0f}, {100 * d.high:+.0f}])")
               + ("; the week-by-week decisions matter." if d.low > 0 else
                  "; that is not yet told apart from luck: one allocation all run long is "
                  "about as good as deciding week by week."))
    return [
        "## Three strategy families",
        "",
        f"Each family searched with the same budget on the same {len(families.constant.seeds)}"
        " seeds: **constant** (one allocation every week), **phased** (hours per phase: the "
        f"weeks cut in {families.phases} equal parts), **adaptive** (a rule table: hours "
        "that react to what the player observes — "
        "the support backlog, KPI pace, reputation, fatigue, an event live, a calendar "
        "happening ahead). The best of each, and the plan, then ran on "
        f"{len(families.fresh_seeds)} fresh seeds, the same for all (paired: the gain's "
        "interval is on the difference, seed by seed).",
        "",
        markdown_table(["family", "search seeds", "fresh seeds", "vs best constant (fresh)",
                        "policy"], rows),
        "",
        verdict,
        "",
    ]


def _policies(found: SearchResult) -> dict[str, Candidate]:
    """plan, even, each heavy:DUTY, then the search's best (unless it is one of those)."""
    out: dict[str, Candidate] = {"plan": found.plan, "even": found.even}
    for c in found.heavy:
        out[c.spec] = c
    if all(found.best.spec != c.spec for c in out.values()):
        out["best"] = found.best
    return out


def _verdict(result: BalanceResult, base_win: Estimate) -> list[str]:
    found = result.search
    plan, even, best = found.plan, found.even, found.best
    out = [
        f"- **The manager's plan** wins {plan.win.pct()} of runs and gets the specialist "
        f"fired in {_fired(plan)}.",
        f"- **An even split** wins {even.win.pct()}; fired in {_fired(even)}.",
    ]
    if best.spec in (plan.spec, even.spec):
        out.append(f"- **The search found nothing better than `{best.spec}`.**")
    else:
        d = found.versus(plan)
        interval = ("" if math.isnan(d.low)
                    else f", 95% CI [{100 * d.low:+.0f}, {100 * d.high:+.0f}]")
        out.append(
            f"- **The best allocation found** wins {best.win.pct()} "
            f"({100 * d.value:+.0f} pts over the plan on the same seeds{interval}): "
            f"`{best.spec}`."
        )
        held = found.holdout.get(best.spec)
        if held is not None:
            out.append(f"  On fresh seeds it wins {held.win.pct()}.")
    heavy = max(found.heavy, key=lambda c: c.score) if found.heavy else None
    warnings = dominance_warnings(found)
    if warnings:
        out += [f"- ⚠️ **Dominant strategy?** {w}." for w in warnings]
    elif heavy is not None:
        out.append(
            f"- No single-duty-heavy policy comes within the best's interval: the strongest, "
            f"`{heavy.spec}`, wins {heavy.win.pct()}."
        )
    out += _skill_cliff(result)
    lo, hi = BANDS[result.scenario.difficulty]
    where = ("below" if plan.win.value < lo else "above" if plan.win.value > hi else "within")
    out.append(
        f"- A *{result.scenario.difficulty}* scenario promises a plan win rate of "
        f"{100 * lo:.0f}–{100 * hi:.0f}% (the band `opssim lint` checks); this one is "
        f"**{where}** it ({plan.win.pct()})."
    )
    if result.ranking:
        top = result.ranking[:3]
        parts = [f"`{s.path}` ({100 * s.swing:.0f} pts win rate, {s.reputation_swing:.1f} "
                 "reputation)" for s in top]
        out.append("- **Most sensitive** (each ±20%): " + "; ".join(parts) + ".")
    return out


def _skill_cliff(result: BalanceResult) -> list[str]:
    """A bullet when allocations reach the reputation bar but miss the skill bar."""
    promotion = result.scenario.blame.promotion
    bar = promotion.reputation
    evaluated = result.search.evaluated
    blocked = [c for c in evaluated if skill_blocked(c.rows, bar) >= 0.5]
    if not promotion.skills or not blocked:
        return []
    skills = ", ".join(f"{d} ≥ {v:g}" for d, v in promotion.skills.items())
    example = max(blocked, key=lambda c: c.reputation.value)
    line = (
        f"- **The skill bar ({skills}) is a cliff:** {len(blocked)} of the "
        f"{len(evaluated)} allocations tried end above reputation {bar:g} in most runs yet are "
        f"kept for lack of skill, e.g. `{example.spec}` (mean reputation "
        f"{example.reputation.value:.0f}, wins {example.win.pct()})."
    )
    winners = [c for c in evaluated if c.win.value >= 0.5]
    for duty in promotion.skills:
        won = [mean_hours(c.policy, c.weeks).get(duty, 0.0) for c in winners]
        lost = [mean_hours(c.policy, c.weeks).get(duty, 0.0) for c in blocked]
        if won and lost:
            line += (f" Every allocation that wins half its runs or more spends at least "
                     f"{min(won):g} h/week on {duty}; the blocked ones at most {max(lost):g}.")
    return [line]


def _fired(c: Candidate) -> str:
    return wilson(sum(r["outcome"] == "fired" for r in c.rows), len(c.rows)).pct()


def _hits_table(policies: dict[str, Candidate], result: BalanceResult) -> str:
    sc = result.scenario
    headers = ["policy"]
    reviews = []
    for kpi in sc.kpis:
        held = kpi.review_weeks(sc.weeks, sc.reviews.every_weeks)  # never empty: validated
        if kpi.weekly:
            headers.append(f"{kpi.name}: reviews hit (of {len(held)})")
        else:
            headers.append(f"{kpi.name}: hit at week {held[0]}")
        reviews.append(len(held))
    headers.append(f"reputation ≥ {sc.blame.promotion.reputation:g} at the end")
    headers.append("…but kept (skills short)")
    lines = []
    for name, c in policies.items():
        cells = [f"`{name}`"]
        for t, n in zip(sc.reviews.targets, reviews, strict=True):
            hits = mean_ci(r[f"hits_{t.kpi}"] for r in c.rows)
            cells.append(f"{hits.value:.1f} ({100 * hits.value / n:.0f}%)")
        high = [r for r in c.rows if reached_bar(r, sc.blame.promotion.reputation)]
        cells.append(f"{100 * len(high) / max(1, len(c.rows)):.0f}%")
        cells.append(f"{100 * skill_blocked(c.rows, sc.blame.promotion.reputation):.0f}%")
        lines.append(cells)
    return markdown_table(headers, lines)


def reached_bar(row: Row, bar: float) -> bool:
    """Whether a run ended (not fired) with the reputation the promotion asks for."""
    return row["outcome"] != "fired" and row["reputation"] >= bar


def skill_blocked(rows: Sequence[Row], bar: float) -> float:
    """Share of runs that reached the reputation bar but were kept: the skills fell short."""
    blocked = sum(reached_bar(r, bar) and r["outcome"] == "kept" for r in rows)
    return blocked / max(1, len(rows))


def _candidates_table(evaluated: Sequence[Candidate]) -> str:
    ranked = sorted(evaluated, key=lambda c: c.score, reverse=True)[:8]
    lines = []
    for i, c in enumerate(ranked, start=1):
        duty, share = c.focus
        lines.append([str(i), f"`{c.spec}`", c.win.pct(), c.reputation.num(1),
                      f"{duty} {100 * share:.0f}%"])
    return markdown_table(["#", "policy", "win rate", "reputation", "largest duty"], lines)
