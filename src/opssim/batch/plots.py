"""PNG charts for the balance report, drawn with matplotlib's Agg backend (no display needed).

Figures are built with :class:`matplotlib.figure.Figure` directly (not pyplot), so no global
state is touched and nothing tries to open a window.
"""

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from opssim.atomic import replace_atomically
from opssim.scenario import Scenario

from .rows import Row, weekly_series
from .stats import percentiles
from .summary import Summary
from .sweep import Sensitivity

BLUE, ORANGE, GREEN, RED, GREY = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#7f7f7f"
DPI = 110


def _save(fig: Figure, path: Path) -> Path:
    FigureCanvasAgg(fig)
    # Atomically: a report interrupted mid-chart keeps the last whole PNG, never half of one.
    replace_atomically(path, lambda tmp: fig.savefig(tmp, dpi=DPI, bbox_inches="tight",
                                                    format="png"))
    return path


def win_rates(summaries: Sequence[Summary], path: Path, highlight: Sequence[str] = ()
              ) -> Path:
    """Win rate and fired rate per policy, with 95% Wilson intervals, best on top."""
    order = sorted(summaries, key=lambda s: (s.win.value, -s.fired.value))
    labels = [s.label for s in order]
    y = np.arange(len(order))
    fig = Figure(figsize=(10, 0.45 * len(order) + 1.6))
    ax_win, ax_fired = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [3, 2]})
    for ax, attr, colour, title in ((ax_win, "win", GREEN, "win rate (promoted)"),
                                    (ax_fired, "fired", RED, "fired rate")):
        est = [getattr(s, attr) for s in order]
        value = np.array([100 * e.value for e in est])
        lo = value - np.array([100 * e.low for e in est])
        hi = np.array([100 * e.high for e in est]) - value
        ax.barh(y, value, color=colour, alpha=0.35, height=0.6)
        ax.errorbar(value, y, xerr=[lo, hi], fmt="o", color=colour, ecolor="black",
                    elinewidth=1, capsize=3, markersize=4)
        for yi, v in zip(y, value, strict=True):
            ax.text(min(v, 100) + 1, yi + 0.28, f"{v:.0f}%", fontsize=7, color="#333333")
        ax.set_xlim(0, 105)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("% of runs (bars: 95% CI)")
        ax.grid(axis="x", alpha=0.3)
    ax_win.set_yticks(y, [_short(lb) for lb in labels], fontsize=8)
    for tick, label in zip(ax_win.get_yticklabels(), labels, strict=True):
        if label in highlight:
            tick.set_fontweight("bold")
    fig.suptitle(f"Outcome by policy ({order[0].runs if order else 0} seeds each)",
                 fontsize=11)
    return _save(fig, path)


def fan_chart(scenario: Scenario, metric: str, groups: dict[str, Sequence[Row]], path: Path
              ) -> Path:
    """Weekly distribution of ``metric`` (a KPI id or ``reputation``) per policy: median,
    25-75% and 5-95% bands, with the target (or the fire and promotion lines)."""
    weeks = scenario.weeks
    x = np.arange(1, weeks + 1)
    fig = Figure(figsize=(4.2 * len(groups) + 0.6, 3.6))
    axes = np.atleast_1d(fig.subplots(1, len(groups), sharey=True))
    target = next((t for t in scenario.reviews.targets if t.kpi == metric), None)
    for ax, (label, rows) in zip(axes, groups.items(), strict=True):
        m = np.array([weekly_series(r, metric, weeks) for r in rows], dtype=float)
        if m.size == 0:
            continue
        p = percentiles(m, [5, 25, 50, 75, 95])
        ax.fill_between(x, p[0], p[4], color=BLUE, alpha=0.15, label="5–95%")
        ax.fill_between(x, p[1], p[3], color=BLUE, alpha=0.3, label="25–75%")
        ax.plot(x, p[2], color=BLUE, lw=2, label="median")
        alive = np.sum(~np.isnan(m), axis=0)
        if alive.min() < len(rows):
            ax2 = ax.twinx()
            ax2.plot(x, 100 * alive / len(rows), color=GREY, lw=1, ls=":")
            ax2.set_ylim(0, 105)
            ax2.set_ylabel("% of runs still playing", fontsize=7, color=GREY)
            ax2.tick_params(labelsize=7, colors=GREY)
        if metric == "reputation":
            bar = scenario.blame.promotion.reputation
            ax.axhline(bar, color=GREEN, ls="--", lw=1, label=f"promotion bar {bar:g}")
            ax.axhline(0, color=RED, ls="--", lw=1, label="fired at 0")
        elif target is not None:
            kpi = next(k for k in scenario.kpis if k.name == target.kpi)
            if kpi.weekly:
                xs = x[(x >= kpi.from_week) & (x <= kpi.to_week)]
                ax.plot(xs, [kpi.amount] * len(xs), color=RED, ls="--", lw=1,
                        label=f"target {kpi.amount:,.0f}/wk")
            else:
                ax.axhline(kpi.amount, color=RED, ls="--", lw=1,
                           label=f"target {kpi.amount:,.0f} by week {kpi.to_week}")
        ax.set_title(_short(label, 40), fontsize=9)
        ax.set_xlabel("end of week")
        ax.set_xticks(x if weeks <= 16 else x[:: max(1, weeks // 8)])
        ax.grid(alpha=0.3)
    axes[0].set_ylabel(_metric_label(scenario, metric))
    axes[0].legend(fontsize=7, loc="upper left")
    fig.suptitle(f"{_metric_label(scenario, metric)} over the weeks", fontsize=11)
    fig.tight_layout()
    return _save(fig, path)


def tornado(ranking: Sequence[Sensitivity], base_win: float, base_rep: float, path: Path,
            policy: str) -> Path:
    """A tornado: each parameter's low and high value against the base, for the win rate
    (left) and the mean final reputation (right); largest swing on top."""
    rows = list(reversed(ranking))
    y = np.arange(len(rows))
    fig = Figure(figsize=(11, 0.42 * len(rows) + 1.8))
    ax_w, ax_r = fig.subplots(1, 2, sharey=True)
    for ax, base, get, title, top in (
        (ax_w, 100 * base_win, lambda lv: 100 * lv.win.value, "win rate (%)", 100.0),
        (ax_r, base_rep, lambda lv: lv.reputation.value, "mean final reputation", 100.0),
    ):
        seen = [base]
        for yi, s in zip(y, rows, strict=True):
            levels = sorted(s.levels, key=lambda lv: lv.value)
            ends = [(get(levels[0]), BLUE), (get(levels[-1]), ORANGE)]
            # The longer bar first, so a shorter one on the same side stays visible on top.
            for v, colour in sorted(ends, key=lambda e: -abs(e[0] - base)):
                seen.append(v)
                if v != base:
                    ax.barh(yi, v - base, left=base, color=colour, height=0.6)
        lo, hi = min(seen), max(seen)
        pad = max(2.0, 0.1 * (hi - lo))
        ax.set_xlim(max(0.0, lo - pad), min(top, hi + pad))
        if hi == lo:
            ax.text(0.5, 0.5, "no change at any level", transform=ax.transAxes,
                    ha="center", color=GREY)
        ax.axvline(base, color="black", lw=1)
        ax.set_title(title, fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    ax_w.set_yticks(y, [s.path for s in rows], fontsize=8)
    ax_r.legend(handles=[Patch(color=BLUE, label="parameter -20%"),
                         Patch(color=ORANGE, label="parameter +20%")],
                fontsize=7, loc="lower right")
    fig.suptitle(f"Sensitivity under {policy!r}: each parameter ±20%, others at base "
                 f"(line: base)", fontsize=11)
    fig.tight_layout()
    return _save(fig, path)


def _metric_label(scenario: Scenario, metric: str) -> str:
    if metric == "reputation":
        return "reputation"
    k = next(k for k in scenario.kpis if k.name == metric)
    what = "revenue from users" if k.revenue else "users"
    if k.weekly:
        return f"{metric} per week (new {what} reaching {k.stage})"
    return f"{metric} so far ({what} reaching {k.stage}, weeks {k.from_week}-{k.to_week})"


def _short(label: str, width: int = 34) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"
