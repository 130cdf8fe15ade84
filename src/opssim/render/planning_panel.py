"""The week-boundary planning panel: a slider per duty, the manager's plan beside it, the
total against contract and overtime cap, and a Start week button (Enter does the same)."""

from collections.abc import Callable

import pygame

from opssim.model import AllocationError
from opssim.render import fonts
from opssim.render.palette import ACCENT, BAD, DIM, GOOD, PANEL_EDGE, TEXT, WARN, Colour
from opssim.render.side_panel import hours_section
from opssim.render.text import duty_hint, duty_name, hours, tr
from opssim.render.ui import Gui, Slider, Widget
from opssim.render.widgets import panel

RECT = pygame.Rect(96, 84, 700, 516)
ROW_Y = 96
ROW_H = 52


class PlanningPanel:
    """Sliders over ``0..max_hours`` whose total is clamped to ``max_hours``."""

    def __init__(self, gui: Gui, scenario, lang: str,
                 on_start: Callable[[dict[str, float]], None]) -> None:
        self.sc = scenario
        self.lang = lang
        self.on_start = on_start
        self.max = scenario.specialist.max_hours
        self.plan = scenario.plan.hours()
        self.values: dict[str, float] = {d: float(self.plan.get(d, 0.0)) for d in scenario.duty_ids}
        self.week = 0
        self.visible = False
        self.auto = False
        self.message: tuple[str, Colour] | None = None
        self.sliders: dict[str, Slider] = {}
        x, y = RECT.x, RECT.y
        for i, duty in enumerate(scenario.duty_ids):
            r = pygame.Rect(x + 256, y + ROW_Y + i * ROW_H + 8, 240, 26)
            self.sliders[duty] = gui.slider(r, self.values[duty], self.max,
                                            lambda v, duty=duty: self.move(duty, v))
        by = RECT.bottom - 56
        self.buttons: list[Widget] = [
            gui.button(pygame.Rect(x + 20, by, 230, 40), tr("use_plan", lang), self.use_plan),
            gui.button(pygame.Rect(RECT.right - 250, by, 230, 40), tr("start_week", lang),
                       self.start, object_id="#start_week"),
        ]
        self.close()

    # -- commands -------------------------------------------------------------------------

    def open(self, week: int, *, auto: bool = False) -> None:
        """Show the panel for 0-based ``week``, starting from the last values (or the plan)."""
        self.week, self.auto, self.visible = week, auto, True
        if auto:
            self.values = {d: float(self.plan.get(d, 0.0)) for d in self.values}
        for duty, s in self.sliders.items():
            s.show()
            s.value = self.values[duty]
        for b in self.buttons:
            b.show()
        self.message = None

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

    # -- drawing --------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        """The panel behind the widgets (the GUI draws the sliders and buttons on top)."""
        if not self.visible:
            return
        lang, sc = self.lang, self.sc
        panel(surface, RECT, edge=ACCENT, width=2)
        x, y = RECT.x, RECT.y
        fonts.draw(surface, tr("plan_title", lang, week=self.week + 1, weeks=sc.weeks),
                   (x + 20, y + 14), 22, TEXT, bold=True)
        fonts.draw(surface, tr("plan_sub", lang), (x + 20, y + 48), 14, DIM)
        fonts.draw(surface, tr("plan_col", lang), (RECT.right - 20, y + 74), 13, DIM,
                   anchor="topright")
        for i, duty in enumerate(sc.duty_ids):
            ry = y + ROW_Y + i * ROW_H
            if i:
                pygame.draw.line(surface, PANEL_EDGE, (x + 16, ry - 2), (RECT.right - 16, ry - 2))
            fonts.draw(surface, duty_name(duty, lang), (x + 20, ry + 4), 16, TEXT, bold=True)
            fonts.draw(surface, duty_hint(duty, lang), (x + 20, ry + 27), 12, DIM)
            v, p = self.values[duty], float(self.plan.get(duty, 0.0))
            fonts.draw(surface, tr("h", lang, h=hours(v)), (x + 510, ry + 8), 17, TEXT, bold=True)
            diff = v - p
            right = RECT.right - 20
            fonts.draw(surface, tr("plan_hours", lang, h=hours(p)), (right, ry + 5), 13, DIM,
                       anchor="topright")
            if diff:
                sign = "+" if diff > 0 else "−"
                fonts.draw(surface, sign + tr("h", lang, h=hours(abs(diff))), (right, ry + 25),
                           12, ACCENT if diff > 0 else WARN, anchor="topright")
        hy = y + ROW_Y + len(sc.duty_ids) * ROW_H + 4
        hours_section(surface, pygame.Rect(x + 20, hy, RECT.w - 40, 0), sc, self.values, lang,
                      tr("hours", lang), rows=False)
        msg = self.message or self._default_message()
        if msg:
            fonts.draw(surface, msg[0], (x + 20, RECT.bottom - 84), 14, msg[1])

    def _default_message(self) -> tuple[str, Colour] | None:
        if self.auto:
            return tr("auto_plan", self.lang), ACCENT
        spec = self.sc.specialist
        over = sum(self.values.values()) - spec.contract_hours
        if over > 0:
            return tr("plan_overtime", self.lang, h=hours(over),
                      contract=hours(spec.contract_hours)), WARN
        return tr("plan_ok", self.lang), GOOD
