"""The card at the end of a reviewed week when every target was hit: each KPI against its
target, and what the review did to reputation. (A week with a miss gets the blame popup,
which explains the miss.)"""

import pygame

from opssim.model.records import Review
from opssim.render import fonts, pen
from opssim.render.palette import DIM, FUNNEL, GOOD, PANEL, TEXT
from opssim.render.text import num, signed, tr
from opssim.render.widgets import panel

WIDTH = 560
PAD = 24
ROW = 28
AUTO_FRAMES = 90  # how long a scripted run keeps the card up


class ReviewCard:
    """A modal card closed by Enter, Space, Esc or a click (by itself in a scripted run)."""

    def __init__(self, lang: str, kpi_labels: dict[str, str]) -> None:
        self.lang = lang
        self.kpi_labels = kpi_labels
        self.review: Review | None = None
        self.gain = 0.0
        self.reputation = 0.0
        self.frames_left: int | None = None
        self.rect = pygame.Rect(0, 0, WIDTH, 0)

    @property
    def visible(self) -> bool:
        """Whether the card is up."""
        return self.review is not None

    def show(self, review: Review, gain: float, reputation: float, *, auto: bool) -> None:
        """Open on ``review``; ``gain`` is what it added to reputation, now ``reputation``."""
        self.review, self.gain, self.reputation = review, gain, reputation
        self.frames_left = AUTO_FRAMES if auto else None

    def close(self) -> None:
        """Dismiss it."""
        self.review = None

    def tick(self) -> None:
        """A frame passed: a scripted run's card closes by itself."""
        if self.frames_left is not None and self.review is not None:
            self.frames_left -= 1
            if self.frames_left <= 0:
                self.close()

    def draw(self, surface: pygame.Surface) -> None:
        """The card, centred on the funnel."""
        rv = self.review
        if rv is None:
            return
        lang = self.lang
        h = 118 + ROW * len(rv.results) + 40
        r = self.rect = pygame.Rect(0, 0, WIDTH, h)
        r.center = (FUNNEL[0] + FUNNEL[2] // 2, FUNNEL[1] + FUNNEL[3] // 2)
        pen.rect(surface, (5, 6, 9), r.move(6, 8), border_radius=10)
        panel(surface, r, fill=PANEL, edge=GOOD, width=3)
        x, inner = r.x + PAD, WIDTH - 2 * PAD
        fonts.draw(surface, "✓", (x, r.y + 14), 30, GOOD, bold=True)
        fonts.draw(surface, fonts.fit(tr("review_title", lang, week=rv.week), 20, inner - 44,
                                      bold=True), (x + 40, r.y + 20), 20, TEXT, bold=True)
        y = r.y + 66
        fonts.draw(surface, tr("review_kpi", lang), (x, y), 13, DIM, bold=True)
        fonts.draw(surface, tr("review_vs", lang), (r.right - PAD, y), 13, DIM, bold=True,
                   anchor="topright")
        y += 24
        for res in rv.results:
            label = self.kpi_labels.get(res.kpi, res.kpi)
            fonts.draw(surface, fonts.fit(label, 16, inner - 220), (x, y), 16, TEXT)
            value = f"{num(res.actual)} / {num(res.target)}  {tr('mark_hit', lang)}"
            fonts.draw(surface, value, (r.right - PAD, y), 16, GOOD, anchor="topright")
            y += ROW
        y += 6
        line = tr("review_rep", lang, delta=signed(self.gain), rep=f"{self.reputation:.0f}")
        fonts.draw(surface, fonts.fit(line, 15, inner), (x, y), 15, GOOD, bold=True)
        foot = tr("blame_auto" if self.frames_left is not None else "blame_close", lang)
        fonts.draw(surface, foot, (r.right - 18, r.bottom - 26), 13, DIM, anchor="topright")
