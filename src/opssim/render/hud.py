"""The top bar: scenario, clock, speed and run state, and reputation against its thresholds."""

import pygame

from opssim.play.driver import Driver, Phase
from opssim.render import fonts, pen
from opssim.render.palette import (
    ACCENT,
    BAD,
    DIM,
    GOOD,
    PANEL,
    PANEL_EDGE,
    TEXT,
    TOP_BAR,
    TRACK,
    WARN,
)
from opssim.render.text import tr
from opssim.render.widgets import bar, pause_icon, play_icon, tick
from opssim.scenario import Scenario
from opssim.sim import HOURS_PER_DAY, HOURS_PER_WEEK, Snapshot


class Hud:
    """Draws the top bar."""

    def __init__(self, scenario: Scenario, lang: str) -> None:
        self.sc = scenario
        self.lang = lang
        self.title = scenario.title.get(lang)

    def draw(self, surface: pygame.Surface, snap: Snapshot, driver: Driver) -> None:
        """The bar, left to right."""
        x, y, w, h = TOP_BAR
        pen.rect(surface, PANEL, TOP_BAR)
        pen.line(surface, PANEL_EDGE, (x, y + h - 1), (x + w, y + h - 1))
        fonts.draw(surface, "opssim", (16, 8), 13, ACCENT, bold=True)
        fonts.draw(surface, fonts.fit(self.title, 16, 370, bold=True), (16, 26), 16, TEXT,
                   bold=True)
        self._clock(surface, snap, driver, 400)
        self._speed(surface, driver, 712)
        self._reputation(surface, snap, w - 320)  # right-aligned: wide windows keep it at the edge

    def _clock(self, surface: pygame.Surface, snap: Snapshot, driver: Driver, x: int) -> None:
        lang, weeks = self.lang, self.sc.weeks
        week = min(driver.week, weeks - 1)
        into = max(0.0, snap.t - week * HOURS_PER_WEEK)
        if into >= HOURS_PER_WEEK:  # the last week just ended
            day, hour = 7, 24
        else:
            day, hour = int(into // HOURS_PER_DAY) + 1, int(snap.t % HOURS_PER_DAY)
        title = fonts.draw(surface, tr("week_of", lang, week=week + 1, weeks=weeks), (x, 6), 20,
                           TEXT, bold=True)
        if driver.phase is Phase.FINISHED:  # not "Day 7 · 24:00": the run is over
            when = (tr("week_done", lang, weeks=weeks) if snap.t >= weeks * HOURS_PER_WEEK
                    else tr("over", lang))
        else:
            when = tr("day_time", lang, day=day, hour=hour)
        fonts.draw(surface, when, (title.right + 14, 11), 14, DIM)
        bar(surface, (x, 38, 250, 6), into / HOURS_PER_WEEK, ACCENT)
        for d in range(1, 7):
            tick(surface, x + round(250 * d / 7), 36, 46, PANEL)

    def _speed(self, surface: pygame.Surface, driver: Driver, x: int) -> None:
        lang = self.lang
        fonts.draw(surface, tr("speed", lang), (x, 8), 12, DIM)
        for i, s in enumerate((1, 2, 3)):
            r = pygame.Rect(x + i * 30, 26, 26, 22)
            on = driver.speed == s
            pen.rect(surface, ACCENT if on else TRACK, r, border_radius=4)
            fonts.draw(surface, str(s), r.center, 14, (10, 14, 20) if on else DIM, bold=on,
                       anchor="center")
        sx = x + 104
        if driver.phase is Phase.FINISHED:
            fonts.draw(surface, tr("over", lang), (sx, 28), 15, DIM, bold=True)
        elif driver.phase is Phase.PLANNING:
            pause_icon(surface, sx, 30, WARN)
            fonts.draw(surface, tr("planning", lang), (sx + 20, 27), 15, WARN, bold=True)
        elif driver.paused or driver.waiting is not None:  # a card waits: the week is held
            pause_icon(surface, sx, 30, WARN)
            word = "paused" if driver.waiting is None else "on_hold"
            fonts.draw(surface, tr(word, lang), (sx + 20, 27), 15, WARN, bold=True)
        else:
            play_icon(surface, sx, 30, GOOD)
            fonts.draw(surface, tr("running", lang), (sx + 20, 27), 15, GOOD, bold=True)

    def _reputation(self, surface: pygame.Surface, snap: Snapshot, x: int) -> None:
        lang = self.lang
        promo = self.sc.blame.promotion.reputation
        rep = snap.reputation
        colour = GOOD if rep >= promo else (BAD if rep < 25 else WARN)
        fonts.draw(surface, tr("reputation", lang), (x, 6), 13, DIM)
        fonts.draw(surface, f"{rep:.0f}", (x + 300, 2), 22, colour, bold=True, anchor="topright")
        bw = 250
        bar(surface, (x, 28, bw, 10), rep / 100, colour)
        px = x + round(bw * promo / 100)
        tick(surface, px, 24, 42, TEXT)
        fonts.draw(surface, tr("promotion_at", lang, n=f"{promo:g}"), (px + 4, 40), 11, DIM)
        fonts.draw(surface, tr("fired_at_zero", lang), (x, 40), 11, BAD)
