"""The window: open it, run the game's frames in it (interactive, or a scripted number of
them for screenshots and bots), and close it. The game itself is :class:`~.game.Game`."""

import contextlib
import io
import os
import sys
import warnings
from pathlib import Path

import pygame

from opssim.atomic import write_bytes_atomically
from opssim.play.driver import Decide
from opssim.play.session import Session
from opssim.play.settings import Settings, SettingsStore
from opssim.render import fonts, layout
from opssim.render.app import FPS
from opssim.render.game import MIN_SIZE, Game
from opssim.render.palette import BAD
from opssim.safeio import display_path
from opssim.scenario import Scenario


def play(scenario: Scenario | None, *, seed: int, lang: str | None, frames: int | None,
         screenshot: Path | None, path: Path | None = None,
         size: tuple[int, int] = layout.BASE,
         load: Session | None = None, reduced_motion: bool | None = None,
         decide: Decide | None = None, at: Session | None = None) -> int:
    """Open the window; returns the exit code.

    ``scenario`` None opens the title screen; ``load`` is a save restored (a session), and
    ``at`` a run of ``scenario`` already played up to a week (``--week``). With ``frames``
    the run plays the manager's plan for exactly that many frames (or ``decide``'s hours) and
    saves the last one to ``screenshot`` (PNG) if given; with ``frames`` and no scenario the
    title screen is shown for that many frames.
    ``lang`` and ``reduced_motion`` None mean the stored settings (:mod:`.settings`) in an
    interactive session, the defaults in a scripted one (its frames depend on its flags
    alone); given, they hold for this session and are not stored.
    Without a display: one line, exit code 3.
    """
    store = SettingsStore() if frames is None else None
    stored = store.stored if store is not None else Settings()
    if store is not None and store.note:
        print(f"opssim: play: {store.note}", file=sys.stderr)
    lang = lang if lang is not None else stored.lang
    reduced_motion = reduced_motion if reduced_motion is not None else stored.reduced_motion
    fonts.reset()
    # High DPI on Windows as SDL expects: per-monitor awareness (SDL >= 2.24), so Windows does
    # not stretch a low-resolution window; the game draws at whatever pixel size the window
    # reports. (pygame's display module makes no high-DPI window on macOS: there the system
    # scales it.)
    os.environ.setdefault("SDL_WINDOWS_DPI_AWARENESS", "permonitorv2")
    try:
        pygame.display.init()  # no audio: the game is silent, and SDL's audio probing is noisy
        pygame.font.init()
        screen = pygame.display.set_mode(size, pygame.RESIZABLE)
        _minimum_size()
    except pygame.error as exc:
        print(f"opssim: play: cannot open a window ({exc}); to run headless use: opssim run",
              file=sys.stderr)
        pygame.quit()
        return 3
    try:
        game = Game(lang=lang, seed=seed, size=size, reduced_motion=reduced_motion,
                    speed=stored.speed, store=store)
        if store is not None and store.note:
            game.say(store.note, BAD)
        if load is not None:
            game.start_loaded(load)
        elif at is not None:
            game.start_session(at, auto=frames is not None, decide=decide)
        elif scenario is not None:
            game.start(scenario, path, auto=frames is not None, decide=decide)
        else:
            game.to_title()
        pygame.display.set_caption(game.caption)
        if frames is None:
            _interactive(game, screen)
        else:
            _scripted(game, screen, frames)
            if screenshot is not None and not _save_png(screen, screenshot):
                return 1
    finally:
        pygame.quit()
        fonts.reset()
    return 0


def _save_png(screen: pygame.Surface, path: Path) -> bool:
    """Write ``screen`` to ``path`` as PNG, atomically (a full disk leaves no 0-byte file);
    False, with one line on stderr, when it cannot."""
    buffer = io.BytesIO()
    try:
        pygame.image.save(screen, buffer, "shot.png")
        write_bytes_atomically(path, buffer.getvalue())
    except (OSError, pygame.error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        print(f"opssim: --screenshot: cannot write {display_path(path)} ({reason})",
              file=sys.stderr)
        return False
    return True


def _minimum_size() -> None:
    """Keep the window from being dragged smaller than the layout can be read at."""
    window_type = getattr(pygame, "Window", None)
    if window_type is None:
        return
    # An old SDL: the window can shrink further, and the layout still scales.
    with contextlib.suppress(pygame.error, AttributeError, ValueError), \
            warnings.catch_warnings():
        # Deprecated for drawing through the Window; here it only sets the minimum size.
        warnings.simplefilter("ignore", DeprecationWarning)
        window_type.from_display_module().minimum_size = MIN_SIZE


def _interactive(game: Game, screen: pygame.Surface) -> None:
    clock = pygame.time.Clock()
    while game.running:
        seconds = clock.tick(FPS) / 1000
        for event in pygame.event.get():
            game.handle(event)
        game.step()
        screen = pygame.display.get_surface()  # a resize may have replaced it
        game.draw(screen, seconds)
        pygame.display.flip()


def _scripted(game: Game, screen: pygame.Surface, frames: int) -> None:
    """Exactly ``frames`` frames; painted each frame only when someone can see them."""
    visible = os.environ.get("SDL_VIDEODRIVER") not in ("dummy", "offscreen")
    clock = pygame.time.Clock()
    for i in range(frames):
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                return
        game.step()
        if visible or i == frames - 1:
            game.draw(screen, 1 / FPS)
        if visible:
            pygame.display.flip()
            clock.tick(FPS)
