"""What a hot reload says when the scenario file changed on disk but no longer loads: the
loader's ``FILE:LINE:COL: path: message`` lines. The old version plays on underneath."""

from typing import TYPE_CHECKING

import pygame

from opssim.render import fonts, pen
from opssim.render.layout import centre, placed
from opssim.render.palette import ACCENT, BAD, DIM, SHADE, SIZE, TEXT
from opssim.render.text import tr
from opssim.render.ui import Gui
from opssim.render.widgets import panel, warning_icon

if TYPE_CHECKING:
    from opssim.render.shell import Shell

RECT = pygame.Rect(0, 0, 1000, 470)
MAX_LINES = 10
LINE = 24
BUTTON = pygame.Rect(0, 0, 280, 40)


@placed
def _place() -> None:
    RECT.topleft = centre(*RECT.size)
    BUTTON.topleft = RECT.centerx - 140, RECT.bottom - 62


class ReloadNotice:
    """The error lines of a scenario that failed to reload, closed by Enter, Esc or a click."""

    def __init__(self, game: "Shell", errors: list[str]) -> None:
        self.game = game
        lang = self.lang = game.lang
        self.rect = RECT
        self.errors = errors
        self.gui = Gui(SIZE, lang, game.scale)
        self.menu = self.gui.menu(BUTTON, [(tr("reload_close", lang), game.close_overlay)])

    def handle(self, event: pygame.event.Event) -> bool:
        """Enter, Esc or the button close it."""
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.game.close_overlay()
            return True
        return self.menu.handle_key(event) or self.gui.process(event)

    def draw(self, surface: pygame.Surface, seconds: float) -> None:
        """The shade, the panel and the lines (cut to the panel's width)."""
        pen.shade(surface, (0, 0, *SIZE), SHADE)
        panel(surface, RECT, edge=BAD, width=3)
        lang = self.lang
        x, w = RECT.x + 30, RECT.w - 60
        warning_icon(surface, x, RECT.y + 22, 30, BAD)
        fonts.draw(surface, fonts.fit(tr("reload_bad", lang), 20, w - 44, bold=True),
                   (x + 44, RECT.y + 24), 20, TEXT, bold=True)
        fonts.draw(surface, fonts.fit(tr("reload_keep", lang), 14, w), (x, RECT.y + 66), 14, DIM)
        y = RECT.y + 100
        for line in self.errors[:MAX_LINES]:
            fonts.draw(surface, fonts.fit(line, 14, w), (x, y), 14, BAD)
            y += LINE
        if len(self.errors) > MAX_LINES:
            fonts.draw(surface, tr("reload_more", lang, n=len(self.errors) - MAX_LINES), (x, y),
                       14, DIM)
        self.gui.update(seconds)
        self.gui.draw(surface)
        self.menu.draw_focus(surface, ACCENT)
