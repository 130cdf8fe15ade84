"""The window: the frame loop, input, and which view is up (planning, running, blame, end).

:class:`App` holds one run. ``App.step()`` is the logic of one frame (engine, dots, log,
popups) and ``App.draw()`` paints it, so tests can step a run without a real loop.
"""

import os
import sys
from pathlib import Path

import pygame

from opssim.model.records import BlameEvent, Dashboard, Review
from opssim.render import fonts
from opssim.render.blame_popup import BlamePopup
from opssim.render.calendar import Calendar
from opssim.render.dots import Dots
from opssim.render.driver import Driver, FrameReport, Phase
from opssim.render.end_screen import EndScreen
from opssim.render.funnel_view import FunnelView
from opssim.render.hud import Hud
from opssim.render.palette import BG, FUNNEL, SHADE, SIZE
from opssim.render.planning_panel import PlanningPanel
from opssim.render.side_panel import LastReview, SidePanel
from opssim.render.ticker import Ticker
from opssim.render.ui import Gui
from opssim.scenario import Scenario
from opssim.sim import Engine

FPS = 60
CONFIRM = (pygame.K_RETURN, pygame.K_KP_ENTER)
SPEED_KEYS = {pygame.K_1: 1, pygame.K_2: 2, pygame.K_3: 3,
              pygame.K_KP1: 1, pygame.K_KP2: 2, pygame.K_KP3: 3}


class App:
    """One run of ``scenario`` in a window; ``auto=True`` plays the manager's plan unattended."""

    def __init__(self, scenario: Scenario, *, seed: int, lang: str, auto: bool) -> None:
        self.scenario = scenario
        self.lang = lang
        self.engine = Engine(scenario, seed=seed)
        self.driver = Driver(self.engine, auto=auto)
        self.gui = Gui(SIZE, lang)
        self.dots = Dots(seed)
        self.calendar = Calendar(scenario, lang)
        self.funnel = FunnelView(scenario, lang, self.dots, self.calendar)
        self.side = SidePanel(scenario, lang)
        self.hud = Hud(scenario, lang)
        self.ticker = Ticker(scenario, lang, self.side.kpi_labels, self.calendar, auto=auto)
        self.planning = PlanningPanel(self.gui, scenario, lang, self._start_week,
                                      engine=self.engine)  # it looks ahead on forks
        self.popup = BlamePopup(lang, self.side.kpi_labels, scenario.blame.promotion.reputation,
                                scenario.blame)
        self.end = EndScreen(scenario, lang)
        self.reviews: list[Review] = []
        self.last_review: LastReview | None = None
        self.blame_count = 0
        self.dashboard: Dashboard | None = None  # what the dashboard showed at the last review
        # The window shows the player's view (snapshot: estimates when the dashboard is noisy);
        # only the dots follow the truth (see funnel_view).
        self.snap = self.engine.snapshot()
        self.reputation = [self.snap.reputation]
        self.running = True
        self._open_planning(0)

    @property
    def auto(self) -> bool:
        """Whether the run plays itself."""
        return self.driver.auto

    def _open_planning(self, week: int) -> None:
        snap = self.snap
        self.planning.open(week, auto=self.auto, fatigue=snap.fatigue, skills=dict(snap.skills))

    # -- input ----------------------------------------------------------------------------

    def _start_week(self, hours: dict[str, float]) -> None:
        self.driver.start_week(hours)  # raises AllocationError, shown by the panel
        self.planning.close()

    def handle(self, event: pygame.event.Event) -> None:
        """One input event: keys, clicks, and the GUI's widgets."""
        if event.type == pygame.QUIT:
            self.running = False
            return
        if self.popup.visible and (
            (event.type == pygame.KEYDOWN and event.key in (*CONFIRM, pygame.K_SPACE,
                                                            pygame.K_ESCAPE))
            or event.type == pygame.MOUSEBUTTONDOWN
        ):
            self.popup.close()
            return
        if event.type == pygame.KEYDOWN:
            finished = self.driver.phase is Phase.FINISHED
            if event.key == pygame.K_ESCAPE or (finished and event.key in CONFIRM):
                self.running = False
            elif self.planning.key(event):  # Tab, arrows, Enter: not for the GUI
                return
            elif event.key == pygame.K_SPACE:
                self.driver.toggle_pause()
            elif event.key in SPEED_KEYS:
                self.driver.set_speed(SPEED_KEYS[event.key])
        if event.type == pygame.MOUSEMOTION:
            self.planning.hover(event.pos)
        if not self.popup.visible:
            self.gui.process(event)

    # -- a frame --------------------------------------------------------------------------

    def step(self) -> FrameReport:
        """The logic of one frame: advance the engine, feed the views what is new."""
        d = self.driver
        report = d.step()
        self.planning.tick()  # look-ahead, a few steps a frame
        if report.started_week:
            self.planning.close()
        self.snap = snap = self.engine.snapshot()
        if not d.paused:
            self.funnel.update(self.engine.truth(), d.hours_per_frame)
            self.dots.update()
        self.ticker.add(report.records)
        blames = [r for r in report.records if isinstance(r, BlameEvent)]
        for r in report.records:
            if isinstance(r, Review):
                self.reviews.append(r)
                self.last_review = LastReview(r.week, {x.kpi: x for x in r.results})
                self.reputation.append(snap.reputation)
            elif isinstance(r, Dashboard):
                self.dashboard = r
        if blames:
            self.blame_count += len(blames)
            self.popup.show(blames, snap.reputation, auto=self.auto, dashboard=self.dashboard)
        if report.entered_planning:
            self._open_planning(d.week)
        if report.finished:
            self.planning.close()
        self.popup.tick()
        return report

    def draw(self, surface: pygame.Surface, seconds: float = 1 / FPS) -> None:
        """Paint the frame; ``seconds`` drives only the GUI's own animation."""
        snap = self.snap
        surface.fill(BG)
        self.hud.draw(surface, snap, self.driver)
        self.funnel.draw(surface, snap)
        planned = self.planning.values if self.planning.visible else None
        self.side.draw(surface, snap, self.driver.week, self.last_review, planned)
        self.ticker.draw(surface)
        if self.planning.visible:
            shade = pygame.Surface(FUNNEL[2:], pygame.SRCALPHA)
            shade.fill(SHADE)
            surface.blit(shade, FUNNEL[:2])
            self.planning.draw(surface)
        self.gui.update(seconds)
        self.gui.draw(surface)
        if self.driver.phase is Phase.FINISHED:
            self.end.draw(surface, snap, self.reviews, self.blame_count, self.reputation,
                          self.engine.truth())
        self.popup.draw(surface)


def play(scenario: Scenario, *, seed: int, lang: str, frames: int | None,
         screenshot: Path | None) -> int:
    """Play ``scenario`` in a 1280×720 window; returns the exit code.

    With ``frames`` the run plays the manager's plan for exactly that many frames and saves
    the last one to ``screenshot`` (PNG) if given. Without a display: one line, exit code 3.
    """
    fonts.reset()
    try:
        pygame.display.init()  # no audio: the game is silent, and SDL's audio probing is noisy
        pygame.font.init()
        screen = pygame.display.set_mode(SIZE)
    except pygame.error as exc:
        print(f"opssim: play: cannot open a window ({exc}); to run headless use: opssim run",
              file=sys.stderr)
        pygame.quit()
        return 3
    try:
        pygame.display.set_caption(f"opssim — {scenario.title.get(lang)}")
        app = App(scenario, seed=seed, lang=lang, auto=frames is not None)
        if frames is None:
            _interactive(app, screen)
        else:
            _scripted(app, screen, frames)
            if screenshot is not None:
                pygame.image.save(screen, screenshot)
    finally:
        pygame.quit()
        fonts.reset()
    return 0


def _interactive(app: App, screen: pygame.Surface) -> None:
    clock = pygame.time.Clock()
    while app.running:
        seconds = clock.tick(FPS) / 1000
        for event in pygame.event.get():
            app.handle(event)
        app.step()
        app.draw(screen, seconds)
        pygame.display.flip()


def _scripted(app: App, screen: pygame.Surface, frames: int) -> None:
    """Exactly ``frames`` frames; painted each frame only when someone can see them."""
    visible = os.environ.get("SDL_VIDEODRIVER") not in ("dummy", "offscreen")
    clock = pygame.time.Clock()
    for i in range(frames):
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                return
        app.step()
        if visible or i == frames - 1:
            app.draw(screen, 1 / FPS)
        if visible:
            pygame.display.flip()
            clock.tick(FPS)
