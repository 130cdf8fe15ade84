"""The incident card: the run paused on a situation, its 2-4 choices each with the range of
what it does, answered with a click, the number keys, or the arrows and Enter."""

from collections.abc import Callable

import pygame

from opssim.play.incident import IncidentModel
from opssim.render import fonts, pen
from opssim.render.palette import (
    ACCENT,
    DIM,
    FUNNEL,
    PANEL,
    PANEL_EDGE,
    SIZE,
    TEXT,
    TRACK,
    WARN,
)
from opssim.render.planning_panel import TONE
from opssim.render.text import tr
from opssim.render.widgets import focus_ring, panel, warning_icon

WIDTH = 660
PAD = 22
TEXT_SIZE = 15
LINE = 20
TEXT_LINES = 4  # the situation's lines at most
NOTE_SIZE = 13
NOTE_LINE = 17
NUMBER_KEYS = {pygame.K_1: 0, pygame.K_2: 1, pygame.K_3: 2, pygame.K_4: 3,
               pygame.K_KP1: 0, pygame.K_KP2: 1, pygame.K_KP3: 2, pygame.K_KP4: 3}
CONFIRM = (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE)


class IncidentCard:
    """A modal card: it stays up until a choice is made (``on_choose(index)``)."""

    def __init__(self, model: IncidentModel, on_choose: Callable[[int], None]) -> None:
        self.model = model
        self.on_choose = on_choose
        self.rect = pygame.Rect(0, 0, WIDTH, 0)
        self.rows: list[pygame.Rect] = []  # each choice's box, in units, as last drawn

    @property
    def visible(self) -> bool:
        """Whether the card is up."""
        return self.model.visible

    def handle(self, event: pygame.event.Event) -> bool:
        """Keys and clicks while the card is up; True when the event was the card's."""
        m = self.model
        if not m.visible:
            return False
        if event.type == pygame.KEYDOWN:
            if event.key in NUMBER_KEYS and NUMBER_KEYS[event.key] < len(m.choices()):
                self.on_choose(NUMBER_KEYS[event.key])
            elif event.key in (pygame.K_DOWN, pygame.K_TAB, pygame.K_RIGHT):
                m.move(1)
            elif event.key in (pygame.K_UP, pygame.K_LEFT):
                m.move(-1)
            elif event.key in CONFIRM:
                self.on_choose(m.focus)
            else:
                return event.key != pygame.K_ESCAPE  # Esc: the game's menu
            return True
        if event.type == pygame.MOUSEMOTION:
            at = self._row_at(event.pos)
            if at is not None:
                m.focus = at
            return True
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            at = self._row_at(event.pos)
            if at is not None:
                self.on_choose(at)
            return True
        return event.type == pygame.MOUSEBUTTONDOWN

    def _row_at(self, pos: tuple[int, int]) -> int | None:
        x, y = round(pos[0] / pen.scale), round(pos[1] / pen.scale)
        return next((i for i, r in enumerate(self.rows) if r.collidepoint(x, y)), None)

    def draw(self, surface: pygame.Surface) -> None:
        """The card, centred on the funnel."""
        m = self.model
        card = m.card
        if card is None:
            return
        lang, inner = m.lang, WIDTH - 2 * PAD
        choices = m.choices()
        text = fonts.wrap(card.text.get(lang), TEXT_SIZE, inner) if card.text.en else []
        if len(text) > TEXT_LINES:  # a long situation: its first lines, cut visibly
            text = [*text[: TEXT_LINES - 1],
                    fonts.fit(" ".join(text[TEXT_LINES - 1:]), TEXT_SIZE, inner)]
        # One note a line; two or three columns when that would not fit the window.
        for columns in (1, 2, 3):
            rows = [-(-len(c.effects) // columns) for c in choices]
            heights = [34 + NOTE_LINE * n for n in rows]
            h = 70 + LINE * len(text) + 30 + sum(heights) + 8 * len(heights) + 36
            if h <= SIZE[1] - 16:
                break
        r = self.rect = pygame.Rect(0, 0, WIDTH, h)
        r.center = (FUNNEL[0] + FUNNEL[2] // 2, FUNNEL[1] + FUNNEL[3] // 2)
        r.top = max(8, r.top)
        pen.shade(surface, FUNNEL, (8, 10, 14, 120))
        pen.rect(surface, (5, 6, 9), r.move(6, 8), border_radius=10)
        panel(surface, r, fill=PANEL, edge=WARN, width=3)
        x = r.x + PAD
        warning_icon(surface, x, r.y + 24, 26, WARN)
        fonts.draw(surface, tr("inc_kicker", lang), (x + 40, r.y + 12), 12, WARN, bold=True)
        fonts.draw(surface, fonts.fit(card.title.get(lang), 20, inner - 40, bold=True),
                   (x + 40, r.y + 28), 20, TEXT, bold=True)
        y = r.y + 64
        for line in text:
            fonts.draw(surface, line, (x, y), TEXT_SIZE, TEXT)
            y += LINE
        y += 8
        fonts.draw(surface, tr("inc_choose", lang), (x, y), 13, DIM, bold=True)
        y += 22
        self.rows = []
        for i, (choice, ch) in enumerate(zip(choices, heights, strict=True)):
            row = pygame.Rect(x, y, inner, ch)
            self.rows.append(row)
            focused = i == m.focus
            pen.rect(surface, TRACK if focused else (36, 43, 57), row, border_radius=6)
            pen.rect(surface, ACCENT if focused else PANEL_EDGE, row, 1, border_radius=6)
            if focused:
                focus_ring(surface, row)
            fonts.draw(surface, f"{i + 1}", (row.x + 12, row.y + 8), 16, ACCENT, bold=True)
            label = choice.label + (f"  · {tr('inc_default', lang)}" if choice.default else "")
            fonts.draw(surface, fonts.fit(label, 16, inner - 50, bold=True),
                       (row.x + 36, row.y + 8), 16, TEXT, bold=True)
            col_w = (inner - 70) // columns
            for k, note in enumerate(choice.effects):
                nx = row.x + 38 + (k % columns) * (col_w + 14)
                ny = row.y + 31 + (k // columns) * NOTE_LINE
                words = tr(note.key, lang, **note.values)
                fonts.draw(surface, "•", (nx, ny), NOTE_SIZE, TONE[note.tone])
                fonts.draw(surface, fonts.fit(words, NOTE_SIZE, col_w - 14), (nx + 14, ny),
                           NOTE_SIZE, TONE[note.tone])
            y += ch + 8
        fonts.draw(surface, tr("inc_keys", lang), (r.right - 18, r.bottom - 26), 13, DIM,
                   anchor="topright")
