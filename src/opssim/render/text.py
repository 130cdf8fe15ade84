"""The window's words: ``tr(key, lang, **values)`` formats a string of
:mod:`opssim.render.strings` for ``lang`` (falling back to English), and the helpers below
name duties and outcomes and format numbers, hours and times the same way everywhere.
Scenario text (titles, stage labels) comes from the scenario itself, not from here.
"""

import math

from opssim.render.strings import STRINGS
from opssim.scenario import Scenario
from opssim.scenario.schema.base import Text
from opssim.sim.clock import HOURS_PER_DAY, HOURS_PER_WEEK


def tr(key: str, lang: str, **values: object) -> str:
    """The string ``key`` in ``lang`` (English when missing), formatted with ``values``."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def duty_name(duty: str, lang: str, scenario: Scenario | None = None) -> str:
    """A duty's display name: the scenario's own label for it, else the game's (its id when
    unknown)."""
    own = _own(scenario, duty, "label")
    if own is not None:
        return own.get(lang)
    key = f"duty_{duty}"
    return tr(key, lang) if key in STRINGS else duty


def duty_hint(duty: str, lang: str, scenario: Scenario | None = None) -> str:
    """One line on what a duty's hours buy: the scenario's own, else the game's ('' when
    unknown)."""
    own = _own(scenario, duty, "hint")
    if own is not None:
        return own.get(lang)
    key = f"hint_{duty}"
    return tr(key, lang) if key in STRINGS else ""


def _own(scenario: Scenario | None, duty: str, field: str) -> Text | None:
    spec = scenario.duties.get(duty) if scenario is not None else None
    return getattr(spec, field, None) if spec is not None else None


def outcome_name(outcome: str | None, lang: str) -> str:
    """The display name of a run's outcome."""
    key = f"outcome_{outcome}"
    return tr(key, lang) if key in STRINGS else str(outcome)


def num(n: float) -> str:
    """A count with thousands separators (rounded to a whole number)."""
    return f"{round(n):,}"


def hours(h: float) -> str:
    """Hours without a pointless ``.0``."""
    return f"{h:g}" if h == int(h) else f"{h:.1f}"


def signed(x: float) -> str:
    """A change with its sign (a true minus sign for negatives)."""
    return f"+{x:.1f}" if x >= 0 else f"−{-x:.1f}"


def noise_pct(sd: float) -> int:
    """A dashboard's log-scale noise ``sd`` as the ± percentage of one standard deviation."""
    return round(100 * (math.exp(sd) - 1))


def approx(n: float, noise: float, lang: str) -> str:
    """A count as the player reads it: exact, or ``≈ 3,540`` (three significant figures, no
    false precision) when the dashboard is noisy."""
    if noise <= 0:
        return num(n)
    return tr("approx", lang, n=num(significant(n)))


def significant(n: float, digits: int = 3) -> float:
    """``n`` rounded to ``digits`` significant figures (1,149,930 → 1,150,000)."""
    if n == 0:
        return 0.0
    return round(n, digits - 1 - math.floor(math.log10(abs(n))))


def when(t: int, lang: str) -> str:
    """Hour ``t`` as a week and day (1-based), for 'until ...' and 'due ...'."""
    week, day = t // HOURS_PER_WEEK + 1, t % HOURS_PER_WEEK // HOURS_PER_DAY + 1
    return tr("when", lang, week=week, day=day)


def purpose_name(purpose: str, lang: str) -> str:
    """What a department request was for, in words."""
    key = f"purpose_{purpose}"
    return tr(key, lang) if key in STRINGS else purpose


def waited(h: int, lang: str) -> str:
    """A wait in hours, or in days once it is two days or more."""
    if h < 48:
        return tr("waited_h", lang, n=h)
    return tr("waited_d", lang, n=f"{h / 24:.1f}".removesuffix(".0"))


def kind_name(kind: str, lang: str) -> str:
    """A calendar happening's kind, for happenings without a label."""
    key = f"kind_{kind}"
    return tr(key, lang) if key in STRINGS else kind


def times(x: float) -> str:
    """A multiplier without trailing zeros: 1.6, 0.3, 2."""
    return f"{x:.2f}".rstrip("0").rstrip(".")
