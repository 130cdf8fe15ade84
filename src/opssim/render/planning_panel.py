"""The week-boundary planning panel: a slider per duty the player allocates, the manager's plan
beside it, the duties colleagues do (fixed, no slider), the total against the contract and
the overtime cap, fatigue now and where these hours take it, and a Start week button (Enter
does the same)."""

from collections.abc import Callable

import pygame

from opssim.model import AllocationError
from opssim.render import fonts
from opssim.render.palette import (
    ACCENT,
    BAD,
    DIM,
    FAINT,
    FUNNEL,
    GOOD,
    PANEL_EDGE,
    TEXT,
    TRACK,
    WARN,
    Colour,
)
from opssim.render.side_panel import fatigue_colour
from opssim.render.text import duty_hint, duty_name, hours, tr
from opssim.render.ui import Gui, Slider, Widget
from opssim.render.widgets import bar, hatch, hours_bar, lock_icon, panel, warning_icon
from opssim.scenario import Scenario
from opssim.sim.specialist import DEFAULT_SKILL, SpecialistState

RECT = pygame.Rect(FUNNEL[0] + 12, FUNNEL[1] + 10, FUNNEL[2] - 24, FUNNEL[3] - 16)
ROWS_Y = 78  # first row, from the panel's top
ROWS_H = 296  # room for the rows: eight duties at 37 px
MAX_ROW_H = 46
NAME_W = 250
SLIDER_X, SLIDER_W = 280, 270
VALUE_X = 562
SKILL_X = 668  # centre of the skill column
BUTTON_W = 230


def project_fatigue(sc: Scenario, fatigue: float, alloc: dict[str, float], *,
                    weekend: bool) -> float:
    """Fatigue at the end of a week worked on ``alloc``, starting from ``fatigue``.

    A throwaway :class:`SpecialistState` runs the engine's own rule (the weekend first when
    ``weekend``), so the projection cannot drift from the simulation; the engine is not touched.
    """
    st = SpecialistState(sc.specialist, sc.duties.present())
    st.fatigue = fatigue
    if weekend:
        st.weekend()
    mine = {d: alloc.get(d, 0.0) for d in sc.duty_ids}
    tiring = {"ground": sc.duties.ground.fatigue_per_hour}
    for _ in range(7):
        st.work_day(mine, tiring)
    return st.fatigue


class PlanningPanel:
    """Sliders over ``0..max_hours`` whose total is clamped to ``max_hours``."""

    def __init__(self, gui: Gui, scenario: Scenario, lang: str,
                 on_start: Callable[[dict[str, float]], None]) -> None:
        self.sc = scenario
        self.lang = lang
        self.on_start = on_start
        self.max = scenario.specialist.max_hours
        self.plan = scenario.plan_hours()
        self.values: dict[str, float] = {d: float(self.plan.get(d, 0.0)) for d in scenario.duty_ids}
        self.locked = dict(scenario.company.locked)
        self.rows = list(scenario.duties.present())  # the game's order, locked included
        self.row_h = min(MAX_ROW_H, ROWS_H // max(1, len(self.rows)))
        self.week = 0
        self.fatigue = 0.0
        self.skills: dict[str, float] = {}
        self.visible = False
        self.auto = False
        self.message: tuple[str, Colour] | None = None
        self._projection: tuple[tuple[float, ...], float] | None = None
        self.sliders: dict[str, Slider] = {}
        for duty in scenario.duty_ids:
            ry = self.row_y(duty)
            r = pygame.Rect(RECT.x + SLIDER_X, ry + (self.row_h - 24) // 2, SLIDER_W, 24)
            self.sliders[duty] = gui.slider(r, self.values[duty], self.max,
                                            lambda v, duty=duty: self.move(duty, v))
        bx = RECT.right - 20 - BUTTON_W
        fy = RECT.y + ROWS_Y + ROWS_H + 6
        self.buttons: list[Widget] = [
            gui.button(pygame.Rect(bx, fy, BUTTON_W, 36), tr("use_plan", lang), self.use_plan),
            gui.button(pygame.Rect(bx, fy + 48, BUTTON_W, 42), tr("start_week", lang),
                       self.start, object_id="#start_week"),
        ]
        self.close()

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
        self.week, self.auto, self.visible = week, auto, True
        self.fatigue, self.skills = fatigue, dict(skills or {})
        if auto:
            self.values = {d: float(self.plan.get(d, 0.0)) for d in self.values}
        for duty, s in self.sliders.items():
            s.show()
            s.value = self.values[duty]
        for b in self.buttons:
            b.show()
        self.message = None
        self._projection = None

    def close(self) -> None:
        """Hide the panel and its widgets."""
        self.visible = False
        for w in [*self.sliders.values(), *self.buttons]:
            w.hide()

    def move(self, duty: str, value: float) -> None:
        """A slider moved: keep whole hours and clamp the total to the week's maximum."""
        value = float(round(value))
        others = sum(v for d, v in self.values.items() if d != duty)
        if others + value > self.max:
            value = max(0.0, self.max - others)
            self.sliders[duty].value = value
            self.message = tr("plan_capped", self.lang, max=hours(self.max)), BAD
        else:
            self.message = None
        self.values[duty] = value

    def use_plan(self) -> None:
        """Set every slider to the manager's plan."""
        for duty, s in self.sliders.items():
            self.values[duty] = float(self.plan.get(duty, 0.0))
            s.value = self.values[duty]
        self.message = None

    def start(self) -> None:
        """Commit the values (an engine error is shown, not raised)."""
        if not self.visible:
            return
        try:
            self.on_start(dict(self.values))
        except AllocationError as exc:
            self.message = tr("bad_plan", self.lang, error=str(exc)), BAD

    def projected_fatigue(self) -> float:
        """Fatigue at the end of the week on the current values (cached per values)."""
        key = tuple(self.values.values())
        if self._projection is None or self._projection[0] != key:
            end = project_fatigue(self.sc, self.fatigue, self.values, weekend=self.week > 0)
            self._projection = key, end
        return self._projection[1]

    # -- drawing --------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        """The panel behind the widgets (the GUI draws the sliders and buttons on top)."""
        if not self.visible:
            return
        lang, sc = self.lang, self.sc
        panel(surface, RECT, edge=ACCENT, width=2)
        x, y = RECT.x, RECT.y
        fonts.draw(surface, tr("plan_title", lang, week=self.week + 1, weeks=sc.weeks),
                   (x + 20, y + 10), 22, TEXT, bold=True)
        fonts.draw(surface, tr("plan_sub", lang), (x + 20, y + 42), 13, DIM)
        hy = y + ROWS_Y - 18
        fonts.draw(surface, tr("hours_col", lang), (x + VALUE_X, hy), 12, DIM)
        fonts.draw(surface, tr("skill_col", lang), (x + SKILL_X, hy), 12, DIM, anchor="midtop")
        fonts.draw(surface, tr("plan_col", lang), (RECT.right - 20, hy), 12, DIM,
                   anchor="topright")
        for i, duty in enumerate(self.rows):
            ry = self.row_y(duty)
            if i:
                pygame.draw.line(surface, PANEL_EDGE, (x + 16, ry), (RECT.right - 16, ry))
            if duty in self.locked:
                self._locked_row(surface, duty, ry)
            else:
                self._row(surface, duty, ry)
        self._footer(surface, y + ROWS_Y + ROWS_H + 6)

    def _name(self, surface: pygame.Surface, duty: str, ry: int, colour: Colour) -> None:
        lang, h = self.lang, self.row_h
        top = ry + max(1, (h - 36) // 2)
        fonts.draw(surface, fonts.fit(duty_name(duty, lang), 15, NAME_W, bold=True),
                   (RECT.x + 20, top), 15, colour, bold=True)
        fonts.draw(surface, fonts.fit(duty_hint(duty, lang), 12, NAME_W), (RECT.x + 20, top + 19),
                   12, DIM)
        skill = self.skills.get(duty, self.sc.specialist.skills.get(duty, DEFAULT_SKILL))
        cx, cy = RECT.x + SKILL_X, ry + h // 2
        fonts.draw(surface, tr("skill_pct", lang, pct=round(100 * skill)), (cx, cy - 2), 13,
                   colour, anchor="midbottom")
        bar(surface, (cx - 20, cy + 3, 40, 4), skill, ACCENT)

    def _row(self, surface: pygame.Surface, duty: str, ry: int) -> None:
        lang, h = self.lang, self.row_h
        self._name(surface, duty, ry, TEXT)
        v, p = self.values[duty], float(self.plan.get(duty, 0.0))
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
        pygame.draw.rect(surface, TRACK, r, border_radius=4)
        hatch(surface, r.inflate(-2, -2), (52, 60, 76), step=8)
        label = tr("locked_row", lang)
        lw = fonts.width(label, 13) + 18
        lx = r.centerx - lw // 2
        pygame.draw.rect(surface, TRACK, (lx - 6, r.y + 3, lw + 12, r.h - 6), border_radius=3)
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
        hours_bar(surface, (x, fy + 24, w, 11), total, spec.contract_hours, self.max,
                  label=tr("contract", lang))
        end = self.projected_fatigue()
        loss = round(100 * spec.fatigue.quality_loss_at_max * end / 100)
        now = self.fatigue
        colour = WARN if end > now + 0.5 else fatigue_colour(end)  # rising, or how high
        fonts.draw(surface, fonts.fit(tr("plan_fatigue", lang, now=f"{now:.0f}", end=f"{end:.0f}",
                                         loss=loss), 13, w), (x, fy + 52), 13, colour)
        msg = self.message or self._default_message()
        if msg:
            text, colour = msg
            mx = x
            if colour in (WARN, BAD):
                warning_icon(surface, x, fy + 78, 14, colour)
                mx += 22
            fonts.draw(surface, fonts.fit(text, 14, w - (mx - x)), (mx, fy + 75), 14, colour)

    def _default_message(self) -> tuple[str, Colour] | None:
        spec = self.sc.specialist
        over = sum(self.values.values()) - spec.contract_hours
        if over > 0:
            return tr("plan_overtime", self.lang, h=hours(over),
                      contract=hours(spec.contract_hours)), WARN
        if self.auto:
            return tr("auto_plan", self.lang), ACCENT
        return tr("plan_ok", self.lang), GOOD
