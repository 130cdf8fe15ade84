"""The funnel: one band per stage with the dashboard's counts, and sampled dots flowing
between them.

The counts are what the player sees (``Engine.snapshot()``): exact without an analysis duty,
estimates marked ``≈`` with their ± when the dashboard is noisy. The dots are driven by the
*true* flow (``Engine.truth()``): they are a sample that shows motion, not a number to read,
and the dashboard's noise is redrawn each day, so driving them from the estimates would fake
bursts and pauses at every midnight. Both choices are fixed for the whole window.
"""

import pygame

from opssim.render import fonts, pen
from opssim.render.calendar import Calendar
from opssim.render.dots import DROPPED, FLOW, Dots
from opssim.render.palette import (
    DIM,
    DROP,
    FAINT,
    FUNNEL,
    STAGE_FILLS,
    TEXT,
    WARN,
)
from opssim.render.text import approx, noise_pct, num, tr
from opssim.render.widgets import panel
from opssim.scenario import Scenario
from opssim.sim import Snapshot

#: How many users a dot may stand for: the smallest step that keeps a stream readable.
UNITS = tuple(m * 10**e for e in range(7) for m in (1, 2, 5))
MAX_DOTS_PER_FRAME = 1.5

TOP_W, BOTTOM_W = 640, 400  # band widths at the funnel's mouth and tip
INLET = 66  # room above the first band where arrivals fall in
GAP = 34  # the least room between two bands, where the dots flow
MIN_GAP = 10  # ... when there are so many stages that the bands need the room
MAX_BAND_H = 80
MAX_GAP = 90
ROOMY_H = 48  # a band this tall has two lines (name and count; now, dropped and share)


class FunnelView:
    """Draws the stages of ``scenario`` as a funnel and spawns dots for what changed."""

    def __init__(self, scenario: Scenario, lang: str, dots: Dots, calendar: Calendar) -> None:
        self.lang = lang
        self.calendar = calendar
        duties = scenario.duties.present()
        self.tip = ("estimate_tip" if "analysis" in scenario.duty_ids
                    else "estimate_tip_locked" if "analysis" in duties else "estimate_tip_none")
        self.dots = dots
        self.legend = True  # the dots' legend ("● ≈ N users"); off with reduced motion
        self.labels = [s.label.get(lang) if s.label else s.id for s in scenario.funnel.stages]
        n = self.n = len(self.labels)
        x, y, _w, h = FUNNEL
        self.cx = x + max(80 + TOP_W // 2, (_w - 60) // 2)  # centred when the room is wide
        top = y + INLET
        room = h - INLET - 12
        gap = GAP
        if n > 1 and (room - (n - 1) * GAP) / n < ROOMY_H:  # many stages: narrower gaps first
            gap = max(MIN_GAP, (room - n * ROOMY_H) / (n - 1))
        self.band_h = min(MAX_BAND_H, (room - (n - 1) * gap) / n)
        gap = min(MAX_GAP, (room - n * self.band_h) / (n - 1)) if n > 1 else 0.0
        self.gap = gap
        self.bands: list[tuple[float, float, float]] = []  # (y, top width, bottom width)
        span = max(1.0, n - 0.4)
        for i in range(n):
            by = top + i * (self.band_h + gap)
            self.bands.append((by, self._width(i / span), self._width((i + 0.6) / span)))
        self._prev: tuple[tuple[int, int], ...] | None = None
        self._carry = [[0.0, 0.0] for _ in range(n)]
        self.units = [1] * n
        self.drop_units = [1] * n

    @staticmethod
    def _width(k: float) -> float:
        return TOP_W + (BOTTOM_W - TOP_W) * min(1.0, k)

    # -- dots -----------------------------------------------------------------------------

    def update(self, truth: Snapshot, hours_per_frame: float) -> None:
        """Spawn dots in proportion to each stage's new arrivals and drop-offs since last frame.

        ``truth`` is the engine's exact state (see the module docstring for why).
        """
        now = tuple((s.reached, s.dropped) for s in truth.stages)
        prev, self._prev = self._prev, now
        if prev is None:
            return
        hours = max(1.0, truth.t)
        for i, ((reached, dropped), (r0, d0)) in enumerate(zip(now, prev, strict=True)):
            self.units[i] = _unit(reached / hours * hours_per_frame)
            self.drop_units[i] = _unit(dropped / hours * hours_per_frame)
            self._spawn(i, FLOW, reached - r0, self.units[i])
            self._spawn(i, DROPPED, dropped - d0, self.drop_units[i])

    def _spawn(self, i: int, kind: int, delta: int, unit: int) -> None:
        if delta <= 0:
            return
        carry = self._carry[i]
        carry[kind] += delta / unit
        n = int(carry[kind])
        carry[kind] -= n
        if n == 0:
            return
        by, tw, bw = self.bands[i]
        cx = self.cx
        if kind == DROPPED:
            right = cx + (tw + bw) / 4 - 6
            inset = min(8.0, self.band_h / 3)
            self.dots.spawn(n, (right - 6, right), (by + inset, by + self.band_h - inset),
                            (right + 50, right + 110), (by + 24, by + self.band_h + 24),
                            life=36, kind=DROPPED, stagger=4)
        elif i == 0:
            y0 = FUNNEL[1] + 34
            self.dots.spawn(n, (cx - tw / 2 + 140, cx + tw / 2 - 24), (y0, y0 + 4),
                            (cx - tw / 2 + 24, cx + tw / 2 - 24), (by, by + 2), life=34, stagger=4)
        else:
            py, _ptw, pbw = self.bands[i - 1]
            y0 = py + self.band_h
            self.dots.spawn(n, (cx - pbw / 2 + 24, cx + pbw / 2 - 24), (y0 - 2, y0),
                            (cx - tw / 2 + 24, cx + tw / 2 - 24), (by, by + 2),
                            life=round(30 * self.gap / GAP), stagger=4)

    # -- drawing --------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface, snap: Snapshot) -> None:
        """The panel, the bands with their counts, then the dots on top."""
        panel(surface, FUNNEL)
        x, y, w, _h = FUNNEL
        lang = self.lang
        title = fonts.draw(surface, tr("funnel", lang), (x + 12, y + 8), 15, DIM, bold=True)
        if snap.noise > 0:  # the dots still sample the truth; the unit labels say so
            note = fonts.draw(surface, tr(self.tip, lang, pct=noise_pct(snap.noise)),
                              (x + w - 12, y + 9), 13, WARN, anchor="topright")
        elif self.legend:
            note = fonts.draw(surface, tr("sample_note", lang), (x + w - 12, y + 9), 13, FAINT,
                              anchor="topright")
        else:  # no dots, nothing to say about them
            note = pygame.Rect(x + w - 12, y + 9, 0, 0)
        hx = title.right + 18
        for i in self.calendar.active:  # what the calendar is doing to the numbers right now
            fx = self.calendar.effects(i)
            text = f"● {self.calendar.name(i)}" + (f": {fx}" if fx else "")
            room = note.x - 16 - hx
            if room < 60:
                break
            hx = fonts.draw(surface, fonts.fit(text, 13, room, bold=True), (hx, y + 9), 13,
                            self.calendar.colour(i), bold=True).right + 14
        fonts.draw(surface, "↓ " + tr("arrivals", lang), (self.cx - TOP_W / 2 + 8, y + 34), 13,
                   DIM)
        fonts.draw(surface, tr("dropped", lang) + " ×", (x + w - 16, y + INLET - 18), 13, DROP,
                   anchor="topright")
        stages = snap.stages
        for i, (by, tw, bw) in enumerate(self.bands):
            self._band(surface, i, by, tw, bw, stages[i].reached, stages[i].now,
                       stages[i].dropped, stages[i - 1].reached if i else None, snap.noise)
        with pen.clip(surface, pygame.Rect(FUNNEL).inflate(-4, -4)):
            self.dots.draw(surface)

    def _band(self, surface: pygame.Surface, i: int, by: float, tw: float, bw: float,
              reached: int, now: int, dropped: int, before: int | None, noise: float) -> None:
        cx, h, lang = self.cx, self.band_h, self.lang
        fill = STAGE_FILLS[i % len(STAGE_FILLS)]
        pts = [(cx - tw / 2, by), (cx + tw / 2, by), (cx + bw / 2, by + h), (cx - bw / 2, by + h)]
        pen.polygon(surface, fill, pts)
        edge = tuple(min(255, c + 40) for c in fill)
        pen.polygon(surface, edge, pts, 1)
        left = cx - bw / 2 + 14
        right = cx + bw / 2 - 14
        count = approx(reached, noise, lang)
        detail = tr("now_dropped", lang, now=approx(now, noise, lang),
                    dropped=approx(dropped, noise, lang))
        caption = tr("reached", lang)
        if before:
            share = reached / before
            pct = f"≈ {share:.0%}" if noise > 0 else f"{share:.1%}"  # no false precision
            caption = tr("reached_share", lang, pct=pct)
        if h >= ROOMY_H:
            cw = fonts.width(count, 24, bold=True)
            fonts.draw(surface, count, (right, by + 2), 24, TEXT, bold=True, anchor="topright")
            fonts.draw(surface, fonts.fit(self.labels[i], 17, right - left - cw - 12, bold=True),
                       (left, by + 5), 17, TEXT, bold=True)
            capw = fonts.width(caption, 12)
            fonts.draw(surface, caption, (right, by + h - 21), 12, DIM, anchor="topright")
            fonts.draw(surface, fonts.fit(detail, 13, right - left - capw - 12),
                       (left, by + h - 22), 13, DIM)
        else:  # one line: name, then now/dropped and the share, then the count
            mid = by + h / 2
            cw = fonts.draw(surface, count, (right, mid), 14, TEXT, bold=True,
                            anchor="midright").w
            info = fonts.fit(f"{detail} · {caption}", 11, (right - left) * 0.55 - cw)
            iw = fonts.draw(surface, info, (right - cw - 10, mid), 11, DIM,
                            anchor="midright").w if info != "…" else 0
            fonts.draw(surface, fonts.fit(self.labels[i], 13, right - left - cw - iw - 22,
                                          bold=True), (left, mid), 13, TEXT, bold=True,
                       anchor="midleft")
        gap_y = by - self.gap / 2
        if i and self.legend:
            gx = cx - (tw + 40) / 2 - 8
            unit = self.units[i]
            text = tr("dot_one", lang) if unit == 1 else tr("dot_unit", lang, n=num(unit))
            gx = max(FUNNEL[0] + 10 + fonts.width(text, 12), gx)  # inside the panel
            fonts.draw(surface, text, (gx, gap_y), 12, FAINT, anchor="midright")


def _unit(per_frame: float) -> int:
    """Users per dot so a stream shows at most ``MAX_DOTS_PER_FRAME`` dots a frame."""
    need = per_frame / MAX_DOTS_PER_FRAME
    for u in UNITS:
        if u >= need:
            return u
    return UNITS[-1]
