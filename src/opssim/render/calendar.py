"""The scenario's calendar as the window tells it: which happening a log record is, its name,
what it does to the numbers, and which happenings are under way."""

import math

from opssim.model.records import Happening as HappeningRecord
from opssim.render.palette import DIM, GOOD, WARN, Colour
from opssim.render.text import kind_name, num, times, tr
from opssim.scenario import Scenario
from opssim.scenario.schema import Happening
from opssim.sim.clock import HOURS_PER_DAY, HOURS_PER_WEEK


def start_hour(h: Happening) -> int:
    """The hour a happening begins (as the engine schedules it)."""
    return (h.week - 1) * HOURS_PER_WEEK + (h.day - 1) * HOURS_PER_DAY


def end_hour(h: Happening) -> int:
    """The hour a happening ends (as the engine schedules it)."""
    return start_hour(h) + max(1, math.ceil(h.hours))


class Calendar:
    """Looks up the scenario's happenings from the engine's ``Happening`` records."""

    def __init__(self, scenario: Scenario, lang: str) -> None:
        self.sc = scenario
        self.lang = lang
        self.stage_labels = {s.id: s.label.get(lang) if s.label else s.id
                             for s in scenario.funnel.stages}
        self.active: list[int] = []  # indices into the calendar, in the order they began

    def find(self, r: HappeningRecord) -> int | None:
        """The calendar index the record is about (None if it matches none)."""
        for i, h in enumerate(self.sc.calendar):
            if h.kind == r.what and (start_hour(h) if r.started else end_hour(h)) == r.t:
                return i
        return None

    def note(self, r: HappeningRecord) -> None:
        """Keep :attr:`active` up to date with a record."""
        i = self.find(r)
        if i is None:
            return
        if r.started and i not in self.active:
            self.active.append(i)
        elif not r.started and i in self.active:
            self.active.remove(i)

    def name(self, i: int) -> str:
        """A happening's label (its kind in words when it has none)."""
        h = self.sc.calendar[i]
        return h.label.get(self.lang) if h.label else kind_name(h.kind, self.lang)

    def effects(self, i: int) -> str:
        """What a happening does to the numbers, in a few words."""
        h, lang = self.sc.calendar[i], self.lang
        parts = []
        if h.arrivals_x != 1:
            parts.append(tr("fx_arrivals", lang, x=times(h.arrivals_x)))
        for stage, x in h.convert_x.items():
            if x != 1:
                parts.append(tr("fx_convert", lang, stage=self.stage_labels.get(stage, stage),
                                x=times(x)))
        if h.tickets:
            parts.append(tr("fx_tickets", lang, n=num(h.tickets)))
        return "、".join(parts) if lang == "zh" else ", ".join(parts)

    def colour(self, i: int) -> Colour:
        """Good news (only more arrivals or conversion) or a warning."""
        h = self.sc.calendar[i]
        good = h.arrivals_x >= 1 and all(x >= 1 for x in h.convert_x.values()) and not h.tickets
        return GOOD if good else WARN

    def sentence(self, r: HappeningRecord) -> tuple[str, Colour] | None:
        """The ticker line for a record, or None if it matches no happening."""
        i = self.find(r)
        lang = self.lang
        if i is None:
            what = kind_name(r.what, lang)
            key = "ev_happening_plain" if r.started else "ev_happening_end"
            return tr(key, lang, what=what), WARN
        if not r.started:
            return tr("ev_happening_end", lang, what=self.name(i)), DIM
        fx = self.effects(i)
        key = "ev_happening" if fx else "ev_happening_plain"
        return tr(key, lang, what=self.name(i), effects=fx), self.colour(i)
