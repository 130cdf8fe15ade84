"""The line under the lever map: what one more hour of a duty is expected to add this week,
from paired look-ahead runs (:class:`~opssim.sim.lookahead.Effect`), and how sure that is."""

import math
from dataclasses import dataclass

import numpy as np

from opssim.render.palette import ACCENT, DIM, TEXT, WARN, Colour
from opssim.render.text import duty_name, hours, num, tr
from opssim.scenario import Scenario
from opssim.sim.lookahead import Effect, Later


@dataclass(frozen=True)
class Line:
    """One line of the hint: text, colour, bold."""

    text: str
    colour: Colour
    bold: bool = False


def delta(x: float) -> str:
    """A change with its sign: one decimal below ten, whole numbers above (−0.5, +35, +1,200)."""
    body = f"{abs(x):.1f}" if abs(x) < 10 else num(abs(x))
    return ("−" if x < 0 and body.strip("0.") else "+") + body


def clear(runs: tuple[int, ...]) -> bool:
    """Whether paired runs tell the change from luck: they all agree in sign, or their mean is
    two standard errors from zero."""
    a = np.asarray(runs, dtype=float)
    if len(a) == 0:
        return False
    if (a > 0).all() or (a < 0).all():
        return True
    if len(a) < 2:
        return False
    se = float(a.std(ddof=1)) / math.sqrt(len(a))
    return se > 0 and abs(float(a.mean())) >= 2 * se


def effect_lines(duty: str, effect: Effect | None, labels: dict[str, str], lang: str, *,
                 headline: str | None, full: float | None = None, locked: bool = False,
                 tires: float = 0.0, scenario: Scenario | None = None,
                 later: Later | None = None, later_pending: bool = False) -> list[Line]:
    """The hint for ``duty``: ``labels`` name the KPIs (in order), ``headline`` is the KPI told
    first, with how sure its change is; the other KPIs follow on one line. ``full`` is the
    week's cap when no hour is left, ``locked`` when colleagues do the duty; ``tires`` is the
    fatigue the hour adds by the week's end (rest it takes, or overtime), said when it
    counts, since it is often why an hour shows a loss."""
    name = duty_name(duty, lang, scenario)
    if locked:
        return [Line(tr("effect_locked", lang, duty=name), DIM)]
    if full is not None:
        return [Line(tr("effect_full", lang, max=hours(full)), WARN)]
    if effect is None:
        return [Line(tr("effect_computing", lang, duty=name), DIM, True)]
    first = headline if headline in effect.mean else next(iter(effect.mean))
    change = tr("effect_change", lang, delta=delta(effect.mean[first]), kpi=labels[first])
    out = [Line(tr("effect_line", lang, duty=name, changes=change), TEXT, True)]
    runs = effect.runs[first]
    key = "effect_clear" if clear(runs) else "effect_unclear"
    out.append(Line(tr(key, lang, n=len(runs), lo=delta(min(runs)), hi=delta(max(runs))),
                    ACCENT if key == "effect_clear" else DIM))
    if tires >= 0.05:
        out.append(Line(tr("effect_tires", lang, f=f"{tires:.1f}"), WARN))
    others = [tr("effect_change", lang, delta=delta(effect.mean[k]), kpi=label)
              for k, label in labels.items() if k != first and k in effect.mean]
    if others:
        out.append(Line(tr("effect_others", lang, changes=" · ".join(others)), DIM))
    out += later_lines(later, labels, first, lang, pending=later_pending)
    return out


def later_lines(later: Later | None, labels: dict[str, str], first: str, lang: str, *,
                pending: bool = False) -> list[Line]:
    """What this week's extra hour still does to the headline KPI by the next review and by the
    end: where a durable lever shows its worth. Clear when the paired runs' 95%
    interval leaves zero."""
    if later is None:
        return [Line(tr("effect_later_computing", lang), DIM)] if pending else []
    out = []
    for mark in later.runs:
        changes = tr("effect_change", lang, delta=delta(later.mean(mark, first)),
                     kpi=labels[first])
        lo, hi = later.interval(mark, first)
        sure = lo > 0 or hi < 0
        out.append(Line(tr("effect_later", lang, mark=tr(f"later_{mark}", lang),
                           changes=changes, verdict=tr("later_clear" if sure else
                                                       "later_unclear", lang)),
                        ACCENT if sure else DIM))
    return out
