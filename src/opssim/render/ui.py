"""The one adapter over pygame_gui: the manager with our theme and font, sliders, buttons.

Other render modules go through this module and never import pygame_gui themselves.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import pygame
import pygame_gui

from opssim.render import pen
from opssim.render.fonts import ASSETS

THEME_PATH = ASSETS / "theme.json"


#: Theme values that are lengths in pixels: scaled with the window like everything else.
LENGTHS = ("size", "shape_corner_radius", "border_width", "sliding_button_width",
           "arrow_button_width")


def load_theme(path: Path = THEME_PATH, scale: float = 1.0) -> dict[str, Any]:
    """The theme as a dict, with font paths made absolute (they are relative to assets/) and
    lengths (font sizes, corners, borders) at ``scale`` pixels per unit."""
    theme = json.loads(path.read_text(encoding="utf-8"))
    for block in theme.values():
        if not isinstance(block, dict):
            continue
        font = block.get("font")
        for entry in font if isinstance(font, list) else [font] if font else []:
            for key in ("regular_path", "bold_path", "italic_path", "bold_italic_path"):
                if key in entry and not Path(entry[key]).is_absolute():
                    entry[key] = str(ASSETS / entry[key])
            if "size" in entry:
                entry["size"] = str(max(6, round(float(entry["size"]) * scale)))
        misc = block.get("misc", {})
        for key in LENGTHS:
            if key in misc and key != "size":
                misc[key] = str(max(1, round(float(misc[key]) * scale)))
    return theme


class Gui:
    """A pygame_gui manager for a layout of ``size`` units, in ``lang``, drawn at the
    window's pixels per unit (:data:`opssim.render.pen.scale`; ``scale`` is ignored and kept
    for callers). Rectangles given and read back are in units; mouse events come in window
    pixels, as pygame_gui expects."""

    def __init__(self, size: tuple[int, int] | list[int], lang: str,
                 scale: float | None = None) -> None:
        self.scale = pen.scale  # window pixels per unit
        self.manager = pygame_gui.UIManager(pen.to_px((0, 0, *size)).size,
                                            load_theme(scale=self.scale),
                                            starting_language=lang,
                                            enable_live_theme_updates=False)
        self._on_button: dict[Any, Callable[[], None]] = {}
        self._on_slider: dict[Any, Callable[[float], None]] = {}

    def slider(self, rect: pygame.Rect, value: float, top: float,
               on_move: Callable[[float], None]) -> "Slider":
        """A horizontal slider over ``0..top`` in whole steps; ``on_move(value)`` when moved."""
        el = pygame_gui.elements.UIHorizontalSlider(pen.to_px(rect), value, (0, top),
                                                    self.manager, click_increment=1)
        self._on_slider[el] = on_move
        return Slider(el)

    def button(self, rect: pygame.Rect, text: str, on_press: Callable[[], None],
               object_id: str | None = None) -> "Widget":
        """A push button; ``on_press()`` when clicked."""
        el = pygame_gui.elements.UIButton(pen.to_px(rect), text, self.manager,
                                          object_id=object_id)
        self._on_button[el] = on_press
        return Widget(el)

    def menu(self, rect: pygame.Rect, items: list[tuple[str, Callable[[], None]]], *,
             gap: int = 10, object_id: str | None = None) -> "Menu":
        """Buttons stacked top to bottom in ``rect`` (each ``rect.h`` tall), one per
        ``(label, on_press)``, that the keyboard can move through (see :class:`Menu`)."""
        buttons = []
        for i, (label, on_press) in enumerate(items):
            r = pygame.Rect(rect.x, rect.y + i * (rect.h + gap), rect.w, rect.h)
            buttons.append(self.button(r, label, on_press, object_id))
        return Menu(buttons, [f for _, f in items])

    def row(self, rect: pygame.Rect, items: list[tuple[str, Callable[[], None]]], *,
            gap: int = 12) -> "Menu":
        """Buttons side by side, sharing ``rect``'s width; the keyboard moves through them."""
        n = max(1, len(items))
        w = (rect.w - gap * (n - 1)) // n
        buttons = [self.button(pygame.Rect(rect.x + i * (w + gap), rect.y, w, rect.h), label, f)
                   for i, (label, f) in enumerate(items)]
        return Menu(buttons, [f for _, f in items])

    def clear(self) -> None:
        """Remove every widget (a scene being replaced)."""
        self.manager.clear_and_reset()
        self._on_button.clear()
        self._on_slider.clear()

    def process(self, event: pygame.event.Event) -> bool:
        """Feed an input event to the GUI and dispatch its callbacks; True when consumed."""
        used = bool(self.manager.process_events(event))
        if event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element in self._on_button:
            self._on_button[event.ui_element]()
            used = True
        elif (event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED
              and event.ui_element in self._on_slider):
            self._on_slider[event.ui_element](float(event.value))
            used = True
        return used

    def update(self, seconds: float) -> None:
        """Advance the GUI's own animation by ``seconds`` (fixed per frame in scripted runs)."""
        self.manager.update(seconds)

    def draw(self, surface: pygame.Surface) -> None:
        """Draw every visible widget."""
        self.manager.draw_ui(surface)


class Widget:
    """A pygame_gui element that can be shown and hidden."""

    def __init__(self, element: Any) -> None:
        self.element = element

    def show(self) -> None:
        """Make it visible (and clickable)."""
        if not self.element.visible:
            self.element.show()

    def hide(self) -> None:
        """Hide it."""
        if self.element.visible:
            self.element.hide()

    def move_to(self, pos: tuple[int, int]) -> None:
        """Put its top-left corner at ``pos`` (units)."""
        self.element.set_relative_position(pen.pt(pos))

    @property
    def rect(self) -> pygame.Rect:
        """Where it is, in units."""
        return pen.to_units(pygame.Rect(self.element.rect))

    @property
    def text(self) -> str:
        """Its label (buttons)."""
        return str(getattr(self.element, "text", ""))

    def set_text(self, text: str) -> None:
        """Change its label (buttons), in every state at once."""
        self.element.set_text(text)
        # pygame_gui redraws the other states (selected, hovered) one per frame: a button
        # relabelled and then focused would show its old label for a frame or more.
        shape = getattr(self.element, "drawable_shape", None)
        queue = getattr(shape, "states_to_redraw_queue", None)
        while queue:
            shape.redraw_state(queue.popleft())

    def focus(self, on: bool) -> None:
        """Draw it as the keyboard's choice (pygame_gui's 'selected' state) or not."""
        if on:
            self.element.select()
        else:
            self.element.unselect()

    def enable(self, on: bool) -> None:
        """Enable or grey it out."""
        if on:
            self.element.enable()
        else:
            self.element.disable()


#: Keys that move a menu's focus back and forth, and that press the focused item.
PREV_KEYS = (pygame.K_UP, pygame.K_LEFT)
NEXT_KEYS = (pygame.K_DOWN, pygame.K_RIGHT)
PRESS_KEYS = (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE)


class Menu:
    """Buttons the keyboard moves through: arrows and Tab (Shift+Tab back) move the focus,
    Enter or Space presses; the mouse clicks them as usual. The focused button is drawn
    selected *and* marked with an arrow (:meth:`draw_focus`), so focus is not colour alone."""

    def __init__(self, buttons: list[Widget], actions: list[Callable[[], None]]) -> None:
        self.buttons = buttons
        self.actions = actions
        self.index = 0
        self.enabled = [True] * len(buttons)
        self._show_focus()

    def _show_focus(self) -> None:
        for i, b in enumerate(self.buttons):
            b.focus(i == self.index)

    def move(self, step: int) -> None:
        """Focus the next (``+1``) or previous (``-1``) enabled button, wrapping around."""
        n = len(self.buttons)
        for k in range(1, n + 1):
            i = (self.index + step * k) % n
            if self.enabled[i]:
                self.index = i
                break
        self._show_focus()

    def set_enabled(self, i: int, on: bool) -> None:
        """Grey out (or enable) item ``i``; the focus skips greyed items."""
        self.enabled[i] = on
        self.buttons[i].enable(on)
        if not on and self.index == i:
            self.move(1)
        self._show_focus()

    def handle_key(self, event: pygame.event.Event) -> bool:
        """Move or press on a key; True when the key was the menu's."""
        if event.type != pygame.KEYDOWN or not self.buttons:
            return False
        return focus_key(self, event)

    def draw_focus(self, surface: pygame.Surface, colour: tuple[int, int, int]) -> None:
        """A small arrow left of the focused button."""
        if not self.buttons:
            return
        r = self.buttons[self.index].rect
        x, y = r.x - 6, r.centery
        pen.polygon(surface, colour, [(x - 10, y - 7), (x, y), (x - 10, y + 7)])

    def hide(self) -> None:
        """Hide every button."""
        for b in self.buttons:
            b.hide()

    def show(self) -> None:
        """Show every button."""
        for b in self.buttons:
            b.show()
        self._show_focus()


class Slider(Widget):
    """A slider's value in whole hours."""

    @property
    def value(self) -> float:
        """The current value."""
        return float(self.element.get_current_value())

    @value.setter
    def value(self, v: float) -> None:
        self.element.set_current_value(v)


class Focusable(Protocol):
    """What :func:`focus_key` drives: a focus ``index`` over ``actions`` that may be
    ``enabled``, moved by ``move``."""

    index: int
    enabled: list[bool]
    actions: list[Callable[[], None]]

    def move(self, step: int) -> None: ...


def focus_key(menu: Focusable, event: pygame.event.Event) -> bool:
    """The keys every menu shares (Tab/Shift+Tab, arrows, Enter/Space) applied to ``menu``,
    for a key-down ``event``; True when the key was one of them."""
    if event.key == pygame.K_TAB:
        menu.move(-1 if event.mod & pygame.KMOD_SHIFT else 1)
    elif event.key in PREV_KEYS:
        menu.move(-1)
    elif event.key in NEXT_KEYS:
        menu.move(1)
    elif event.key in PRESS_KEYS:
        if menu.enabled[menu.index]:
            menu.actions[menu.index]()
    else:
        return False
    return True
