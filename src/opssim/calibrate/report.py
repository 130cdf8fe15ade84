"""``calibration.md``: what was fitted, from what, what was dropped, and two figures — each
stage's Kaplan–Meier conversion curve against the fitted ``p F(t)``, and weekly arrivals
against the fitted rate."""

import math
from pathlib import Path

import numpy as np

from opssim.calibrate.arrivals import HOURS_PER_WEEK, WEEKDAYS
from opssim.calibrate.cure import stage_samples
from opssim.calibrate.pipeline import Calibration


def kaplan_meier(delays: np.ndarray, follow: np.ndarray, width: float, bins: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The Kaplan–Meier share converted (``1 - S(t)``) at the end of each of ``bins`` bins of
    ``width`` hours, users not yet converted censored at their follow-up (at risk through
    the bin they leave in). Counting per bin instead of sorting keeps a million users quick;
    the curve is exact at the bins' edges up to moves and censorings within one bin."""
    def per_bin(x: np.ndarray) -> np.ndarray:
        k = np.minimum((x / width).astype(np.int64), bins)  # bin ``bins``: later than shown
        return np.bincount(k, minlength=bins + 1).astype(float)

    moved, left = per_bin(delays), per_bin(follow)
    at_risk = len(delays) + len(follow) - np.concatenate([[0.0], np.cumsum(moved + left)])
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard = np.where(at_risk[:bins] > 0, moved[:bins] / at_risk[:bins], 0.0)
    edges = width * np.arange(1, bins + 1)
    return edges, 1 - np.cumprod(1 - hazard)


def _plots(cal: Calibration, folder: Path, stem: str) -> tuple[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    j = cal.journeys
    n = len(cal.stages)
    cols = 2 if n > 1 else 1
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(6.4 * cols, 3.6 * rows), squeeze=False)
    for s, fit in enumerate(cal.stages):
        ax = axes[s // cols][s % cols]
        delays, follow = stage_samples(j.reached, s, j.end_h, j.window_h)
        span = 1.0
        if fit.converted:  # a little past where most movers have moved
            span = min(float(np.quantile(np.concatenate([delays, follow]), 0.99)),
                       3 * float(np.quantile(delays, 0.95)))
        span = max(span, 1.0)
        t = np.linspace(0, span, 400)
        ax.plot(t, fit.cdf(t), color="#f4a582", lw=4, label=f"fit: p·F(t), {fit.family}")
        t_km, f_km = kaplan_meier(delays, follow, span / 1000, 1000)
        seen = t_km <= max(float(delays.max()) if len(delays) else 0.0, span / 1000)
        ax.step(np.concatenate([[0], t_km[seen]]), np.concatenate([[0], f_km[seen]]),
                where="pre", color="#222222", lw=1.2, label="Kaplan–Meier (data)")
        ax.axhspan(fit.p.low, fit.p.high, color="#d04a02", alpha=0.15,
                   label="p, 95% interval")
        ax.axhline(fit.naive_p, color="#1f77b4", ls="--", lw=1, label="naive share")
        ax.set_xlim(0, span)
        ax.set_title(f"{j.stage_ids[s]} → {j.stage_ids[s + 1]}  (n={fit.n:,})", fontsize=10)
        ax.set_xlabel("hours since reaching the stage before")
        ax.set_ylabel("share moved on")
        ax.legend(fontsize=7, loc="lower right")
    for k in range(n, rows * cols):
        axes[k // cols][k % cols].axis("off")
    fig.tight_layout()
    conv = f"{stem}-conversion.png"
    fig.savefig(folder / conv, dpi=90)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(8, 4))
    weeks = j.end_h / HOURS_PER_WEEK
    for i, a in enumerate(cal.arrivals[:8]):
        color = f"C{i}"
        x = np.arange(len(a.weekly))
        exposure = np.minimum(weeks - x, 1.0)  # the last week may be partial
        label = a.channel if a.enters == 0 else f"{a.channel} at {j.stage_ids[a.enters]}"
        ax.plot(x + 0.5, a.weekly / exposure, "o", color=color, ms=4, label=f"{label} (data)")
        ax.axhline(a.per_week.value, color=color, lw=1.5)
        ax.axhspan(a.per_week.low, a.per_week.high, color=color, alpha=0.15)
    ax.set_xlabel("week since the data's start")
    ax.set_ylabel("users arriving per week")
    ax.set_title("Weekly arrivals (dots) against the fitted rate (line, 95% band)", fontsize=10)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7)
    fig.tight_layout()
    arr = f"{stem}-arrivals.png"
    fig.savefig(folder / arr, dpi=90)
    plt.close(fig)
    return conv, arr


def report_text(cal: Calibration, scenario_name: str, images: tuple[str, str]) -> str:
    """The markdown of the report, the figures named relative to it."""
    j = cal.journeys
    lines = [
        "# Calibration report",
        "",
        f"Fitted by `opssim calibrate` from **{cal.source}**, {cal.date_range} "
        f"({j.end_h / HOURS_PER_WEEK:.1f} weeks): {cal.events_read:,} events read, "
        f"{j.n_users:,} users in the fit. Scenario: `{scenario_name}`.",
        "",
        "## Dropped, and why",
        "",
    ]
    assert j.dropped is not None
    dropped = j.dropped.lines()
    lines += [f"- {d}" for d in dropped] or ["- nothing"]
    lines += [
        "",
        "## Stages",
        "",
        "Each move is fitted as a mixture-cure model: a share `p` of users ever move on, after "
        "a delay `F`; users who had not moved on when the data ends"
        + (f" (or {j.window_h / 24:g} days, the conversion window, had passed)"
           if j.window_h else "")
        + " are censored, not counted as lost. The naive share (moved on / reached) ignores "
        "that and is biased low. Intervals are 95%. The delay family has the lowest AIC.",
        "",
        "| move | users | moved on | p (95%) | naive | delay | mean hours (95%) | ΔAIC |",
        "| --- | ---: | ---: | --- | ---: | --- | --- | --- |",
    ]
    for s, fit in enumerate(cal.stages):
        params = ", ".join(f"{k} {v.fmt()}" for k, v in fit.params.items()) or "not fitted"
        others = ", ".join(f"{f} +{a - fit.aic[fit.family]:.1f}" for f, a in fit.aic.items()
                           if f != fit.family)
        mean = fit.mean_h.fmt() if fit.mean_h else "–"
        lines.append(f"| {j.stage_ids[s]} → {j.stage_ids[s + 1]} | {fit.n:,} | "
                     f"{fit.converted:,} | {fit.p.fmt()} | {fit.naive_p:.3g} | {fit.family}: "
                     f"{params} | {mean} | {others} |")
    lines += ["", f"![Kaplan–Meier against the fit]({images[0]})", "", "## Arrivals", "",
              "| channel | enters | users | per week (95%) | weekly dispersion | weekday "
              "pattern |", "| --- | --- | ---: | --- | ---: | --- |"]
    for a in cal.arrivals:
        pattern = (f"none (χ² p = {a.weekday_p:.2g})" if a.weekday_index is None else
                   " ".join(f"{d} {x:.2f}" for d, x in zip(WEEKDAYS, a.weekday_index,
                                                            strict=True)))
        lines.append(f"| {a.channel} | {j.stage_ids[a.enters]} | {a.users:,} | "
                     f"{a.per_week.fmt()} | {a.dispersion:.2f} | {pattern} |")
    lines += ["", "The scenario format has one weekly rate per channel; a weekday pattern is "
              "reported here, not played.", "", f"![Weekly arrivals]({images[1]})", ""]
    if cal.churn is not None:
        c = cal.churn
        lines += ["## Churn", "", f"At `{j.stage_ids[-1]}`: {c.per_week.fmt()} a week "
                  f"({c.churned:,} left over {c.user_weeks:,.0f} user-weeks).", ""]
    return "\n".join(lines)


def write_report(cal: Calibration, path: Path, scenario_name: str) -> list[Path]:
    """Write ``path`` (markdown) and its two PNGs beside it; return the files written."""
    from opssim.atomic import write_text_atomically

    images = _plots(cal, path.parent, path.stem)
    write_text_atomically(path, report_text(cal, scenario_name, images))
    return [path, *(path.parent / i for i in images)]
