"""The game around a run: the title screen, the run (:class:`App`), the Esc menu, the save
list, the hot-reload notice; the window's size (the window and its frame loops: :mod:`.window`).

Everything is drawn straight onto the window at its own pixel size (:mod:`.layout`,
:mod:`.pen`): a resized window is laid out again and every view rebuilt, the run kept.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import pygame

from opssim.play.driver import Decide
from opssim.play.session import Session
from opssim.play.settings import SettingsStore
from opssim.play.userdata import ScenarioEntry
from opssim.render import fonts, layout, pen
from opssim.render.app import FPS, App
from opssim.render.menu_screen import MenuScreen
from opssim.render.palette import ACCENT, BAD, PANEL, SIZE, TEXT
from opssim.render.reload_notice import ReloadNotice
from opssim.render.save_screen import SaveScreen
from opssim.render.scroll_menu import ScrollMenu
from opssim.render.text import tr
from opssim.render.title_screen import TitleScreen
from opssim.render.ui import Menu
from opssim.scenario import Scenario, ScenarioError, load_scenario, scenario_hash
from opssim.sim import Engine
from opssim.sim.record import RecordingError

#: Frames between two looks at the scenario file's modification time (about a second).
POLL_FRAMES = 60
TOAST_FRAMES = 240


class Overlay(Protocol):
    """A screen over the scene: it takes every input event while it is up."""

    rect: pygame.Rect

    def handle(self, event: pygame.event.Event) -> bool: ...

    def draw(self, surface: pygame.Surface, seconds: float) -> None: ...


#: The smallest window the layout stays readable in (and the largest asked for).
MIN_SIZE, MAX_SIZE = (640, 360), (7680, 4320)


def parse_size(text: str) -> tuple[int, int]:
    """``1920x1080`` as (1920, 1080); raises ValueError unless its ratio is 4:3 to 21:9 (an
    ultrawide's 2.4:1 included) and it is 640×360 to 7680×4320."""
    try:
        w, h = (int(v) for v in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise ValueError(f"expected WIDTHxHEIGHT such as 1920x1080, got {text!r}") from None
    if not (MIN_SIZE[0] <= w <= MAX_SIZE[0] and MIN_SIZE[1] <= h <= MAX_SIZE[1]):
        raise ValueError(f"{w}x{h}: the window must be from 640x360 to 7680x4320")
    if not 3 * w >= 4 * h or not 5 * w <= 12 * h:
        raise ValueError(f"{w}x{h}: the window's ratio must be from 4:3 (1440x1080) to "
                         f"ultrawide 21:9 (up to 2.4:1, 3440x1440)")
    return w, h


class Game:
    """The scenes of one window session."""

    def __init__(self, *, lang: str, seed: int = 0, size: tuple[int, int] = layout.BASE,
                 reduced_motion: bool = False, speed: int = 1,
                 store: SettingsStore | None = None) -> None:
        self.lang = lang
        self.seed = seed
        self.size = (int(size[0]), int(size[1]))
        self.scale = layout.apply(self.size)  # window pixels per layout unit
        self.reduced_motion = reduced_motion
        self.speed = speed  # the speed a played run starts at
        self.store = store  # where the player's changes are remembered (None: nowhere)
        self.running = True
        self.scene: TitleScreen | App | None = None
        self.overlays: list[Overlay] = []
        self.path: Path | None = None  # the scenario file being played (hot reload)
        self._mtime: float | None = None
        self._frame = 0
        self.toast: tuple[str, tuple[int, int, int], int] | None = None

    def resize(self, size: tuple[int, int]) -> None:
        """The window is now ``size`` pixels: lay out again and rebuild every view (the run,
        the open plan, popups and overlays are kept)."""
        size = (max(1, size[0]), max(1, size[1]))
        if size == self.size:
            return
        self.size = size
        self.scale = layout.apply(size)
        if isinstance(self.scene, App):
            self.scene.relang(self.lang)
        elif isinstance(self.scene, TitleScreen):
            self._rebuild_title()
        self._rebuild_overlays()

    # -- scenes ---------------------------------------------------------------------------

    def to_title(self) -> None:
        """Show the title screen."""
        self.overlays.clear()
        self._drop_scene()
        self.path = self._mtime = None
        self.scene = TitleScreen(self)

    def start(self, scenario: Scenario, path: Path | None, *, auto: bool = False,
              engine: Engine | None = None, checksums: Sequence[str] = (),
              seed: int | None = None, decide: Decide | None = None) -> App:
        """Play ``scenario`` (read from ``path``), from the start or from a restored engine;
        ``seed`` defaults to the engine's, else the game's."""
        if engine is None:
            session = Session.new(scenario, path, self.seed if seed is None else seed)
        else:
            session = Session(scenario, path, engine, list(checksums))
        return self.start_session(session, auto=auto, decide=decide)

    def start_session(self, session: Session, *, auto: bool = False,
                      decide: Decide | None = None) -> App:
        """Play ``session`` from where it stands."""
        self.overlays.clear()
        self._drop_scene()
        self.path = session.path
        self._mtime = _mtime(session.path)
        self.scene = app = App(session.scenario, seed=session.seed, lang=self.lang, auto=auto,
                               engine=session.engine, checksums=session.checksums,
                               reduced_motion=self.reduced_motion, scale=self.scale,
                               on_end=self._end_action, decide=decide)
        if not auto:
            app.driver.set_speed(self.speed)
        return app

    def start_entry(self, entry: ScenarioEntry) -> None:
        """Start a scenario picked on the title screen."""
        try:
            sc = load_scenario(entry.path)
        except ScenarioError:
            return  # listed as not loading; its button is disabled
        self.start(sc, entry.path)

    def _drop_scene(self) -> None:
        if self.scene is not None:
            for gui in (getattr(self.scene, "gui", None), getattr(self.scene, "end_gui", None)):
                if gui is not None:
                    gui.clear()

    def _end_action(self, action: str) -> None:
        app = self.app
        if action == "again" and app is not None:
            self.start(app.scenario, self.path, seed=app.engine.seed)  # the same luck again
        elif action == "title":
            self.to_title()
        elif action == "quit":
            self.quit()

    @property
    def app(self) -> App | None:
        """The run, when one is up."""
        return self.scene if isinstance(self.scene, App) else None

    def quit(self) -> None:
        """Close the window."""
        self.running = False

    # -- overlays -------------------------------------------------------------------------

    def open_menu(self) -> None:
        """The Esc menu."""
        self.overlays.append(MenuScreen(self))

    def open_saves(self, mode: str) -> None:
        """The save list, to save (``save``) or to load (``load``)."""
        self.overlays.append(SaveScreen(self, mode))

    def close_overlay(self) -> None:
        """Close the topmost overlay."""
        if self.overlays:
            top = self.overlays.pop()
            gui = getattr(top, "gui", None)
            if gui is not None:
                gui.clear()

    @property
    def can_save(self) -> bool:
        """Whether a run stands at a week boundary and is not over."""
        app = self.app
        return app is not None and app.driver.at_boundary and not app.engine.finished

    def save_to(self, over: Path | None) -> Path | None:
        """Save the run as a new save (``over`` None) or over an old one; back to the run."""
        app = self.app
        if app is None or not self.can_save:
            return None
        try:
            path = self.session_of(app).save(over)
        except OSError as exc:  # a full disk, a read-only folder: say so, keep playing
            error = exc.strerror or type(exc).__name__
            if self.overlays and isinstance(self.overlays[-1], SaveScreen):
                self.overlays[-1].fail(tr("save_failed", self.lang, error=error))
            else:
                self.say(tr("save_failed", self.lang, error=error), BAD)
            return None
        self.overlays.clear()
        self.say(tr("saved", self.lang, name=path.name))
        return path

    def load_from(self, path: Path) -> bool:
        """Load a save: its scenario, replayed to its week. On failure the save list says why."""
        try:
            session = Session.load(path)
        except (RecordingError, OSError) as exc:
            if self.overlays and isinstance(self.overlays[-1], SaveScreen):
                self.overlays[-1].fail(tr("load_failed", self.lang, error=str(exc)))
            return False
        self.start_loaded(session)
        return True

    def start_loaded(self, session: Session) -> None:
        """Play a restored save and say which week it resumes at."""
        self.start_session(session)
        self.say(tr("loaded", self.lang, week=session.weeks_played + 1))

    def session_of(self, app: App) -> Session:
        """The run ``app`` plays, as a session (the driver's checksums are the weeks played)."""
        return Session(app.scenario, self.path, app.engine, app.driver.checksums)

    # -- settings -------------------------------------------------------------------------

    def toggle_lang(self) -> None:
        """English ↔ 中文, every view rebuilt in place."""
        self.set_lang("zh" if self.lang == "en" else "en")

    def set_lang(self, lang: str) -> None:
        """Switch the language of everything on screen (and remember it)."""
        self.lang = lang
        self._remember(lang=lang)
        if isinstance(self.scene, App):
            self.scene.relang(lang)
        elif isinstance(self.scene, TitleScreen):
            self._rebuild_title()
        self._rebuild_overlays()
        pygame.display.set_caption(self.caption)

    def toggle_motion(self) -> None:
        """Reduced motion on or off (and remember it)."""
        self.reduced_motion = not self.reduced_motion
        self._remember(reduced_motion=self.reduced_motion)
        if isinstance(self.scene, App):
            self.scene.set_reduced_motion(self.reduced_motion)
        elif isinstance(self.scene, TitleScreen):
            self._rebuild_title()
        self._rebuild_overlays()

    def _rebuild_title(self) -> None:
        """The title screen drawn again (a new size, language or motion), its focus kept."""
        old = self.scene.menu
        self._drop_scene()
        self.scene = TitleScreen(self)
        carry_focus(old, self.scene.menu)

    def _rebuild_overlays(self) -> None:
        old, self.overlays = self.overlays, []
        for ov in old:
            gui = getattr(ov, "gui", None)
            if gui is not None:
                gui.clear()
            if isinstance(ov, MenuScreen):
                new: Overlay = MenuScreen(self)
            elif isinstance(ov, SaveScreen):
                new = SaveScreen(self, ov.mode)
            elif isinstance(ov, ReloadNotice):
                new = ReloadNotice(self, ov.errors)
            else:
                new = ov
            menu = getattr(ov, "menu", None)
            if menu is not None:
                carry_focus(menu, new.menu)  # type: ignore[attr-defined]
            self.overlays.append(new)

    def _remember(self, **changes: object) -> None:
        """Write a setting the player changed to the settings file (a note if it fails)."""
        if self.store is not None:
            problem = self.store.remember(**changes)
            if problem:
                self.say(problem, BAD)

    def _speed_changed(self) -> None:
        """Remember the speed the player last chose in a played run."""
        app = self.app
        if app is not None and not app.auto and app.driver.speed != self.speed:
            self.speed = app.driver.speed
            self._remember(speed=self.speed)

    @property
    def caption(self) -> str:
        """The window's title."""
        app = self.app
        return f"opssim — {app.scenario.title.get(self.lang)}" if app else "opssim"

    def say(self, text: str, colour: tuple[int, int, int] = ACCENT) -> None:
        """A one-line note at the top of the screen for a few seconds."""
        self.toast = (text, colour, TOAST_FRAMES)

    # -- hot reload -----------------------------------------------------------------------

    def poll(self) -> None:
        """Reload the scenario if its file changed (called every :data:`POLL_FRAMES` frames)."""
        app = self.app
        if app is None or self.path is None or app.auto:
            return
        mtime = _mtime(self.path)
        if mtime is None or mtime == self._mtime:
            return
        self._mtime = mtime
        self.reload()

    def reload(self) -> None:
        """Read the scenario again: show its errors, or replay the hours played so far on it."""
        app = self.app
        if app is None or self.path is None:
            return
        try:
            sc = load_scenario(self.path)
        except ScenarioError as exc:
            self.overlays = [o for o in self.overlays if not isinstance(o, ReloadNotice)]
            self.overlays.append(ReloadNotice(self, [str(e) for e in exc.errors]))
            return
        if scenario_hash(sc) == scenario_hash(app.scenario):
            return  # saved without a change
        session, problem = self.session_of(app).reloaded(sc)
        self.start_session(session)
        if problem is not None:
            self.say(tr("reloaded_restart", self.lang, error=problem), BAD)
        else:
            self.say(tr("reloaded", self.lang, week=session.weeks_played + 1))

    # -- the frame ------------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> None:
        """One input event, to the topmost overlay or else the scene."""
        if event.type == pygame.QUIT:
            self.quit()
            return
        if event.type == pygame.VIDEORESIZE:
            self.resize(event.size)
            return
        if self.overlays:
            self.overlays[-1].handle(event)
            return
        scene = self.scene
        if scene is None:
            return
        used = scene.handle(event)
        self._speed_changed()
        if (not used and isinstance(scene, App) and event.type == pygame.KEYDOWN
                and event.key == pygame.K_ESCAPE):
            self.open_menu()

    def step(self) -> None:
        """One frame of logic: the run stands still under an overlay."""
        self._frame += 1
        if self.toast is not None:
            text, colour, left = self.toast
            self.toast = (text, colour, left - 1) if left > 1 else None
        if self.scene is None or self.overlays:
            return
        self.scene.step()
        if self._frame % POLL_FRAMES == 0:
            self.poll()

    def draw(self, window: pygame.Surface, seconds: float = 1 / FPS) -> None:
        """Paint the scene and overlays on the window (at its own pixel size)."""
        if window.get_size() != self.size:  # resized without an event (a test, a DPI change)
            self.resize(window.get_size())
        canvas = window  # outside 4:3–21:9 the layout is at the top left; scenes fill it all
        if self.scene is not None:
            self.scene.draw(canvas, seconds)
        for ov in self.overlays:
            ov.draw(canvas, seconds)
        if self.toast is not None:
            text, colour, _ = self.toast
            img = fonts.fit(text, 15, SIZE[0] - 120)
            w = fonts.width(img, 15) + 32
            r = pygame.Rect((SIZE[0] - w) // 2, SIZE[1] - 48, w, 32)
            pen.rect(canvas, PANEL, r, border_radius=8)
            pen.rect(canvas, colour, r, 2, border_radius=8)
            fonts.draw(canvas, img, r.center, 15, TEXT, anchor="center")


def carry_focus(old: Menu | ScrollMenu, new: Menu | ScrollMenu) -> None:
    """Give a rebuilt screen's menu the old one's focus (and scroll position)."""
    new.index = old.index
    if isinstance(old, ScrollMenu) and isinstance(new, ScrollMenu):
        new.top = old.top
    new.move(0)


def _mtime(path: Path | None) -> float | None:
    try:
        return path.stat().st_mtime_ns if path is not None else None
    except OSError:
        return None
