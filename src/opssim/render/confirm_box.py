"""A yes-or-no question over a screen, such as deleting a save: Y says yes, Esc or N says no,
Enter presses the focused button (no, at first), and the buttons take clicks. It takes every
event while it is up."""

from collections.abc import Callable

import pygame

from opssim.render import fonts
from opssim.render.palette import BAD, DIM, SIZE, TEXT
from opssim.render.ui import Gui
from opssim.render.widgets import panel

YES_KEYS = (pygame.K_y,)  # Enter is not one: it presses the button the focus ring shows
NO_KEYS = (pygame.K_ESCAPE, pygame.K_n)
PAD = 24


class ConfirmBox:
    """``question`` (bold), ``detail`` (what it is about, cut to fit), ``note`` and ``keys``
    lines over ``rect``; ``on_yes()`` or ``on_no()`` when answered. The buttons read ``yes``
    and ``no``; the focus starts on ``no`` so a stray Enter or Space keeps things as they
    are."""

    def __init__(self, rect: pygame.Rect, lang: str, scale: float, *, question: str,
                 detail: str, note: str, keys: str, yes: str, no: str,
                 on_yes: Callable[[], None], on_no: Callable[[], None]) -> None:
        self.rect = rect
        self.lines = (question, fonts.fit(detail, 15, rect.w - 2 * PAD), note, keys)
        self.on_yes, self.on_no = on_yes, on_no
        self.gui = Gui(SIZE, lang, scale)
        buttons = pygame.Rect(rect.x + PAD * 3, rect.y + 110, rect.w - PAD * 6, 38)
        self.menu = self.gui.row(buttons, [(yes, on_yes), (no, on_no)], gap=24)
        self.menu.index = 1
        self.menu.move(0)

    def handle(self, event: pygame.event.Event) -> bool:
        """Answer on its keys; other keys move between and press the buttons; clicks too."""
        if event.type == pygame.KEYDOWN and event.key in YES_KEYS:
            self.on_yes()
        elif event.type == pygame.KEYDOWN and event.key in NO_KEYS:
            self.on_no()
        else:
            self.menu.handle_key(event) or self.gui.process(event)
        return True

    def draw(self, surface: pygame.Surface, seconds: float) -> None:
        """The box, its lines and buttons."""
        panel(surface, self.rect, edge=BAD, width=2)
        x, y = self.rect.x + PAD, self.rect.y + 18
        question, detail, note, keys = self.lines
        fonts.draw(surface, fonts.fit(question, 20, self.rect.w - 2 * PAD, bold=True), (x, y),
                   20, TEXT, bold=True)
        fonts.draw(surface, detail, (x, y + 36), 15, TEXT)
        fonts.draw(surface, fonts.fit(note, 13, self.rect.w - 2 * PAD), (x, y + 62), 13, DIM)
        fonts.draw(surface, fonts.fit(keys, 12, self.rect.w - 2 * PAD),
                   (self.rect.centerx, self.rect.y + 160), 12, DIM, anchor="midtop")
        self.gui.update(seconds)
        self.gui.draw(surface)
        self.menu.draw_focus(surface, BAD)
