"""The popup when a review misses a target: for each miss, the shortfall's signed parts — the
plan, luck and the specialist's hours — as bars around zero with their 90% intervals (colour,
pattern and text), the numbers behind them, the verdict with its cost, and one sentence that
says only what the replications can tell. It reads the blame events; it computes nothing."""

from collections.abc import Sequence

import pygame

from opssim.model.records import BlameEvent, Dashboard
from opssim.render import fonts, pen
from opssim.render.palette import (
    ACCENT,
    BAD,
    DIM,
    FAINT,
    FUNNEL,
    GOOD,
    PANEL,
    PANEL_EDGE,
    SIZE,
    TEXT,
    WARN,
    Colour,
)
from opssim.render.text import approx, hours, noise_pct, num, signed, tr
from opssim.render.widgets import hatch, panel, warning_icon
from opssim.scenario.schema.world import Blame

WIDTH = 640
PAD = 24  # left and right padding inside the popup
INNER = WIDTH - 2 * PAD
MARGIN = 8  # the popup keeps this far from the screen's edges
AUTO_FRAMES = 150  # how long a scripted run keeps a popup up

#: The causes of a shortfall, in the order the bars show them (the record's own order).
CAUSES = ("plan", "luck", "execution")
CAUSE_COLOUR: dict[str, Colour] = {"plan": WARN, "execution": BAD, "luck": ACCENT}
INK: Colour = (20, 22, 28)  # patterns and text drawn on a bar segment

VERDICT_COLOUR: dict[str, Colour] = {"specialist": BAD, "shared": WARN, "plan": ACCENT,
                                     "cleared": GOOD, "inconclusive": DIM}
#: Worst first: the popup's edge takes the colour of its worst verdict.
SEVERITY = ("specialist", "shared", "inconclusive", "plan", "cleared")

SENTENCE_SIZE = 15
SENTENCE_LINE = 20
BAR_H = 14
ROW_H = 20  # one signed bar
LABEL_W = 104  # the cause's name left of the bars
VALUE_W = 92  # the value and its margin right of the bars


def verdict_name(verdict: str, lang: str) -> str:
    """The verdict in words: on you, shared, the plan, cleared, inconclusive."""
    key = f"verdict_{verdict}"
    return tr(key, lang) if verdict in VERDICT_COLOUR else verdict


def _short(b: BlameEvent) -> str:
    short = 100.0 * (b.target - b.actual) / b.target if b.target else 0.0
    return f"{short:.0f}" if short >= 1 else f"{short:.1f}"


def margin(low: float, high: float) -> float:
    """Half the width of an interval."""
    return (high - low) / 2


def part_clause(cause: str, part: tuple[float, float, float], lang: str) -> str:
    """One part in words, never claiming more than its interval: a sign is named only when
    the whole interval has it."""
    value, low, high = part
    m = num(margin(low, high))
    v = num(abs(value))
    sure = low > 0 or high < 0
    if cause == "execution":  # measured with the same luck: exact
        key = "why_exec_worse" if value > 0 else "why_exec_better" if value < 0 else "why_exec_same"
        return tr(key, lang, v=v)
    if not sure:
        return tr(f"why_{cause}_unsure", lang, v=num(value).replace("-", "−"), m=m)
    if cause == "plan":
        return tr("why_plan_short" if value > 0 else "why_plan_beats", lang, v=v, m=m)
    return tr("why_luck_bad" if value > 0 else "why_luck_good", lang, v=v, m=m)


def blame_sentence(b: BlameEvent, kpi_label: str, lang: str, contest_at: float = 10.0,
                   inconclusive_as: str = "shared") -> str:
    """One plain explanation that stays true: the miss and each signed part as far as the
    replications can tell, then the evidence the specialist held, whether it was used, the
    verdict and its reputation cost."""
    delta = signed(b.reputation_delta)
    if b.parts:
        clauses = {c: part_clause(c, b.part(c), lang) for c in CAUSES if b.part(c)}
        why = tr("why_parts", lang, short=num(b.shortfall), **clauses)
    else:
        why = tr("why_unknown", lang, kpi=kpi_label, actual=num(b.actual), target=num(b.target),
                 short=_short(b))
    e = hours(round(b.evidence, 1))
    who = tr("boss_specialist" if b.verdict == "specialist" else "boss_shared", lang)
    if b.verdict == "inconclusive":
        how = tr("ev_inconclusive", lang, e=e, as_=verdict_name(inconclusive_as, lang),
                 delta=delta)
    elif b.contested or b.verdict in ("plan", "cleared"):
        how = tr("ev_contested", lang, e=e, verdict=verdict_name(b.verdict, lang), delta=delta)
    elif b.evidence >= contest_at and b.verdict == "specialist":
        how = tr("ev_not_worth", lang, e=e, delta=delta)
    elif b.evidence <= 0:
        how = tr("ev_none", lang, who=who, delta=delta)
    else:
        how = tr("ev_short", lang, e=e, need=hours(contest_at), who=who, delta=delta)
    sep = "" if lang == "zh" else " "
    return why + sep + how


class BlamePopup:
    """Shows the blame of one review; closed by the player, or by itself in a scripted run."""

    def __init__(self, lang: str, kpi_labels: dict[str, str], promotion: float,
                 rules: Blame | None = None) -> None:
        self.lang = lang
        self.kpi_labels = kpi_labels
        self.promotion = promotion
        self.rules = rules or Blame()
        self.blames: list[BlameEvent] = []
        self.reputation = 0.0
        self.dashboard: Dashboard | None = None
        self.frames_left: int | None = None
        self.rect = pygame.Rect(0, 0, WIDTH, 0)
        #: Every text rectangle of the last draw (the tests check that it fits the popup).
        self.drawn: list[pygame.Rect] = []

    @property
    def visible(self) -> bool:
        """Whether the popup is up."""
        return bool(self.blames)

    def show(self, blames: list[BlameEvent], reputation: float, *, auto: bool,
             dashboard: Dashboard | None = None) -> None:
        """Open on ``blames`` (adding to those already shown for the same review).

        ``dashboard`` is what the player's dashboard showed at that review: when it was noisy,
        each miss also says what the player had seen, so the gap to the truth is visible.
        """
        if self.blames and self.blames[0].week != blames[0].week:
            self.blames = []
        self.blames = [*self.blames, *blames]
        self.reputation = reputation
        self.dashboard = dashboard if dashboard and dashboard.week == blames[0].week else None
        self.frames_left = AUTO_FRAMES if auto else None

    def close(self) -> None:
        """Dismiss it."""
        self.blames = []

    def tick(self) -> None:
        """A frame passed: a scripted run's popup closes by itself."""
        if self.frames_left is not None and self.blames:
            self.frames_left -= 1
            if self.frames_left <= 0:
                self.close()

    # -- layout ----------------------------------------------------------------------------

    def sentence(self, b: BlameEvent) -> str:
        """The plain sentence for one blame event."""
        return blame_sentence(b, self._label(b), self.lang, self.rules.evidence_to_contest,
                              self.rules.inconclusive_as)

    def _label(self, b: BlameEvent) -> str:
        return self.kpi_labels.get(b.kpi, b.kpi)

    def _lines(self, b: BlameEvent) -> list[str]:
        return fonts.wrap(self.sentence(b), SENTENCE_SIZE, INNER)

    def _block_height(self, b: BlameEvent, note: str) -> int:
        h = 27  # headline
        if b.parts:
            h += 18 + ROW_H * (len(CAUSES) + 1) + 6  # the axis's words, a bar a part, the miss
        if b.plan_counterfactual is not None:
            h += 40  # the four numbers
        h += 24  # verdict and cost
        h += len(self._lines(b)) * SENTENCE_LINE
        if note:
            h += 20
        return h + 16  # gap (and a rule) before the next block

    def _layout(self) -> tuple[list[tuple[BlameEvent, str]], int, int]:
        """The blocks that fit on screen (with their dashboard notes), how many were left out,
        and the popup's height."""
        head, foot = 84, 56
        room = SIZE[1] - 2 * MARGIN - head - foot
        shown: list[tuple[BlameEvent, str]] = []
        used = 0
        for b, note in zip(self.blames, self._seen(), strict=True):
            h = self._block_height(b, note)
            if shown and used + h > room - 22:  # keep a line for "and n more"
                break
            shown.append((b, note))
            used += h
        more = len(self.blames) - len(shown)
        return shown, more, head + used + (22 if more else 0) + foot

    # -- drawing ---------------------------------------------------------------------------

    def _text(self, surface: pygame.Surface, text: str, pos: tuple[float, float], size: int,
              colour: Colour, *, bold: bool = False, anchor: str = "topleft",
              max_width: int | None = None) -> pygame.Rect:
        if max_width is not None:
            text = fonts.fit(text, size, max_width, bold)
        rect = fonts.draw(surface, text, pos, size, colour, bold=bold, anchor=anchor)
        self.drawn.append(rect)
        return rect

    def draw(self, surface: pygame.Surface) -> None:
        """The popup, centred on the funnel and kept on the screen."""
        self.drawn = []
        if not self.blames:
            return
        lang = self.lang
        shown, more, h = self._layout()
        r = self.rect = pygame.Rect(0, 0, WIDTH, h)
        r.center = (FUNNEL[0] + FUNNEL[2] // 2, FUNNEL[1] + FUNNEL[3] // 2)
        r.clamp_ip(pygame.Rect(MARGIN, MARGIN, SIZE[0] - 2 * MARGIN, SIZE[1] - 2 * MARGIN))
        worst = min((b.verdict for b in self.blames),
                    key=lambda v: SEVERITY.index(v) if v in SEVERITY else 0)
        edge = VERDICT_COLOUR.get(worst, BAD)
        pen.rect(surface, (5, 6, 9), r.move(6, 8), border_radius=10)
        panel(surface, r, fill=PANEL, edge=edge, width=3)
        warning_icon(surface, r.x + 22, r.y + 20, 34, edge)
        blamed = worst in ("specialist", "shared", "inconclusive")
        tag = self._text(surface, tr("blame_tag" if blamed else "blame_tag_clear", lang),
                         (r.x + 72, r.y + 16), 13, edge, bold=True)
        n = len(self.blames)
        title = (tr("blame_title", lang, week=self.blames[0].week) if n == 1
                 else tr("blame_title_n", lang, week=self.blames[0].week, n=n))
        self._text(surface, title, (r.x + 72, tag.bottom + 2), 20, TEXT, bold=True,
                   max_width=WIDTH - 72 - PAD)
        y = r.y + 84
        for i, (b, note) in enumerate(shown):
            if i:
                pen.line(surface, PANEL_EDGE, (r.x + PAD, y - 9), (r.right - PAD, y - 9))
            y = self._block(surface, b, note, r.x + PAD, y) + 16
        if more:
            self._text(surface, tr("blame_more", lang, n=more), (r.x + PAD, y), 14, DIM)
        rep_line = tr("blame_rep_now", lang, rep=f"{self.reputation:.0f}",
                      promo=f"{self.promotion:g}")
        self._text(surface, rep_line, (r.x + PAD, r.bottom - 50), 14, edge, bold=True,
                   max_width=INNER)
        foot = tr("blame_auto" if self.frames_left is not None else "blame_close", lang)
        self._text(surface, foot, (r.right - 18, r.bottom - 26), 13, DIM, anchor="topright")

    def _block(self, surface: pygame.Surface, b: BlameEvent, note: str, x: int, y: int) -> int:
        """One miss: headline, split bar, numbers, verdict, sentence; returns the y below."""
        lang = self.lang
        head = tr("blame_head", lang, kpi=self._label(b), actual=num(b.actual),
                  target=num(b.target), short=_short(b))
        self._text(surface, head, (x, y), 16, TEXT, bold=True, max_width=INNER)
        y += 27
        if b.parts:
            y = self._parts_chart(surface, b, x, y)
        if b.plan_counterfactual is not None:
            y = self._numbers(surface, b, x, y)
        colour = VERDICT_COLOUR.get(b.verdict, BAD)
        verdict = self._text(surface, tr("blame_verdict", lang, verdict=verdict_name(b.verdict,
                                                                                   lang)),
                             (x, y), 15, colour, bold=True, max_width=INNER // 2)
        weight = self.rules.rule().weight(b.verdict) if b.verdict in VERDICT_COLOUR else 1.0
        cost = tr("blame_cost", lang, delta=signed(b.reputation_delta),
                  pct=f"{100 * weight:.0f}")
        self._text(surface, cost, (verdict.right + 12, y + 1), 14, colour,
                   max_width=x + INNER - verdict.right - 12)
        y += 24
        for line in self._lines(b):
            self._text(surface, line, (x, y), SENTENCE_SIZE, TEXT)
            y += SENTENCE_LINE
        if note:
            self._text(surface, note, (x, y), 14, DIM, max_width=INNER)
            y += 20
        return y

    def _parts_chart(self, surface: pygame.Surface, b: BlameEvent, x: int, y: int) -> int:
        """A signed bar per part around a zero line — to the right what cost the player, to
        the left what helped — each with its 90% interval as a whisker and its value, then
        the miss itself (their sum) as a last bar."""
        lang = self.lang
        rows = [(c, b.part(c)) for c in CAUSES if b.part(c) is not None]
        short = b.shortfall
        reach = max([abs(short), *(max(abs(lo), abs(hi)) for _, (_, lo, hi) in rows)]) or 1.0
        left, right = x + LABEL_W, x + INNER - VALUE_W
        zero = (left + right) // 2
        half = (right - left) // 2 - 4

        def at(v: float) -> int:
            return zero + round(half * v / reach)

        self._text(surface, tr("bar_helped", lang), (zero - 6, y), 12, DIM, anchor="topright")
        self._text(surface, tr("bar_cost", lang), (zero + 6, y), 12, DIM)
        y += 18
        top = y
        for cause, (value, low, high) in [*rows, ("total", (short, short, short))]:
            sure = low > 0 or high < 0 or cause in ("execution", "total")
            label = tr(f"cause_{cause}", lang)
            self._text(surface, label, (x, y + 1), 14, TEXT if sure else DIM,
                       bold=cause == "total", max_width=LABEL_W - 8)
            a, z = sorted((zero, at(value)))
            seg = pygame.Rect(a, y + (ROW_H - BAR_H) // 2, max(2, z - a), BAR_H)
            if cause == "total":
                pen.rect(surface, TEXT, seg)
            else:
                _swatch(surface, seg, cause)
                pen.rect(surface, TEXT, seg, 1)
            if high > low:  # the 90% interval: a whisker with end caps
                cy = y + ROW_H // 2
                pen.line(surface, TEXT, (at(low), cy), (at(high), cy), 2)
                for end in (low, high):
                    pen.line(surface, TEXT, (at(end), cy - 5), (at(end), cy + 5), 2)
            shown = num(value).replace("-", "−")
            text = shown if high <= low else f"{shown} ±{num(margin(low, high))}"
            self._text(surface, text, (x + INNER, y + 1), 14, TEXT if sure else DIM,
                       bold=cause == "total", anchor="topright", max_width=VALUE_W - 4)
            if cause == "execution":  # the parts above the line add up to the miss below it
                pen.line(surface, FAINT, (left, y + ROW_H + 1), (right, y + ROW_H + 1))
            y += ROW_H
        pen.line(surface, TEXT, (zero, top - 2), (zero, y + 2), 2)
        return y + 6

    def _numbers(self, surface: pygame.Surface, b: BlameEvent, x: int, y: int) -> int:
        """Target, actual, the plan with the same luck, the plan on average: four columns."""
        lang = self.lang
        cells: Sequence[tuple[str, float | None]] = (
            ("num_target", b.target), ("num_actual", b.actual),
            ("num_plan_cf", b.plan_counterfactual), ("num_expected", b.expected),
        )
        col = INNER // len(cells)
        for i, (key, value) in enumerate(cells):
            cx = x + i * col
            self._text(surface, tr(key, lang), (cx, y), 12, DIM, max_width=col - 8)
            shown = num(value) if value is not None else tr("num_none", lang)
            self._text(surface, shown, (cx, y + 15), 16, TEXT,
                       bold=True, max_width=col - 8)
        return y + 40

    def _seen(self) -> list[str]:
        """Per blame, what the noisy dashboard had shown for it ('' when it was exact)."""
        d = self.dashboard
        if d is None or d.noise <= 0:
            return [""] * len(self.blames)
        observed = dict(d.observed)
        return [tr("blame_dashboard", self.lang, seen=approx(observed[b.kpi], d.noise, self.lang),
                   pct=noise_pct(d.noise)) if b.kpi in observed else "" for b in self.blames]


def _swatch(surface: pygame.Surface, rect: pygame.Rect, cause: str) -> None:
    """``rect`` filled in ``cause``'s colour and pattern: plan solid, execution hatched, luck
    dotted (so the bar reads without colour too)."""
    pen.rect(surface, CAUSE_COLOUR[cause], rect)
    if cause == "execution":
        hatch(surface, rect, INK, step=6)
    elif cause == "luck":
        with pen.clip(surface, rect):
            for yy in range(rect.y + 2, rect.bottom, 5):
                off = 2 if (yy - rect.y) // 5 % 2 else 0
                for xx in range(rect.x + 1 + off, rect.right, 5):
                    pen.circle(surface, INK, (xx, yy), 1)
