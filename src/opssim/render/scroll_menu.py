"""A list of buttons longer than its room: a fixed number of row buttons show a window of the
items, and the keyboard, the mouse wheel and the pointer move that window."""

from collections.abc import Callable

import pygame

from opssim.render import pen
from opssim.render.text import tr
from opssim.render.ui import Gui, Menu, Widget, focus_key

#: Rows one wheel notch scrolls.
WHEEL_ROWS = 1
MARKER_W = 4  # the scroll marker's width, right of the rows
MARKER_GAP = 10


class ScrollMenu:
    """``items`` (label, action) shown ``rows`` at a time from ``top``, then the buttons of
    ``after`` (a back button, a row of buttons), all in one focus order like :class:`Menu`.

    ``index`` and ``enabled`` count items first, then ``after``'s buttons; ``buttons`` are the
    visible row buttons, then ``after``'s. A disabled item can take the focus (to show why it is
    disabled, or to delete it) but not be pressed. Arrows and Tab move the focus and scroll it
    into view; PageUp/PageDown move it a page, Home/End to the first/last item; the wheel
    scrolls and the focus follows into the rows in view; the pointer over a row focuses it.
    """

    def __init__(self, gui: Gui, first: pygame.Rect, rows: int,
                 items: list[tuple[str, Callable[[], None]]], *, gap: int,
                 after: Menu | None = None) -> None:
        self.labels = [label for label, _ in items]
        self.count = len(items)
        self.rows = min(rows, self.count)
        self.scale = gui.scale
        self.top = 0
        self.index = 0
        self.slots = [gui.button(first.move(0, k * (first.h + gap)), "",
                                 lambda k=k: self._press(k)) for k in range(self.rows)]
        self.after = after.buttons if after is not None else []
        self.actions = [f for _, f in items] + (after.actions if after is not None else [])
        self.enabled = [True] * (self.count + len(self.after))
        self.area = pygame.Rect(first.x, first.y, first.w,
                                max(0, self.rows * (first.h + gap) - gap))
        self._show()

    @property
    def buttons(self) -> list[Widget]:
        """The visible row buttons, then the buttons after the list."""
        return [*self.slots, *self.after]

    @property
    def scrollable(self) -> bool:
        """Whether there are more items than rows."""
        return self.count > self.rows

    def visible(self, i: int) -> bool:
        """Whether item ``i`` is in view."""
        return self.top <= i < self.top + self.rows

    # -- focus and scrolling ---------------------------------------------------------------

    def move(self, step: int) -> None:
        """Focus the next (``+1``) or previous (``-1``) item or button, wrapping around (an
        item may be disabled; a button after the list only if enabled), and bring it into
        view; ``0`` only brings the focus into view."""
        n = len(self.enabled)
        for k in range(1, n + 1):
            i = (self.index + step * k) % n
            if i < self.count or self.enabled[i]:
                self.index = i
                break
        self._reveal()
        self._show()

    def jump(self, i: int) -> None:
        """Focus item ``i`` (clamped to the list) and bring it into view."""
        if self.count:
            self.index = max(0, min(self.count - 1, i))
        self._reveal()
        self._show()

    def scroll(self, rows: int) -> None:
        """Move the view ``rows`` down (negative: up); a focused item follows into view."""
        self.top = max(0, min(self.count - self.rows, self.top + rows))
        if self.index < self.count:
            self.index = max(self.top, min(self.top + self.rows - 1, self.index))
        self._show()

    def set_enabled(self, i: int, on: bool) -> None:
        """Grey out (or enable) item or button ``i``."""
        self.enabled[i] = on
        if i >= self.count and not on and self.index == i:
            self.move(1)
        self._show()

    def _reveal(self) -> None:
        if self.index < self.count:
            if self.index < self.top:
                self.top = self.index
            elif self.index >= self.top + self.rows:
                self.top = self.index - self.rows + 1
        self.top = max(0, min(self.count - self.rows, self.top))

    def _show(self) -> None:
        for k, slot in enumerate(self.slots):
            i = self.top + k
            if slot.text != self.labels[i]:
                slot.set_text(self.labels[i])
            slot.enable(self.enabled[i])
            slot.focus(i == self.index)
        for j, b in enumerate(self.after):
            b.enable(self.enabled[self.count + j])
            b.focus(self.count + j == self.index)

    def _press(self, k: int) -> None:
        i = self.top + k
        self.index = i
        self._show()
        if self.enabled[i]:
            self.actions[i]()

    # -- input -----------------------------------------------------------------------------

    def handle_key(self, event: pygame.event.Event) -> bool:
        """Move, page, scroll or press; True when the event was the list's."""
        if event.type == pygame.MOUSEWHEEL:
            if not self.scrollable:
                return False
            self.scroll(-event.y * WHEEL_ROWS)  # wheel up: earlier items
            return True
        if event.type == pygame.MOUSEMOTION:
            self.hover(event.pos)
            return False  # the GUI still wants the motion (hover colours)
        if event.type != pygame.KEYDOWN or not self.enabled:
            return False
        # From a button after the list, paging starts at the list's end.
        at = self.index if self.index < self.count else self.count - 1
        if event.key == pygame.K_PAGEUP:
            self.jump(at - max(1, self.rows))
        elif event.key == pygame.K_PAGEDOWN:
            self.jump(at + max(1, self.rows))
        elif event.key == pygame.K_HOME:
            self.jump(0)
        elif event.key == pygame.K_END:
            self.jump(self.count - 1)
        else:
            return focus_key(self, event)
        return True

    def hover(self, pos: tuple[int, int], width: int = 0) -> bool:
        """Focus the row under ``pos`` (window pixels); ``width`` widens the rows to the right
        (a button beside them). True when a row is under it."""
        x, y = pos[0] / self.scale, pos[1] / self.scale
        for k, slot in enumerate(self.slots):
            r = slot.rect
            r.w += width
            if r.collidepoint(x, y):
                if self.index != self.top + k:
                    self.index = self.top + k
                    self._show()
                return True
        return False

    # -- drawing ---------------------------------------------------------------------------

    def position(self, lang: str, skip: int = 0) -> str:
        """'9–16 of 23' for the items in view, not counting the first ``skip`` items (a
        '+ New save' row); empty when everything is in view."""
        if not self.scrollable:
            return ""
        n = self.count - skip
        first = max(0, self.top - skip) + 1
        last = min(n, self.top + self.rows - skip)
        return tr("list_pos", lang, first=first, last=last, n=n)

    def draw_focus(self, surface: pygame.Surface, colour: tuple[int, int, int]) -> None:
        """A small arrow left of the focused button, when it is in view."""
        if self.index < self.count:
            if not self.visible(self.index):
                return
            r = self.slots[self.index - self.top].rect
        elif self.after:
            r = self.after[self.index - self.count].rect
        else:
            return
        x, y = r.x - 6, r.centery
        pen.polygon(surface, colour, [(x - 10, y - 7), (x, y), (x - 10, y + 7)])

    def draw_marker(self, surface: pygame.Surface, track: tuple[int, int, int],
                    thumb: tuple[int, int, int], right: int | None = None) -> None:
        """A scrollbar-like marker right of the rows (or at ``right``): the track is the whole
        list, the thumb the part in view. Nothing when everything is in view."""
        if not self.scrollable:
            return
        a = self.area
        x = (right if right is not None else a.right) + MARKER_GAP
        pen.rect(surface, track, (x, a.y, MARKER_W, a.h), border_radius=2)
        h = max(16, round(a.h * self.rows / self.count))
        y = a.y + round((a.h - h) * self.top / (self.count - self.rows))
        pen.rect(surface, thumb, (x, y, MARKER_W, h), border_radius=2)
