"""The popup when a review misses a target: for each miss, the split of the shortfall between
the plan, the specialist's hours and luck as a small stacked bar (colour, pattern and text),
the numbers behind it, the verdict with its cost, and one sentence a player understands."""

from collections.abc import Sequence

import pygame

from opssim.model.records import BlameEvent, Dashboard
from opssim.render import fonts, pen
from opssim.render.palette import (
    ACCENT,
    BAD,
    DIM,
    FUNNEL,
    GOOD,
    PANEL,
    PANEL_EDGE,
    SIZE,
    TEXT,
    TRACK,
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

#: The causes of a shortfall, in the order the bar shows them.
CAUSES = ("plan", "execution", "luck")
CAUSE_COLOUR: dict[str, Colour] = {"plan": WARN, "execution": BAD, "luck": ACCENT}
INK: Colour = (20, 22, 28)  # patterns and text drawn on a bar segment

VERDICT_COLOUR: dict[str, Colour] = {"specialist": BAD, "shared": WARN, "plan": ACCENT,
                                     "cleared": GOOD}
#: Worst first: the popup's edge takes the colour of its worst verdict.
SEVERITY = ("specialist", "shared", "plan", "cleared")

SENTENCE_SIZE = 15
SENTENCE_LINE = 20
BAR_H = 18


def dominant_cause(b: BlameEvent) -> str | None:
    """The cause with the largest share of the shortfall (None when it was not attributed)."""
    share = dict(b.split)
    if not share or not any(share.get(c, 0.0) > 0 for c in CAUSES):
        return None
    return max(CAUSES, key=lambda c: share.get(c, 0.0))


def percentages(b: BlameEvent) -> dict[str, int]:
    """The split as whole percentages that add up to 100 (largest remainders round up)."""
    share = {c: max(0.0, dict(b.split).get(c, 0.0)) for c in CAUSES}
    total = sum(share.values())
    if total <= 0:
        return dict.fromkeys(CAUSES, 0)
    raw = {c: 100 * v / total for c, v in share.items()}
    out = {c: int(v) for c, v in raw.items()}
    for c in sorted(CAUSES, key=lambda c: out[c] - raw[c])[: 100 - sum(out.values())]:
        out[c] += 1
    return out


def verdict_name(verdict: str, lang: str) -> str:
    """The verdict in words: on you, shared, the plan, cleared."""
    key = f"verdict_{verdict}"
    return tr(key, lang) if verdict in VERDICT_COLOUR else verdict


def _short(b: BlameEvent) -> str:
    short = 100.0 * (b.target - b.actual) / b.target if b.target else 0.0
    return f"{short:.0f}" if short >= 1 else f"{short:.1f}"


def blame_sentence(b: BlameEvent, kpi_label: str, lang: str, contest_at: float = 10.0) -> str:
    """One plain explanation: the dominant cause with its numbers, then the evidence the
    specialist held, whether it was used, the verdict and its reputation cost."""
    delta = signed(b.reputation_delta)
    cause = dominant_cause(b)
    plan = num(b.plan_counterfactual) if b.plan_counterfactual is not None else ""
    if cause == "plan" and plan:
        why = tr("why_plan", lang, plan=plan, target=num(b.target))
    elif cause == "execution" and plan:
        why = tr("why_execution", lang, plan=plan, actual=num(b.actual))
    elif cause == "luck" and plan and b.expected is not None:
        why = tr("why_luck", lang, expected=num(b.expected), plan=plan)
    else:
        why = tr("why_unknown", lang, kpi=kpi_label, actual=num(b.actual), target=num(b.target),
                 short=_short(b))
    e = hours(round(b.evidence, 1))
    who = tr("boss_specialist" if b.verdict == "specialist" else "boss_shared", lang)
    if b.contested or b.verdict in ("plan", "cleared"):
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
        return blame_sentence(b, self._label(b), self.lang, self.rules.evidence_to_contest)

    def _label(self, b: BlameEvent) -> str:
        return self.kpi_labels.get(b.kpi, b.kpi)

    def _lines(self, b: BlameEvent) -> list[str]:
        return fonts.wrap(self.sentence(b), SENTENCE_SIZE, INNER)

    def _block_height(self, b: BlameEvent, note: str) -> int:
        h = 27  # headline
        if b.split:
            h += BAR_H + 6 + 20  # bar and its legend
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
        blamed = worst in ("specialist", "shared")
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
        if b.split:
            y = self._split_bar(surface, b, x, y)
        if b.plan_counterfactual is not None:
            y = self._numbers(surface, b, x, y)
        colour = VERDICT_COLOUR.get(b.verdict, BAD)
        verdict = self._text(surface, tr("blame_verdict", lang, verdict=verdict_name(b.verdict,
                                                                                   lang)),
                             (x, y), 15, colour, bold=True, max_width=INNER // 2)
        weight = getattr(self.rules.weights, b.verdict, 1.0)
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

    def _split_bar(self, surface: pygame.Surface, b: BlameEvent, x: int, y: int) -> int:
        """The stacked bar of the shortfall's split, its segments patterned as well as
        coloured, with a legend of cause and percentage under it."""
        share = dict(b.split)
        total = sum(max(0.0, share.get(c, 0.0)) for c in CAUSES) or 1.0
        pcts = percentages(b)
        bar = pygame.Rect(x, y, INNER, BAR_H)
        pen.rect(surface, TRACK, bar)
        left = x
        edges = [x]
        for i, cause in enumerate(CAUSES):
            right = (x + INNER if i == len(CAUSES) - 1
                     else left + round(INNER * max(0.0, share.get(cause, 0.0)) / total))
            seg = pygame.Rect(left, y, right - left, BAR_H)
            if seg.w > 0:
                _swatch(surface, seg, cause)
                pct = f"{pcts[cause]}%"
                if fonts.width(pct, 12, True) + 10 <= seg.w:  # on a plain chip over the pattern
                    chip = pygame.Rect(0, 0, fonts.width(pct, 12, True) + 6, BAR_H - 4)
                    chip.center = seg.center
                    pen.rect(surface, CAUSE_COLOUR[cause], chip, border_radius=3)
                    label = fonts.draw(surface, pct, seg.center, 12, INK, bold=True,
                                       anchor="center")
                    self.drawn.append(label)
            left = right
            edges.append(right)
        for e in edges[1:-1]:  # a light seam between segments, so they part without colour
            pen.line(surface, TEXT, (e, y), (e, y + BAR_H - 1), 2)
        pen.rect(surface, TEXT, bar, 1)
        y += BAR_H + 6
        top = dominant_cause(b)
        col = INNER // len(CAUSES)
        for i, cause in enumerate(CAUSES):
            lx = x + i * col
            _swatch(surface, pygame.Rect(lx, y + 3, 14, 14), cause)
            pen.rect(surface, TEXT, (lx, y + 3, 14, 14), 1)
            text = tr("cause_pct", self.lang, cause=tr(f"cause_{cause}", self.lang),
                      pct=pcts[cause])
            self._text(surface, text, (lx + 20, y + 1), 14, TEXT if cause == top else DIM,
                       bold=cause == top, max_width=col - 26)
        return y + 20

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
