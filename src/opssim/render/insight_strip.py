"""The planning panel's look-ahead strip: on the left, cause and effect — the stages the
hovered or focused duty moves (its lever map) and what one more hour of it adds this week; on
the right, luck against plan — the headline KPI's fan for the week, and where last week's
actual landed in its own fan."""

from typing import TYPE_CHECKING

import pygame

from opssim.render import fonts, pen
from opssim.render.effect_hint import effect_lines
from opssim.render.fan_chart import draw_fan, verdict_line
from opssim.render.palette import DIM, PANEL, PANEL_EDGE, TEXT, WARN, Colour
from opssim.render.text import duty_name, num, tr
from opssim.sim.lookahead import MEDIAN, Fan

if TYPE_CHECKING:
    from opssim.render.planning_panel import PlanningPanel

LEVER_W = 380  # the cause side's width; the fan takes the rest


def draw_insight(p: "PlanningPanel", surface: pygame.Surface, area: pygame.Rect) -> None:
    """The strip of ``p`` in ``area``: cause and effect on the left, luck against plan on the
    right, under a rule."""
    pen.line(surface, PANEL_EDGE, (area.x - 4, area.y - 8), (area.right + 4, area.y - 8))
    _cause(p, surface, pygame.Rect(area.x, area.y, LEVER_W, area.h))
    fx = area.x + LEVER_W + 24
    _luck(p, surface, pygame.Rect(fx, area.y, area.right - fx, area.h))


def _cause(p: "PlanningPanel", surface: pygame.Surface, r: pygame.Rect) -> None:
    lang, duty = p.lang, p.shown_duty
    title = tr("lever_pick", lang)
    lines = []
    if duty is not None:
        title = tr("lever_title", lang, duty=duty_name(duty, lang, p.sc))
        lever = p.lever_map.levers.get(duty)
        if lever is not None and lever.lasts_weeks > 1:  # this week shows only the start
            title = tr("lever_lasts", lang, title=title, n=lever.lasts_weeks)
        la = p.current if p.engine is not None else None
        full = p.max if la is not None and not la.duties else None
        lines = effect_lines(duty, la.effect(duty) if la else None, p.kpi_labels, lang,
                             scenario=p.sc,
                             headline=p.headline(p.week), full=full,
                             locked=duty in p.locked,
                             tires=p.extra_hour_fatigue(duty) if full is None else 0.0,
                             later=la.later(duty) if la else None,
                             later_pending=bool(la and la.long_runs and duty in la.duties))
        if p.engine is None and duty not in p.locked:
            lines = []
    fonts.draw(surface, fonts.fit(title, 13, r.w, bold=True), r.topleft, 13,
               TEXT if duty else DIM, bold=True)
    text_h = 17 * len(lines)
    map_r = pygame.Rect(r.x + 2, r.y + 24, r.w - 2, r.h - 28 - text_h)
    p.lever_map.draw(surface, map_r, duty)
    if duty is not None and not p.lever_map.highlighted(duty):
        words = fonts.wrap(tr("lever_nothing", lang), 13, r.w - 40)
        box = pygame.Rect(0, 0, r.w - 24, 20 * len(words) + 12)
        box.center = map_r.center
        pen.rect(surface, PANEL, box, border_radius=4)  # over the dim funnel
        pen.rect(surface, PANEL_EDGE, box, 1, border_radius=4)
        for i, text in enumerate(words):
            fonts.draw(surface, text, (box.centerx, box.y + 8 + 20 * i), 13, TEXT,
                       anchor="midtop")
    y = map_r.bottom + 4
    for line in lines:
        fonts.draw(surface, fonts.fit(line.text, 13 if line.bold else 12, r.w, line.bold),
                   (r.x, y), 13 if line.bold else 12, line.colour, bold=line.bold)
        y += 17


def _luck(p: "PlanningPanel", surface: pygame.Surface, r: pygame.Rect) -> None:
    lang = p.lang
    kpi = p.headline(p.week)
    label = p.kpi_labels[kpi]
    weekly = p.sc.kpi(kpi).weekly
    title = tr("fan_title" if weekly else "fan_title_total", lang, kpi=label)
    la = p.shown_lookahead
    fan = la.fan() if la is not None else None
    stale = la is not p.current or fan is None
    busy = 0
    if p.engine is not None and (fan is None or la is not p.current):
        pending = p.current
        pct = round(100 * pending.fan_progress) if pending is not None else 0
        busy = fonts.draw(surface, tr("fan_computing", lang, pct=pct), (r.right, r.y + 1), 12,
                          WARN, anchor="topright").w + 10
    fonts.draw(surface, fonts.fit(title, 13, r.w - max(busy, 10), bold=True), r.topleft, 13,
               TEXT, bold=True)
    if p.engine is None:
        return
    lines: list[tuple[str, Colour]] = []
    if p.last_verdict is not None:
        text, colour = verdict_line(p.last_verdict, lang)
        lines = [(t, colour) for t in fonts.wrap(text, 12, r.w)[:2]]
    if fan is not None and la is not None:
        target = p.chart_target(la, kpi)
        rows = [(_summary(fan, kpi, target, lang), DIM)]
        for other in fan.runs:
            if other != kpi and len(rows) + len(lines) < 3:
                rows.append((tr("fan_other", lang, kpi=p.kpi_labels[other],
                                mid=num(fan.quantile(other, MEDIAN)[-1]),
                                lo=num(fan.quantile(other, 0.1)[-1]),
                                hi=num(fan.quantile(other, 0.9)[-1])), DIM))
        lines = rows + lines
        chart = pygame.Rect(r.x + 40, r.y + 22, r.w - 44, r.h - 22 - 16 - 17 * len(lines))
        draw_fan(surface, chart, fan, kpi, target, lang, stale=stale)
    y = r.bottom - 17 * len(lines)
    for text, colour in lines:
        fonts.draw(surface, fonts.fit(text, 12, r.w), (r.x, y), 12, colour)
        y += 17


def _summary(fan: Fan, kpi: str, target: float, lang: str) -> str:
    end = fan.final(kpi)
    hits = int((end >= target).sum())
    return tr("fan_summary", lang, mid=num(fan.quantile(kpi, MEDIAN)[-1]),
              lo=num(fan.quantile(kpi, 0.1)[-1]), hi=num(fan.quantile(kpi, 0.9)[-1]),
              hits=hits, n=len(end))
