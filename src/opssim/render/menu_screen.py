"""The menu Esc opens during a run: resume, save, load, language, reduced motion, back to the
title, quit. The run stands still while it is open."""

from typing import TYPE_CHECKING

import pygame

from opssim.render import fonts, pen
from opssim.render.layout import centre, placed
from opssim.render.palette import ACCENT, DIM, FAINT, SHADE, SIZE, TEXT, WARN
from opssim.render.text import tr
from opssim.render.ui import Gui
from opssim.render.widgets import panel

if TYPE_CHECKING:
    from opssim.render.shell import Shell

RECT = pygame.Rect(0, 0, 440, 560)
BUTTONS = pygame.Rect(0, 0, RECT.w - 100, 42)


@placed
def _place() -> None:
    RECT.topleft = centre(*RECT.size)
    BUTTONS.topleft = RECT.x + 50, RECT.y + 70

GAP = 10
SAVE = 1  # index of the save item


class MenuScreen:
    """A column of buttons over the shaded run."""

    def __init__(self, game: "Shell") -> None:
        self.game = game
        lang = self.lang = game.lang
        self.rect = RECT
        self.gui = Gui(SIZE, lang, game.scale)
        self.menu = self.gui.menu(BUTTONS, [
            (tr("resume", lang), game.close_overlay),
            (tr("save", lang), lambda: game.open_saves("save")),
            (tr("load", lang), lambda: game.open_saves("load")),
            (tr("language", lang), game.toggle_lang),
            (tr("motion_on" if game.reduced_motion else "motion_off", lang), game.toggle_motion),
            (tr("to_title", lang), game.to_title),
            (tr("quit", lang), game.quit),
        ], gap=GAP)
        self.can_save = game.can_save
        self.menu.set_enabled(SAVE, self.can_save)

    def handle(self, event: pygame.event.Event) -> bool:
        """Esc resumes; keys move and press; clicks go to the buttons."""
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.game.close_overlay()
            return True
        return self.menu.handle_key(event) or self.gui.process(event)

    def draw(self, surface: pygame.Surface, seconds: float) -> None:
        """The shade, the panel, the buttons and the notes."""
        pen.shade(surface, (0, 0, *SIZE), SHADE)
        panel(surface, RECT, edge=ACCENT, width=2)
        lang = self.lang
        fonts.draw(surface, tr("menu", lang), (RECT.centerx, RECT.y + 22), 22, TEXT, bold=True,
                   anchor="midtop")
        self.gui.update(seconds)
        self.gui.draw(surface)
        self.menu.draw_focus(surface, ACCENT)
        y = BUTTONS.y + 7 * (BUTTONS.h + GAP) + 4
        if not self.can_save:
            fonts.draw(surface, fonts.fit(tr("save_when", lang), 13, RECT.w - 40),
                       (RECT.centerx, y), 13, WARN, anchor="midtop")
        fonts.draw(surface, fonts.fit(tr("menu_keys", lang), 12, RECT.w - 40),
                   (RECT.centerx, RECT.bottom - 26), 12, FAINT if self.can_save else DIM,
                   anchor="midtop")
