"""What the screens around a run (title, menu, saves, reload notice) may ask of the game: the
few settings they show and the actions their buttons send. :class:`~opssim.render.game.Game`
is the one implementation; the screens see only this."""

from pathlib import Path
from typing import Protocol

from opssim.play.userdata import ScenarioEntry


class Shell(Protocol):
    """The game as its screens see it."""

    lang: str
    reduced_motion: bool
    scale: float

    @property
    def can_save(self) -> bool:
        """Whether a run stands at a week boundary and is not over."""
        ...

    def start_entry(self, entry: ScenarioEntry) -> None:
        """Play a scenario picked from the list."""
        ...

    def open_saves(self, mode: str) -> None:
        """Open the save list to ``save`` or ``load``."""
        ...

    def save_to(self, over: Path | None) -> Path | None:
        """Save the run (as a new save, or over ``over``)."""
        ...

    def load_from(self, path: Path) -> bool:
        """Load a save; False when it does not load (the list says why)."""
        ...

    def close_overlay(self) -> None:
        """Close the topmost screen."""
        ...

    def to_title(self) -> None:
        """Back to the title screen."""
        ...

    def toggle_lang(self) -> None:
        """English ↔ 中文."""
        ...

    def toggle_motion(self) -> None:
        """Reduced motion on or off."""
        ...

    def quit(self) -> None:
        """Close the window."""
        ...
