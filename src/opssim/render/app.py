"""A run in the window: planning, running, the review card or blame popup, and the end.

:class:`App` holds one run. ``App.step()`` is the logic of one frame (engine, dots, log,
popups) and ``App.draw()`` paints it, so tests can step a run without a real loop. The scenes
around it (title, menu, saves) and the frame loops are in :mod:`opssim.render.window`.
"""

from collections.abc import Callable, Sequence

import pygame

from opssim.model.records import BlameEvent, Complaints, Dashboard, Record, Review
from opssim.play.driver import Decide, Driver, FrameReport, Phase
from opssim.play.incident import IncidentModel
from opssim.render import pen
from opssim.render.blame_popup import BlamePopup
from opssim.render.calendar import Calendar
from opssim.render.dots import Dots
from opssim.render.end_screen import RECT as END_RECT
from opssim.render.end_screen import EndScreen
from opssim.render.funnel_view import FunnelView
from opssim.render.hud import Hud
from opssim.render.incident_card import IncidentCard
from opssim.render.layout import placed
from opssim.render.palette import ACCENT, BG, FUNNEL, SHADE, SIZE
from opssim.render.planning_panel import PlanningPanel
from opssim.render.review_card import ReviewCard
from opssim.render.side_panel import LastReview, SidePanel
from opssim.render.text import tr
from opssim.render.ticker import Ticker
from opssim.render.ui import Gui
from opssim.scenario import Scenario
from opssim.sim import Engine

FPS = 60
CONFIRM = (pygame.K_RETURN, pygame.K_KP_ENTER)
SPEED_KEYS = {pygame.K_1: 1, pygame.K_2: 2, pygame.K_3: 3,
              pygame.K_KP1: 1, pygame.K_KP2: 2, pygame.K_KP3: 3}
#: The end screen's buttons: play again, back to the title, quit (under the scorecard).
END_BUTTONS = pygame.Rect(0, 0, END_RECT.w - 240, 40)


@placed
def _place() -> None:
    END_BUTTONS.topleft = END_RECT.x + 120, END_RECT.bottom - 56


class App:
    """One run of ``scenario`` in a window; ``auto=True`` plays the manager's plan unattended.

    ``engine`` (with the ``checksums`` of the weeks it has played) resumes a run restored at
    a week boundary; either way the views are built from ``engine.events`` by the same code
    that feeds them each frame (:meth:`_absorb`), so a loaded run, a run after a language
    switch and a run played to that point look the same.
    """

    def __init__(self, scenario: Scenario, *, seed: int, lang: str, auto: bool,
                 engine: Engine | None = None, checksums: Sequence[str] = (),
                 reduced_motion: bool = False, scale: float = 1.0,
                 on_end: Callable[[str], None] | None = None,
                 decide: Decide | None = None) -> None:
        self.scenario = scenario
        self.engine = engine if engine is not None else Engine(scenario, seed=seed)
        self.driver = Driver(self.engine, auto=auto, checksums=checksums, decide=decide)
        self.scale = scale
        self.reduced_motion = reduced_motion
        self.on_end = on_end or (lambda action: None)
        self.running = True
        self.gui: Gui | None = None
        self.end_gui: Gui | None = None
        self._build(lang)

    @property
    def auto(self) -> bool:
        """Whether the run plays itself."""
        return self.driver.auto

    @property
    def modal(self) -> bool:
        """Whether a popup or card is up (it takes the keys until closed)."""
        return self.popup.visible or self.card.visible or self.incident.visible

    def _build(self, lang: str) -> None:
        """(Re)build every view in ``lang`` and feed them the log so far."""
        for gui in (self.gui, self.end_gui):
            if gui is not None:
                gui.clear()
        sc, seed = self.scenario, self.engine.seed
        self.lang = lang
        self.gui = Gui(SIZE, lang, self.scale)
        self.end_gui = Gui(SIZE, lang, self.scale)
        self.dots = Dots(seed)
        self._no_dots = Dots(seed, cap=0)  # reduced motion: nothing spawns
        self.calendar = Calendar(sc, lang)
        self.funnel = FunnelView(sc, lang, self.dots, self.calendar)
        self.side = SidePanel(sc, lang)
        self.hud = Hud(sc, lang)
        self.ticker = Ticker(sc, lang, self.side.kpi_labels, self.calendar, auto=self.auto)
        self.planning = PlanningPanel(self.gui, sc, lang, self._start_week,
                                      engine=self.engine)  # it looks ahead on forks
        self.popup = BlamePopup(lang, self.side.kpi_labels, sc.blame.promotion.reputation,
                                sc.blame)
        self.card = ReviewCard(lang, self.side.kpi_labels)
        self.incident = IncidentCard(IncidentModel(sc, lang), self._choose)
        if self.driver.waiting is not None:
            self.incident.model.show(self.driver.waiting)
        self.end = EndScreen(sc, lang)
        self.end_menu = self.end_gui.row(END_BUTTONS, [
            (tr("end_again", lang), lambda: self.on_end("again")),
            (tr("end_title", lang), lambda: self.on_end("title")),
            (tr("end_quit", lang), lambda: self.on_end("quit")),
        ])
        self.reviews: list[Review] = []
        self.last_review: LastReview | None = None
        self.blame_count = 0
        self.blames: list[BlameEvent] = []
        self.dashboard: Dashboard | None = None  # what the dashboard showed at the last review
        # Reputation as the log tells it: each review records the value it left (the engine's
        # one rule applied), complaints their change between reviews.
        self.rep = sc.blame.reputation.start
        self._rep_after: dict[int, float] = {}
        # The window shows the player's view (snapshot: estimates when the dashboard is noisy);
        # only the dots follow the truth (see funnel_view).
        self.snap = self.engine.snapshot()
        self._absorb(self.engine.events[: self.driver.cursor], live=False)
        self.funnel.update(self.engine.truth(), self.driver.hours_per_frame)  # the baseline
        self.set_reduced_motion(self.reduced_motion)
        if self.driver.phase is Phase.PLANNING:
            self._open_planning(self.driver.week)

    def relang(self, lang: str) -> None:
        """Switch language in place: the views are rebuilt, the run and the open plan kept."""
        values = dict(self.planning.values)
        planning = self.planning.visible
        blames, popup_frames = list(self.popup.blames), self.popup.frames_left
        review, card = self.card.review, self.card
        self._build(lang)
        self.planning.values = values
        if planning:
            self._open_planning(self.driver.week)
        if blames:
            self.popup.show(blames, self.rep, auto=False, dashboard=self.dashboard)
            self.popup.frames_left = popup_frames
        if review is not None:
            self.card.show(review, card.gain, card.reputation, auto=False)
            self.card.frames_left = card.frames_left

    def set_reduced_motion(self, on: bool) -> None:
        """No moving dots when ``on`` (the funnel's numbers carry the flow)."""
        self.reduced_motion = on
        self.funnel.legend = not on  # no dots: no legend for them
        if on:
            self.funnel.dots = self._no_dots
        elif self.funnel.dots is self._no_dots:  # back on: dots from now on
            self.dots = self.funnel.dots = Dots(self.engine.seed)

    @property
    def reputation(self) -> list[float]:
        """Reputation at the start and after each reviewed week, in order."""
        return [self.scenario.blame.reputation.start,
                *(self._rep_after[w] for w in sorted(self._rep_after))]

    def _open_planning(self, week: int) -> None:
        snap = self.snap
        if self.auto and self.driver.decide is not None:  # show the policy's hours
            self.planning.values = {**dict.fromkeys(self.planning.values, 0.0),
                                    **self.driver.auto_hours}
            self.planning.open(week, fatigue=snap.fatigue, skills=dict(snap.skills))
            return
        self.planning.open(week, auto=self.auto, fatigue=snap.fatigue, skills=dict(snap.skills))

    # -- input ----------------------------------------------------------------------------

    def _start_week(self, hours: dict[str, float]) -> None:
        self.driver.start_week(hours)  # raises AllocationError, shown by the panel
        self.planning.close()

    def _choose(self, choice: int) -> None:
        """The player answered the incident card."""
        self.driver.answer(choice)
        self.incident.model.close()

    def handle(self, event: pygame.event.Event) -> bool:
        """One input event: keys, clicks, and the GUI's widgets. False for keys the run does
        not use (Esc: the game opens its menu)."""
        if self.incident.visible:  # the run waits on it: it takes the keys and clicks
            return self.incident.handle(event)
        if self.modal:
            if ((event.type == pygame.KEYDOWN
                 and event.key in (*CONFIRM, pygame.K_SPACE, pygame.K_ESCAPE))
                    or event.type == pygame.MOUSEBUTTONDOWN):
                self.popup.close()
                self.card.close()
                return True
            return event.type != pygame.KEYDOWN or event.key != pygame.K_ESCAPE
        if self.driver.phase is Phase.FINISHED:
            if self.end_menu.handle_key(event):
                return True
            return self.end_gui.process(event)
        if event.type == pygame.KEYDOWN:
            if self.planning.key(event):  # Tab, arrows, Enter: the panel's own focus
                return True
            if event.key == pygame.K_SPACE:
                self.driver.toggle_pause()
                return True
            if event.key in SPEED_KEYS:
                self.driver.set_speed(SPEED_KEYS[event.key])
                return True
        if event.type == pygame.MOUSEMOTION:  # window pixels: the panel lays out in units
            x, y = event.pos
            self.planning.hover((round(x / pen.scale), round(y / pen.scale)))
        return self.gui.process(event)

    # -- a frame --------------------------------------------------------------------------

    def step(self) -> FrameReport:
        """The logic of one frame: advance the engine, feed the views what is new."""
        d = self.driver
        report = d.step()
        self.planning.tick()  # look-ahead, a few steps a frame
        if report.started_week:
            self.planning.close()
        self.snap = self.engine.snapshot()
        if not d.paused:
            self.funnel.update(self.engine.truth(), d.hours_per_frame)
            if not self.reduced_motion:
                self.dots.update()
        self._absorb(report.records, live=True)
        if report.entered_planning:
            self._open_planning(d.week)
        if report.finished:
            self.planning.close()
        if d.waiting is not None and not self.incident.visible:
            self.incident.model.show(d.waiting)
        elif d.waiting is None and self.incident.visible:  # answered by a scripted run
            self.incident.model.close()
        self.popup.tick()
        self.card.tick()
        return report

    def _absorb(self, records: Sequence[Record], *, live: bool) -> None:
        """Feed log records to the views; ``live``: they just happened, so popups may open."""
        self.ticker.add(list(records), now=self.engine.now if live else None)
        blames: list[BlameEvent] = []
        reviewed: list[tuple[Review, float]] = []
        for r in records:
            if isinstance(r, Review):
                self.reviews.append(r)
                self.last_review = LastReview(r.week, {x.kpi: x for x in r.results})
                before = self.rep
                if r.reputation is not None:
                    self.rep = r.reputation
                self._rep_after[r.week] = self.rep
                reviewed.append((r, self.rep - before))
            elif isinstance(r, BlameEvent):
                self.blame_count += 1
                blames.append(r)
                self.blames.append(r)
            elif isinstance(r, Complaints):
                self.rep = max(0.0, self.rep + r.reputation_delta)
            elif isinstance(r, Dashboard):
                self.dashboard = r
        if not live:
            return
        if blames:
            self.popup.show(blames, self.rep, auto=self.auto, dashboard=self.dashboard)
        elif reviewed and reviewed[-1][0].results:
            review, delta = reviewed[-1]
            self.card.show(review, delta, self.rep, auto=self.auto)

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
            pen.shade(surface, FUNNEL, SHADE)
            self.planning.draw(surface)
        self.gui.update(seconds)
        self.gui.draw(surface)
        if self.driver.phase is Phase.FINISHED:
            self.end.draw(surface, snap, self.reviews, self.blame_count, self.reputation,
                          self.engine.truth(), self.blames)
            if not self.modal:
                self.end_gui.update(seconds)
                self.end_gui.draw(surface)
                self.end_menu.draw_focus(surface, ACCENT)
        self.card.draw(surface)
        self.popup.draw(surface)
        self.incident.draw(surface)
