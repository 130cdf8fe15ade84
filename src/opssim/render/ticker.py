"""The log under the funnel: the latest things that happened, in words, with their time.

Each record worth telling becomes one short sentence, so a player sees why the numbers
moved: copy going live or stale, events launching or being cancelled, departments stalling,
analysis sharpening the dashboard, holidays and outages, late tickets and complaints.
"""

from collections import deque

import pygame

from opssim.model.records import (
    AnalysisReady,
    BlameEvent,
    Complaints,
    DepartmentAnswer,
    DepartmentRequest,
    EventCancelled,
    EventData,
    EventEnded,
    EventLaunched,
    Happening,
    IncidentAnswered,
    PartnerEnded,
    PartnerSigned,
    PiecePublished,
    PieceStale,
    Record,
    Review,
    RunEnded,
    SpecialistWeek,
    TicketsLate,
    WeekStarted,
)
from opssim.render import fonts
from opssim.render.blame_popup import VERDICT_COLOUR, verdict_name
from opssim.render.calendar import Calendar
from opssim.render.palette import BAD, DIM, FAINT, GOOD, TEXT, TICKER, WARN, Colour
from opssim.render.text import (
    hours,
    noise_pct,
    num,
    outcome_name,
    purpose_name,
    signed,
    tr,
    waited,
    when,
)
from opssim.render.widgets import panel
from opssim.scenario import Scenario
from opssim.sim import HOURS_PER_DAY, HOURS_PER_WEEK

LINES = 6  # lines kept at 1280×720; a taller log shows more (up to MAX_LINES)
MAX_LINES = 16
LINE_H = 17
TEXT_X = 130


class Ticker:
    """Keeps the last few notable records as sentences."""

    def __init__(self, scenario: Scenario, lang: str, kpi_labels: dict[str, str],
                 calendar: Calendar, *, auto: bool = False) -> None:
        self.sc = scenario
        self.lang = lang
        self.auto = auto
        self.kpi_labels = kpi_labels
        self.calendar = calendar
        self.departments = {name: d.label.get(lang) if d.label else name
                            for name, d in scenario.departments.items()}
        self.lines: deque[tuple[str, str, Colour]] = deque(maxlen=MAX_LINES)
        self.now: float | None = None  # the clock as the last records arrived
        # Late tickets and complaints of one day share a line, so a busy queue does not flood
        # the log: (kind, day, counts...) of the last line when it is such a line.
        self._merge: tuple[type, int, tuple[float, ...]] | None = None

    def add(self, records: list[Record], now: float | None = None) -> None:
        """Turn the new records worth telling into lines (flows are shown by the funnel).

        ``now`` is the clock when they arrive: a line is never stamped later than the clock
        shows (the engine logs a day's late tickets and complaints at the day's end while
        the clock still stands inside it)."""
        self.now = now
        for r in records:
            if isinstance(r, Happening):
                self.calendar.note(r)
            if isinstance(r, TicketsLate | Complaints):
                self._merged(r)
                continue
            line = self.describe(r)
            if line is not None:
                self._merge = None
                self.lines.append((self._stamp(r.t), *line))

    def _merged(self, r: TicketsLate | Complaints) -> None:
        if isinstance(r, TicketsLate) and not r.lost:
            return
        counts: tuple[float, ...] = ((r.late, r.lost) if isinstance(r, TicketsLate)
                                     else (r.count, r.reputation_delta))
        day = r.t // HOURS_PER_DAY
        m = self._merge
        if m is not None and m[0] is type(r) and m[1] == day and self.lines:
            self.lines.pop()
            counts = tuple(a + b for a, b in zip(m[2], counts, strict=True))
        self._merge = (type(r), day, counts)
        if isinstance(r, TicketsLate):
            text = tr("ev_late", self.lang, late=num(counts[0]), lost=num(counts[1]))
            self.lines.append((self._stamp(r.t), text, WARN))
        else:
            text = tr("ev_complaints", self.lang, n=num(counts[0]), delta=signed(counts[1]))
            self.lines.append((self._stamp(r.t), text, BAD))

    def _stamp(self, t: int) -> str:
        """Hour ``t`` as week, day and time, all counted from the start of the run (never
        past the clock): a week's last hour rolls over to the next week's first (W4 D7 24:00
        reads W5 D1 00:00)."""
        if self.now is not None and t > self.now:
            t = int(self.now)
        week = t // HOURS_PER_WEEK
        day = (t % HOURS_PER_WEEK) // HOURS_PER_DAY
        return tr("stamp", self.lang, week=week + 1, day=day + 1, hour=t % HOURS_PER_DAY)

    def _dept(self, name: str) -> str:
        return self.departments.get(name, name)

    def describe(self, r: Record) -> tuple[str, Colour] | None:
        """One sentence and its colour for a record, or None when the log need not say it."""
        lang = self.lang
        match r:
            case WeekStarted():
                total = sum(h for _d, h in r.allocation)
                over = total - self.sc.specialist.contract_hours
                if over > 0:
                    return tr("ev_week_overtime", lang, week=r.week + 1, total=hours(total),
                              h=hours(over)), WARN
                return tr("ev_week_started", lang, week=r.week + 1, total=hours(total)), TEXT
            case SpecialistWeek():
                loss = round(100 * self.sc.specialist.fatigue.quality_loss_at_max
                             * r.fatigue / 100)
                if loss < 1:
                    return tr("ev_fresh", lang, f=f"{r.fatigue:.0f}"), DIM
                return (tr("ev_fatigue", lang, f=f"{r.fatigue:.0f}", loss=loss),
                        WARN if r.fatigue >= 50 else DIM)
            case PiecePublished():
                return tr("ev_piece", lang, n=r.live, q=f"{r.quality:.2f}"), TEXT
            case PieceStale():
                return tr("ev_stale", lang, n=r.live), DIM
            case EventLaunched():
                return (tr("ev_event", lang, pct=round(100 * r.strength), when=when(r.ends, lang)),
                        GOOD)
            case EventCancelled():
                return tr("ev_event_cancelled", lang), BAD
            case EventEnded():
                return tr("ev_event_end", lang), DIM
            case EventData():
                if r.collected:
                    return tr("ev_event_data", lang, e=f"{r.evidence:g}"), GOOD
                return tr("ev_event_data_lost", lang), WARN
            case PartnerSigned():
                return (tr("ev_partner", lang, n=num(r.users_per_week), when=when(r.ends, lang)),
                        GOOD)
            case PartnerEnded():
                return tr("ev_partner_end", lang), DIM
            case DepartmentRequest():
                key = "ev_dept_stalled" if r.stalled else "ev_dept_request"
                return (tr(key, lang, dept=self._dept(r.department),
                           what=purpose_name(r.purpose, lang), when=when(r.due, lang)),
                        WARN if r.stalled else DIM)
            case DepartmentAnswer():
                return tr("ev_dept_answer", lang, dept=self._dept(r.department),
                          what=purpose_name(r.purpose, lang), waited=waited(r.waited, lang)), TEXT
            case AnalysisReady():
                e = f"{r.evidence:.1f}"
                plain = "_plain" if e == "0.0" else ""  # evidence already counted day by day
                if r.noise <= 0:
                    return tr("ev_analysis_exact" + plain, lang, e=e), GOOD
                return tr("ev_analysis" + plain, lang, pct=noise_pct(r.noise), e=e), GOOD
            case Happening():
                return self.calendar.sentence(r)
            case IncidentAnswered():
                card = next((c for c in self.sc.incidents if c.id == r.incident), None)
                if card is None:
                    return None
                choice = next(c for c in card.choices if c.id == r.choice)
                return tr("ev_incident", lang, title=card.title.get(lang),
                          choice=choice.label.get(lang)), WARN
            case Review():
                hits = sum(x.hit for x in r.results)
                return (tr("ev_review", lang, week=r.week, hits=hits, misses=len(r.results) - hits),
                        GOOD if hits == len(r.results) else WARN)
            case BlameEvent():
                kpi = self.kpi_labels.get(r.kpi, r.kpi)
                colour = VERDICT_COLOUR.get(r.verdict, BAD)
                return tr("ev_blame", lang, kpi=kpi, verdict=verdict_name(r.verdict, lang),
                          delta=signed(r.reputation_delta)), colour
            case RunEnded():
                return tr("ev_end", lang, outcome=outcome_name(r.outcome, lang)), TEXT
        return None

    def draw(self, surface: pygame.Surface) -> None:
        """The panel with the newest line at the bottom."""
        x, y, w, h = TICKER
        ty = panel(surface, TICKER, tr("log", self.lang)) - 6
        note = tr("auto_note" if self.auto else "help", self.lang)
        fonts.draw(surface, note, (x + w - 12, y + 9), 13, FAINT, anchor="topright")
        if not self.lines and not self.auto:
            fonts.draw(surface, tr("log_empty", self.lang), (x + 12, ty), 13, DIM)
        room = max(1, (h - 34) // LINE_H)  # the lines the panel has room for, newest last
        for i, (stamp, text, colour) in enumerate(list(self.lines)[-room:]):
            ly = ty + i * LINE_H
            fonts.draw(surface, stamp, (x + 12, ly), 13, DIM)
            fonts.draw(surface, fonts.fit(text, 13, w - TEXT_X - 12), (x + TEXT_X, ly), 13,
                       colour)
