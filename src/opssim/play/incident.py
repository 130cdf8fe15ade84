"""The incident card's model: the card waiting for an answer, each choice's label and the range
of its effects as notes (string key, tone, values), and the answer given by key or click.

The incident card widget (:mod:`opssim.render.incident_card`) draws this and sends it the
player's actions; nothing here draws or imports pygame.
"""

from dataclasses import dataclass

from opssim.play.planning import Note
from opssim.scenario import Scenario
from opssim.scenario.schema import Effects, Incident
from opssim.scenario.schema.incidents import bounds


@dataclass(frozen=True)
class ChoiceView:
    """One choice as the card shows it: its label and what it may do."""

    label: str
    effects: tuple[Note, ...]
    default: bool


def _num(x: float) -> str:
    """``x`` with a sign, as few decimals as it needs."""
    text = f"{x:+.1f}".rstrip("0").rstrip(".")
    return "+0" if text in ("+0", "-0") else text


def span(amount: object) -> str:
    """An amount as the card shows it: ``+3`` or ``+3 … +6``."""
    lo, hi = bounds(amount)  # type: ignore[arg-type]
    return _num(lo) if lo == hi else f"{_num(lo)} … {_num(hi)}"


def _tone(amount: object, good_when_up: bool) -> str:
    lo, hi = bounds(amount)  # type: ignore[arg-type]
    if lo >= 0 and hi > 0:
        return "good" if good_when_up else "bad"
    if hi <= 0 and lo < 0:
        return "bad" if good_when_up else "good"
    return "info"


def effect_notes(fx: Effects, scenario: Scenario, lang: str) -> tuple[Note, ...]:
    """What ``fx`` does, one note per effect, in the order the card lists them."""
    out: list[Note] = []
    if fx.hours is not None:
        lo, hi = bounds(fx.hours)
        text = f"{lo:g}" if lo == hi else f"{lo:g} … {hi:g}"
        out.append(Note("inc_hours", "warn", {"h": text}))
    if fx.fatigue is not None:
        out.append(Note("inc_fatigue", _tone(fx.fatigue, False), {"x": span(fx.fatigue)}))
    if fx.reputation is not None:
        out.append(Note("inc_reputation", _tone(fx.reputation, True),
                        {"x": span(fx.reputation)}))
    if fx.budget is not None and scenario.company.budget is not None:
        out.append(Note("inc_budget", _tone(fx.budget, True), {"x": span(fx.budget)}))
    if fx.evidence is not None:
        out.append(Note("inc_evidence", "good", {"x": span(fx.evidence)}))
    if fx.department is not None:
        m = fx.department
        spec = scenario.departments.get(m.id)
        name = spec.label.get(lang) if spec is not None and spec.label is not None else m.id
        if m.response_x != 1.0:
            key = "inc_dept_slower" if m.response_x > 1 else "inc_dept_faster"
            out.append(Note(key, "bad" if m.response_x > 1 else "good",
                            {"dept": name, "x": f"{m.response_x:g}", "days": m.days}))
        if m.stall_chance != 0.0:
            out.append(Note("inc_dept_stall", "bad" if m.stall_chance > 0 else "good",
                            {"dept": name, "pct": f"{m.stall_chance * 100:+.0f}",
                             "days": m.days}))
    if fx.funnel is not None:
        f = fx.funnel
        if f.arrivals_x != 1.0:
            out.append(Note("inc_arrivals", "good" if f.arrivals_x > 1 else "bad",
                            {"x": f"{f.arrivals_x:g}", "days": f.days}))
        for stage_id, x in f.convert_x.items():
            stage = next(s for s in scenario.funnel.stages if s.id == stage_id)
            label = stage.label.get(lang) if stage.label is not None else stage_id
            out.append(Note("inc_convert", "good" if x > 1 else "bad",
                            {"stage": label, "x": f"{x:g}", "days": f.days}))
    return tuple(out) or (Note("inc_nothing", "info"),)


class IncidentModel:
    """The card the run waits on, and the choice under the keyboard's focus."""

    def __init__(self, scenario: Scenario, lang: str) -> None:
        self.scenario = scenario
        self.lang = lang
        self.card: Incident | None = None
        self.focus = 0

    @property
    def visible(self) -> bool:
        """Whether a card is up."""
        return self.card is not None

    def show(self, card: Incident) -> None:
        """Put ``card`` up, the focus on its default."""
        self.card = card
        self.focus = card.default_index

    def close(self) -> None:
        """Take the card down (once answered)."""
        self.card = None

    def choices(self) -> list[ChoiceView]:
        """The card's choices as the player sees them."""
        card = self.card
        if card is None:
            return []
        return [ChoiceView(c.label.get(self.lang),
                           effect_notes(c.effects, self.scenario, self.lang),
                           i == card.default_index)
                for i, c in enumerate(card.choices)]

    def move(self, step: int) -> None:
        """Move the focus ``step`` choices down (wrapping)."""
        if self.card is not None:
            self.focus = (self.focus + step) % len(self.card.choices)
