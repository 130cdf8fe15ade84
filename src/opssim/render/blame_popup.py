"""The popup when blame lands: each missed KPI, actual against target, the verdict and the
reputation change, in sentences a player understands."""

import pygame

from opssim.model.records import BlameEvent, Dashboard
from opssim.render import fonts
from opssim.render.palette import BAD, DIM, FUNNEL, PANEL, TEXT
from opssim.render.text import approx, noise_pct, num, signed, tr
from opssim.render.widgets import panel, warning_icon

WIDTH = 600
AUTO_FRAMES = 150  # how long a scripted run keeps a popup up


def blame_sentence(b: BlameEvent, kpi_label: str, lang: str) -> str:
    """One sentence: what was missed, by how much, on whom, and what it cost."""
    short = 100.0 * (b.target - b.actual) / b.target if b.target else 0.0
    key = {"specialist": "blame_you", "plan": "blame_plan"}.get(b.verdict, "blame_other")
    return tr(key, lang, kpi=kpi_label, actual=num(b.actual), target=num(b.target),
              short=f"{short:.0f}" if short >= 1 else f"{short:.1f}",
              delta=signed(b.reputation_delta), verdict=b.verdict)


class BlamePopup:
    """Shows the blame of one review; closed by the player, or by itself in a scripted run."""

    def __init__(self, lang: str, kpi_labels: dict[str, str], promotion: float) -> None:
        self.lang = lang
        self.kpi_labels = kpi_labels
        self.promotion = promotion
        self.blames: list[BlameEvent] = []
        self.reputation = 0.0
        self.dashboard: Dashboard | None = None
        self.frames_left: int | None = None
        self.rect = pygame.Rect(0, 0, WIDTH, 0)

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

    def draw(self, surface: pygame.Surface) -> None:
        """The popup, centred on the screen."""
        if not self.blames:
            return
        lang = self.lang
        lines: list[list[str]] = [
            fonts.wrap(blame_sentence(b, self.kpi_labels.get(b.kpi, b.kpi), lang), 16, WIDTH - 96)
            for b in self.blames
        ]
        seen = self._seen()
        rep_line = tr("blame_rep_now", lang, rep=f"{self.reputation:.0f}",
                      promo=f"{self.promotion:g}")
        h = (92 + sum(len(ls) * 22 + 10 for ls in lines) + 20 * sum(bool(s) for s in seen)
             + 28 + 30)
        r = self.rect = pygame.Rect(0, 0, WIDTH, h)
        r.center = (FUNNEL[0] + FUNNEL[2] // 2, FUNNEL[1] + FUNNEL[3] // 2)
        shadow = r.move(6, 8)
        pygame.draw.rect(surface, (5, 6, 9), shadow, border_radius=10)
        panel(surface, r, fill=PANEL, edge=BAD, width=3)
        warning_icon(surface, r.x + 22, r.y + 20, 34, BAD)
        tag = fonts.draw(surface, tr("blame_tag", lang), (r.x + 72, r.y + 16), 13, BAD, bold=True)
        fonts.draw(surface, tr("blame_title", lang, week=self.blames[0].week),
                   (r.x + 72, tag.bottom + 2), 20, TEXT, bold=True)
        y = r.y + 82
        for ls, note in zip(lines, seen, strict=True):
            for line in ls:
                fonts.draw(surface, line, (r.x + 72, y), 16, TEXT)
                y += 22
            if note:
                fonts.draw(surface, note, (r.x + 72, y), 14, DIM)
                y += 20
            y += 10
        fonts.draw(surface, rep_line, (r.x + 72, y), 14, BAD, bold=True)
        foot = tr("blame_auto" if self.frames_left is not None else "blame_close", lang)
        fonts.draw(surface, foot, (r.right - 18, r.bottom - 28), 13, DIM, anchor="topright")

    def _seen(self) -> list[str]:
        """Per blame, what the noisy dashboard had shown for it ('' when it was exact)."""
        d = self.dashboard
        if d is None or d.noise <= 0:
            return [""] * len(self.blames)
        observed = dict(d.observed)
        return [tr("blame_dashboard", self.lang, seen=approx(observed[b.kpi], d.noise, self.lang),
                   pct=noise_pct(d.noise)) if b.kpi in observed else "" for b in self.blames]
