"""The log under the funnel: the latest things that happened, in words, with their time."""

from collections import deque

import pygame

from opssim.model.records import (
    BlameEvent,
    EventEnded,
    EventLaunched,
    PiecePublished,
    PieceStale,
    Record,
    Review,
    RunEnded,
    TicketsLate,
    WeekStarted,
)
from opssim.render import fonts
from opssim.render.palette import BAD, DIM, FAINT, GOOD, TEXT, TICKER, WARN, Colour
from opssim.render.text import hours, num, outcome_name, signed, tr
from opssim.render.widgets import panel
from opssim.sim import HOURS_PER_DAY, HOURS_PER_WEEK

LINES = 4


class Ticker:
    """Keeps the last few notable records as sentences."""

    def __init__(self, lang: str, kpi_labels: dict[str, str], *, auto: bool = False) -> None:
        self.lang = lang
        self.auto = auto
        self.kpi_labels = kpi_labels
        self.lines: deque[tuple[str, str, Colour]] = deque(maxlen=LINES)
        self._late: tuple[int, int, int] | None = None  # (day, late, lost) of the last line

    def add(self, records: list[Record]) -> None:
        """Turn the new records worth telling into lines (flows are shown by the funnel).

        Late tickets of one day share a line, so a busy support queue does not flood the log.
        """
        for r in records:
            if isinstance(r, TicketsLate):
                if not r.lost:
                    continue
                day = r.t // HOURS_PER_DAY
                if self._late is not None and self._late[0] == day and self.lines:
                    self.lines.pop()
                    late, lost = self._late[1] + r.late, self._late[2] + r.lost
                else:
                    late, lost = r.late, r.lost
                self._late = (day, late, lost)
                text = tr("ev_late", self.lang, late=num(late), lost=num(lost))
                self.lines.append((self._stamp(r.t), text, WARN))
                continue
            line = self._describe(r)
            if line is not None:
                self._late = None
                self.lines.append((self._stamp(r.t), *line))

    def _stamp(self, t: int) -> str:
        week = t // HOURS_PER_WEEK
        day = (t % HOURS_PER_WEEK) // HOURS_PER_DAY
        if t and t % HOURS_PER_WEEK == 0:  # the end of a week belongs to it
            week, day = week - 1, 6
            return tr("stamp", self.lang, week=week + 1, day=day + 1, hour=24)
        return tr("stamp", self.lang, week=week + 1, day=day + 1, hour=t % HOURS_PER_DAY)

    def _describe(self, r: Record) -> tuple[str, Colour] | None:
        lang = self.lang
        match r:
            case WeekStarted():
                total = sum(h for _d, h in r.allocation)
                return tr("ev_week_started", lang, week=r.week + 1, total=hours(total)), TEXT
            case PiecePublished():
                return tr("ev_piece", lang, n=r.live), TEXT
            case PieceStale():
                return tr("ev_stale", lang, n=r.live), DIM
            case EventLaunched():
                day = (r.ends % HOURS_PER_WEEK) // HOURS_PER_DAY + 1
                return tr("ev_event", lang, day=day), GOOD
            case EventEnded():
                return tr("ev_event_end", lang), DIM
            case Review():
                hits = sum(x.hit for x in r.results)
                return (tr("ev_review", lang, week=r.week, hits=hits, misses=len(r.results) - hits),
                        GOOD if hits == len(r.results) else WARN)
            case BlameEvent():
                kpi = self.kpi_labels.get(r.kpi, r.kpi)
                return tr("ev_blame", lang, kpi=kpi, delta=signed(r.reputation_delta)), BAD
            case RunEnded():
                return tr("ev_end", lang, outcome=outcome_name(r.outcome, lang)), TEXT
        return None

    def draw(self, surface: pygame.Surface) -> None:
        """The panel with the newest line at the bottom."""
        x, y, w, _h = TICKER
        ty = panel(surface, TICKER, tr("log", self.lang)) - 8
        note = tr("auto_note" if self.auto else "help", self.lang)
        fonts.draw(surface, note, (x + w - 12, y + 9), 13, FAINT, anchor="topright")
        for i, (stamp, text, colour) in enumerate(self.lines):
            ly = ty + i * 17
            fonts.draw(surface, stamp, (x + 12, ly), 13, DIM)
            fonts.draw(surface, text, (x + 130, ly), 13, colour)
