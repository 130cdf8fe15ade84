"""The one adapter over pygame_gui: the manager with our theme and font, sliders, buttons.

Other render modules go through this module and never import pygame_gui themselves.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pygame
import pygame_gui

from opssim.render.fonts import ASSETS

THEME_PATH = ASSETS / "theme.json"


def load_theme(path: Path = THEME_PATH) -> dict[str, Any]:
    """The theme as a dict, with font paths made absolute (they are relative to assets/)."""
    theme = json.loads(path.read_text(encoding="utf-8"))
    for block in theme.values():
        font = block.get("font") if isinstance(block, dict) else None
        for entry in font if isinstance(font, list) else [font] if font else []:
            for key in ("regular_path", "bold_path", "italic_path", "bold_italic_path"):
                if key in entry and not Path(entry[key]).is_absolute():
                    entry[key] = str(ASSETS / entry[key])
    return theme


class Gui:
    """A pygame_gui manager for a window of ``size``, in ``lang``."""

    def __init__(self, size: tuple[int, int], lang: str) -> None:
        self.manager = pygame_gui.UIManager(size, load_theme(), starting_language=lang,
                                            enable_live_theme_updates=False)
        self._on_button: dict[Any, Callable[[], None]] = {}
        self._on_slider: dict[Any, Callable[[float], None]] = {}

    def slider(self, rect: pygame.Rect, value: float, top: float,
               on_move: Callable[[float], None]) -> "Slider":
        """A horizontal slider over ``0..top`` in whole steps; ``on_move(value)`` when moved."""
        el = pygame_gui.elements.UIHorizontalSlider(rect, value, (0, top), self.manager,
                                                    click_increment=1)
        self._on_slider[el] = on_move
        return Slider(el)

    def button(self, rect: pygame.Rect, text: str, on_press: Callable[[], None],
               object_id: str | None = None) -> "Widget":
        """A push button; ``on_press()`` when clicked."""
        el = pygame_gui.elements.UIButton(rect, text, self.manager, object_id=object_id)
        self._on_button[el] = on_press
        return Widget(el)

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


class Slider(Widget):
    """A slider's value in whole hours."""

    @property
    def value(self) -> float:
        """The current value."""
        return float(self.element.get_current_value())

    @value.setter
    def value(self, v: float) -> None:
        self.element.set_current_value(v)
