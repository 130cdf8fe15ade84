"""The week-boundary planning panel: a slider per duty the player allocates, the manager's plan
beside it, the duties colleagues do (fixed, no slider), the total against the contract and
the overtime cap, fatigue now and where these hours take it, and a Start week button.

Below them, what the plan means (from look-ahead runs, :mod:`opssim.sim.lookahead`): the
stages the hovered or focused duty moves with what one more hour of it adds this week, and
the headline KPI's fan for the week with where last week's actual landed in its own fan.

Keys: Tab / Shift-Tab (or Down / Up) move the focus over the sliders and the two buttons;
Left / Right move the focused slider by 1 h (with Shift, 5 h); Enter presses the focused
button, or starts the week from a slider.
"""

from collections.abc import Callable

import pygame

from opssim.play.planning import Note, PlanningModel, Verdict, project_fatigue
from opssim.render import fonts, pen
from opssim.render.insight_strip import draw_insight
from opssim.render.layout import placed
from opssim.render.lever_map import LeverMap
from opssim.render.palette import (
    ACCENT,
    BAD,
    DIM,
    FAINT,
    FUNNEL,
    GOOD,
    PANEL_EDGE,
    SHADE,
    TEXT,
    TICKER,
    TRACK,
    WARN,
    Colour,
)
from opssim.render.side_panel import fatigue_colour
from opssim.render.text import duty_hint, duty_name, hours, tr
from opssim.render.ui import Gui, Slider, Widget
from opssim.render.widgets import (
    bar,
    focus_ring,
    hatch,
    hours_bar,
    lock_icon,
    panel,
    warning_icon,
)
from opssim.scenario import Scenario
from opssim.sim import Engine
from opssim.sim.lookahead import Lookahead

# The panel covers the funnel and the log below it: planning is modal, and the look-ahead
# needs the room.
RECT = pygame.Rect(0, 0, 0, 0)


@placed
def _place() -> None:
    RECT.update(FUNNEL.x + 12, FUNNEL.y + 10, FUNNEL.w - 24, TICKER.bottom - FUNNEL.y - 16)


ROWS_Y = 78  # first row, from the panel's top
ROWS_H = 272  # room for the rows: eight duties at 34 px
MAX_ROW_H = 46
INSIGHT_Y = ROWS_Y + ROWS_H + 106  # the look-ahead strip, from the panel's top
NAME_W = 250
SLIDER_X, SLIDER_W = 280, 270
VALUE_X = 562
SKILL_X = 668  # centre of the skill column
BUTTON_W = 230
USE_PLAN, START = "use_plan", "start"  # focus ids of the two buttons
#: The colour of each tone of the model's notes.
TONE: dict[str, Colour] = {"bad": BAD, "warn": WARN, "good": GOOD, "info": ACCENT}
__all__ = ["RECT", "START", "USE_PLAN", "PlanningPanel", "project_fatigue"]

class PlanningPanel:
    """The view of a :class:`~opssim.play.planning.PlanningModel`: a slider per duty (the
    model clamps), the buttons, the keyboard's focus and the mouse's hover.

    With ``engine`` (the run, paused at the week boundary while the panel is up) the model
    looks ahead on forks of it; without, it only plans.
    """

    def __init__(self, gui: Gui, scenario: Scenario, lang: str,
                 on_start: Callable[[dict[str, float]], None],
                 engine: Engine | None = None) -> None:
        self.sc = scenario
        self.lang = lang
        self.model = PlanningModel(scenario, on_start, engine)
        self.engine = engine
        self.max = self.model.max
        self.locked = self.model.locked
        self.rows = self.model.rows
        self.row_h = min(MAX_ROW_H, ROWS_H // max(1, len(self.rows)))
        self.visible = False
        self.sliders: dict[str, Slider] = {}
        for duty in scenario.duty_ids:
            ry = self.row_y(duty)
            r = pygame.Rect(RECT.x + SLIDER_X, ry + (self.row_h - 24) // 2, SLIDER_W, 24)
            self.sliders[duty] = gui.slider(r, self.values[duty], self.max,
                                            lambda v, duty=duty: self.move(duty, v))
        bx = RECT.right - 20 - BUTTON_W
        fy = RECT.y + ROWS_Y + ROWS_H + 6
        self.button_rects = {USE_PLAN: pygame.Rect(bx, fy, BUTTON_W, 36),
                             START: pygame.Rect(bx, fy + 44, BUTTON_W, 42)}
        self.buttons: list[Widget] = [
            gui.button(self.button_rects[USE_PLAN], tr("use_plan", lang), self.use_plan),
            gui.button(self.button_rects[START], tr("start_week", lang), self.start,
                       object_id="#start_week"),
        ]
        #: What Tab walks through, in order: the sliders, then the two buttons.
        self.order: list[str] = [*self.sliders, USE_PLAN, START]
        self.focus = self.order[0]
        self.hovered: str | None = None  # the duty row under the mouse
        self.lever_map = LeverMap(scenario, lang)
        self.kpi_labels = {t.kpi: self.lever_map.stages[scenario.stage_index(t.stage)][1]
                           for t in scenario.reviews.targets}
        self.close()

    # -- the model, as the views read it --------------------------------------------------

    @property
    def values(self) -> dict[str, float]:
        """The hours on the sliders (the model's)."""
        return self.model.values

    @values.setter
    def values(self, values: dict[str, float]) -> None:
        self.model.values = values

    @property
    def week(self) -> int:
        """The 0-based week being planned."""
        return self.model.week

    @property
    def auto(self) -> bool:
        """Whether the run plays itself (the panel only shows its plan)."""
        return self.model.auto

    @property
    def message(self) -> tuple[str, Colour] | None:
        """The model's note in words and its colour, if any."""
        return self._words(self.model.note)

    def _words(self, note: Note | None) -> tuple[str, Colour] | None:
        if note is None:
            return None
        values = {k: hours(v) if isinstance(v, float) else v for k, v in note.values.items()}
        return tr(note.key, self.lang, **values), TONE[note.tone]

    def row_y(self, duty: str) -> int:
        """The top of ``duty``'s row on screen."""
        return RECT.y + ROWS_Y + self.rows.index(duty) * self.row_h

    # -- commands -------------------------------------------------------------------------

    def open(self, week: int, *, auto: bool = False, fatigue: float = 0.0,
             skills: dict[str, float] | None = None) -> None:
        """Show the panel for 0-based ``week``, starting from the last values (or the plan).

        ``fatigue`` and ``skills`` are the specialist's now, for the projection and the skill
        column.
        """
        self.model.open(week, auto=auto, fatigue=fatigue, skills=skills)
        self.visible = True
        for duty, s in self.sliders.items():
            s.show()
            s.value = self.values[duty]
        for b in self.buttons:
            b.show()

    def close(self) -> None:
        """Hide the panel and its widgets; the week starts on the values shown."""
        self.model.close()
        self.visible = False
        self.hovered = None
        for w in [*self.sliders.values(), *self.buttons]:
            w.hide()

    def move(self, duty: str, value: float) -> None:
        """A slider moved: the model keeps whole hours and clamps the total."""
        kept = self.model.move(duty, value)
        if kept != round(value):
            self.sliders[duty].value = kept
        self.focus = duty  # a dragged slider has the focus, as if tabbed to

    def nudge(self, duty: str, step: float) -> None:
        """Move ``duty``'s slider by ``step`` hours (clamped like a drag)."""
        self.move(duty, self.values[duty] + step)
        self.sliders[duty].value = self.values[duty]

    def use_plan(self) -> None:
        """Set every slider to the manager's plan."""
        self.model.use_plan()
        for duty, s in self.sliders.items():
            s.value = self.values[duty]

    def start(self) -> None:
        """Commit the values (an engine error is shown, not raised)."""
        if self.visible:
            self.model.start()

    def key(self, event: pygame.event.Event) -> bool:
        """A key while the panel is up: focus, hours, Enter. True when the panel used it."""
        if not self.visible or event.type != pygame.KEYDOWN:
            return False
        shift = bool(event.mod & pygame.KMOD_SHIFT)
        k = event.key
        if k == pygame.K_TAB or k in (pygame.K_DOWN, pygame.K_UP):
            back = (k == pygame.K_TAB and shift) or k == pygame.K_UP
            i = self.order.index(self.focus)
            self.focus = self.order[(i + (-1 if back else 1)) % len(self.order)]
            self.hovered = None  # the keyboard takes over the highlight
            return True
        if k in (pygame.K_LEFT, pygame.K_RIGHT):
            if self.focus in self.sliders:
                step = (5.0 if shift else 1.0) * (1 if k == pygame.K_RIGHT else -1)
                self.nudge(self.focus, step)
            return True
        if k in (pygame.K_RETURN, pygame.K_KP_ENTER):
            if self.focus == USE_PLAN:
                self.use_plan()
            else:
                self.start()
            return True
        return False

    def hover(self, pos: tuple[int, int]) -> None:
        """The mouse is at ``pos``: the duty row under it (locked ones too) is highlighted."""
        x, y = pos
        self.hovered = None
        if not self.visible or not RECT.x < x < RECT.right:
            return
        for duty in self.rows:
            ry = self.row_y(duty)
            if ry <= y < ry + self.row_h:
                self.hovered = duty

    @property
    def shown_duty(self) -> str | None:
        """The duty whose cause and effect is shown: hovered, else focused."""
        if self.hovered is not None:
            return self.hovered
        return self.focus if self.focus in self.sliders else None

    def tick(self) -> None:
        """A frame: the model's look-ahead, the shown duty's effect first."""
        self.model.tick(self.shown_duty)

    # -- read through to the model (the look-ahead strip reads these) ----------------------

    def projected_fatigue(self) -> float:
        """Fatigue at the end of the week on the current values."""
        return self.model.projected_fatigue()

    def extra_hour_fatigue(self, duty: str) -> float:
        """How much more fatigue one more hour on ``duty`` leaves at the week's end."""
        return self.model.extra_hour_fatigue(duty)

    @property
    def shown_lookahead(self) -> Lookahead | None:
        """The look-ahead drawn: of the values shown, or of older ones until theirs is ready."""
        return self.model.shown_lookahead

    @property
    def current(self) -> Lookahead | None:
        """The look-ahead of exactly the values shown, if one has started."""
        return self.model.current

    @property
    def last_verdict(self) -> Verdict | None:
        """Where last week's actual landed in its own fan."""
        return self.model.last_verdict

    def headline(self, week: int) -> str:
        """The KPI the fan shows in ``week``."""
        return self.model.headline(week)

    def chart_target(self, la: Lookahead, kpi: str) -> float:
        """The line to beat by the week's end."""
        return self.model.chart_target(la, kpi)

    # -- drawing --------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        """The panel behind the widgets (the GUI draws the sliders and buttons on top)."""
        if not self.visible:
            return
        lang, sc = self.lang, self.sc
        pen.shade(surface, TICKER, SHADE)  # the app shades only the funnel
        panel(surface, RECT, edge=ACCENT, width=2)
        x, y = RECT.x, RECT.y
        fonts.draw(surface, tr("plan_title", lang, week=self.week + 1, weeks=sc.weeks),
                   (x + 20, y + 10), 22, TEXT, bold=True)
        fonts.draw(surface, tr("plan_sub", lang), (x + 20, y + 42), 13, DIM)
        fonts.draw(surface, fonts.fit(tr("plan_keys", lang), 12, RECT.w // 2),
                   (RECT.right - 20, y + 16), 12, DIM, anchor="topright")
        hy = y + ROWS_Y - 18
        fonts.draw(surface, tr("hours_col", lang), (x + VALUE_X, hy), 12, DIM)
        fonts.draw(surface, tr("skill_col", lang), (x + SKILL_X, hy), 12, DIM, anchor="midtop")
        fonts.draw(surface, tr("plan_col", lang), (RECT.right - 20, hy), 12, DIM,
                   anchor="topright")
        for i, duty in enumerate(self.rows):
            ry = self.row_y(duty)
            if i:
                pen.line(surface, PANEL_EDGE, (x + 16, ry), (RECT.right - 16, ry))
            if duty == self.hovered:
                pen.rect(surface, TRACK, (x + 8, ry + 1, RECT.w - 16, self.row_h - 1),
                                 border_radius=4)
            if duty == self.focus:
                focus_ring(surface, pygame.Rect(x + 6, ry, RECT.w - 12, self.row_h + 1))
            if duty in self.locked:
                self._locked_row(surface, duty, ry)
            else:
                self._row(surface, duty, ry)
        self._footer(surface, y + ROWS_Y + ROWS_H + 6)
        if self.focus in self.button_rects:
            focus_ring(surface, self.button_rects[self.focus].inflate(10, 10))
        top = y + INSIGHT_Y
        draw_insight(self, surface, pygame.Rect(x + 20, top, RECT.w - 40, RECT.bottom - 10 - top))

    def _name(self, surface: pygame.Surface, duty: str, ry: int, colour: Colour) -> None:
        lang, h = self.lang, self.row_h
        top = ry + max(0, (h - 34) // 2)
        fonts.draw(surface, fonts.fit(duty_name(duty, lang, self.sc), 15, NAME_W, bold=True),
                   (RECT.x + 20, top - 1), 15, colour, bold=True)
        fonts.draw(surface, fonts.fit(duty_hint(duty, lang, self.sc), 12, NAME_W),
                   (RECT.x + 20, top + 17), 12, DIM)
        skill = self.model.skill(duty)
        cx, cy = RECT.x + SKILL_X, ry + h // 2
        fonts.draw(surface, tr("skill_pct", lang, pct=round(100 * skill)), (cx, cy + 2), 12,
                   colour, anchor="midbottom")  # clear of the row's top line
        bar(surface, (cx - 20, cy + 5, 40, 4), skill, ACCENT)

    def _row(self, surface: pygame.Surface, duty: str, ry: int) -> None:
        lang, h = self.lang, self.row_h
        self._name(surface, duty, ry, TEXT)
        v, p = self.values[duty], float(self.model.plan.get(duty, 0.0))
        fonts.draw(surface, tr("h", lang, h=hours(v)), (RECT.x + VALUE_X, ry + h // 2), 16,
                   TEXT if v else DIM, bold=True, anchor="midleft")
        right = RECT.right - 20
        diff = v - p
        fonts.draw(surface, tr("plan_hours", lang, h=hours(p)), (right, ry + h // 2 - 1), 13,
                   DIM, anchor="bottomright" if diff else "midright")
        if diff:
            sign = "+" if diff > 0 else "−"
            fonts.draw(surface, sign + tr("h", lang, h=hours(abs(diff))), (right, ry + h // 2),
                       12, ACCENT if diff > 0 else WARN, anchor="topright")

    def _locked_row(self, surface: pygame.Surface, duty: str, ry: int) -> None:
        """A duty colleagues do: its fixed hours, hatched where the slider would be."""
        lang, h = self.lang, self.row_h
        self._name(surface, duty, ry, DIM)
        r = pygame.Rect(RECT.x + SLIDER_X, ry + (h - 24) // 2, SLIDER_W, 24)
        pen.rect(surface, TRACK, r, border_radius=4)
        hatch(surface, r.inflate(-2, -2), (52, 60, 76), step=8)
        label = tr("locked_row", lang)
        lw = fonts.width(label, 13) + 18
        lx = r.centerx - lw // 2
        pen.rect(surface, TRACK, (lx - 6, r.y + 3, lw + 12, r.h - 6), border_radius=3)
        lock_icon(surface, lx, r.centery - 7, DIM)
        fonts.draw(surface, label, (lx + 18, r.centery), 13, DIM, anchor="midleft")
        fonts.draw(surface, tr("h", lang, h=hours(self.locked[duty])),
                   (RECT.x + VALUE_X, ry + h // 2), 16, DIM, bold=True, anchor="midleft")
        fonts.draw(surface, tr("locked_fixed", lang), (RECT.right - 20, ry + h // 2), 13, FAINT,
                   anchor="midright")

    def _footer(self, surface: pygame.Surface, fy: int) -> None:
        lang, spec = self.lang, self.sc.specialist
        x = RECT.x + 20
        w = RECT.w - 40 - BUTTON_W - 24
        total = sum(self.values.values())
        fonts.draw(surface, tr("plan_hours_total", lang, total=hours(total),
                               contract=hours(spec.contract_hours), max=hours(self.max)),
                   (x, fy), 13, TEXT, bold=True)
        hours_bar(surface, (x, fy + 22, w, 11), total, spec.contract_hours, self.max,
                  label=tr("contract", lang))
        end = self.projected_fatigue()
        loss = round(100 * spec.fatigue.quality_loss_at_max * end / 100)
        now = self.model.fatigue
        colour = WARN if end > now + 0.5 else fatigue_colour(end)  # rising, or how high
        fonts.draw(surface, fonts.fit(tr("plan_fatigue", lang, now=f"{now:.0f}", end=f"{end:.0f}",
                                         loss=loss), 13, w), (x, fy + 47), 13, colour)
        msg = self.message or self._default_message()
        if msg:
            text, colour = msg
            mx = x
            if colour in (WARN, BAD):
                warning_icon(surface, x, fy + 72, 14, colour)
                mx += 22
            fonts.draw(surface, fonts.fit(text, 14, w - (mx - x)), (mx, fy + 69), 14, colour)

    def _default_message(self) -> tuple[str, Colour] | None:
        return self._words(self.model.default_note())

    # -- the look-ahead strip -------------------------------------------------------------
