"""The save list: scenario title, week and date of each save, newest first. In save mode the
first item makes a new save and the others are overwritten; in load mode choosing one loads
it (a run restored by replaying its hours)."""

from typing import TYPE_CHECKING

import pygame

from opssim.render import fonts
from opssim.render.palette import ACCENT, BAD, DIM, FAINT, SHADE, SIZE, TEXT
from opssim.render.text import tr
from opssim.render.ui import Gui
from opssim.render.userdata import SaveEntry, list_saves, saves_dir
from opssim.render.widgets import panel

if TYPE_CHECKING:
    from opssim.render.game import Game

RECT = pygame.Rect(0, 0, 800, 600)
RECT.center = (SIZE[0] // 2, SIZE[1] // 2)
ROWS = pygame.Rect(RECT.x + 50, RECT.y + 76, RECT.w - 100, 38)
GAP = 8
MAX_ROWS = 9  # rows of saves shown, the back button below them


class SaveScreen:
    """``mode`` is ``save`` or ``load``."""

    def __init__(self, game: "Game", mode: str) -> None:
        self.game = game
        self.mode = mode
        lang = self.lang = game.lang
        self.rect = RECT
        self.gui = Gui(SIZE, lang, game.scale)
        self.saves: list[SaveEntry] = list_saves()
        self.message: tuple[str, tuple[int, int, int]] | None = None
        items = []
        if mode == "save":
            items.append((tr("new_save", lang), lambda: game.save_to(None)))
        room = MAX_ROWS - len(items)
        for s in self.saves[:room]:
            if s.recording is None:
                label = tr("save_bad", lang, name=s.path.name)
            else:
                label = tr("save_row", lang, title=s.title.get(lang), week=s.week, date=s.date)
            act = ((lambda s=s: game.save_to(s.path)) if mode == "save"
                   else (lambda s=s: game.load_from(s.path)))
            items.append((fonts.fit(label, 15, ROWS.w - 24), act))
        self.rows = len(items)
        items.append((tr("back", lang), game.close_overlay))
        self.menu = self.gui.menu(ROWS, items, gap=GAP)
        for i, s in enumerate(self.saves[:room]):
            if s.recording is None and mode == "load":
                self.menu.set_enabled(i, False)
        self.more = len(self.saves) > room
        if not self.saves:
            self.message = (tr("no_saves", lang), DIM)

    def handle(self, event: pygame.event.Event) -> bool:
        """Esc goes back; keys move and press; clicks go to the buttons."""
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.game.close_overlay()
            return True
        return self.menu.handle_key(event) or self.gui.process(event)

    def draw(self, surface: pygame.Surface, seconds: float) -> None:
        """The shade, the panel, the rows and a message line."""
        shade = pygame.Surface(SIZE, pygame.SRCALPHA)
        shade.fill(SHADE)
        surface.blit(shade, (0, 0))
        panel(surface, RECT, edge=ACCENT, width=2)
        lang = self.lang
        fonts.draw(surface, tr(f"saves_title_{self.mode}", lang), (RECT.x + 30, RECT.y + 22), 22,
                   TEXT, bold=True)
        if self.more:
            fonts.draw(surface, tr("saves_more", lang, n=MAX_ROWS), (RECT.right - 30, RECT.y + 30),
                       13, DIM, anchor="topright")
        self.gui.update(seconds)
        self.gui.draw(surface)
        self.menu.draw_focus(surface, ACCENT)
        y = RECT.bottom - 58
        if self.message:
            text, colour = self.message
            fonts.draw(surface, fonts.fit(text, 14, RECT.w - 60), (RECT.x + 30, y), 14, colour)
        folder = tr("saves_folder", lang, path=str(saves_dir()))
        fonts.draw(surface, fonts.fit(folder, 12, RECT.w - 60), (RECT.x + 30, RECT.bottom - 30),
                   12, FAINT)

    def fail(self, text: str) -> None:
        """Say why a load did not work."""
        self.message = (text, BAD)
