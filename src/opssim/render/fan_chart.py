"""Luck against plan: a KPI's fan over the coming week from look-ahead runs of the current plan
(the 10–90% band, the median, the target), and where last week's actual landed in last
week's fan: low in a band whose median hits was luck; a median below the target was the hours.

The band is shaded, the median a solid line, the target a dashed line; each is labelled in
words, so colour is never the only signal.
"""

import numpy as np
import pygame

from opssim.play.planning import Verdict
from opssim.render import fonts, pen
from opssim.render.palette import (
    ACCENT,
    BAD,
    DIM,
    FAINT,
    GOOD,
    PANEL,
    PANEL_EDGE,
    TEXT,
    WARN,
    Colour,
)
from opssim.render.text import num, tr
from opssim.sim.clock import HOURS_PER_DAY
from opssim.sim.lookahead import HIGH, LOW, MEDIAN, Fan

BAND: Colour = (52, 96, 150)


def verdict_line(v: Verdict, lang: str) -> tuple[str, Colour]:
    """The sentence for a verdict and its colour (the sentence says it in words)."""
    colour = {"hit": GOOD, "luck": ACCENT, "rare": WARN, "plan": BAD}[v.kind]
    return tr(f"fan_last_{v.kind}", lang, actual=num(v.actual), pct=round(v.percentile),
              mid=num(v.median), target=num(v.target)), colour


def draw_fan(surface: pygame.Surface, rect: pygame.Rect, fan: Fan, kpi: str, target: float,
             lang: str, *, stale: bool = False) -> None:
    """The fan of ``kpi`` in ``rect``: day ticks below, the scale on the left, ``target``
    dashed; ``stale`` dims it (the plan changed and the new fan is not in yet)."""
    lo, mid, hi = (fan.quantile(kpi, q) for q in (LOW, MEDIAN, HIGH))
    top = max(float(hi.max()), target, 1.0) * 1.12
    hours = np.asarray(fan.hours, dtype=float)
    span = max(1.0, float(hours[-1]))

    def pt(h: float, v: float) -> tuple[float, float]:
        return rect.x + rect.w * h / span, rect.bottom - rect.h * v / top

    pen.line(surface, PANEL_EDGE, rect.bottomleft, rect.bottomright)
    pen.line(surface, PANEL_EDGE, rect.topleft, rect.bottomleft)
    fonts.draw(surface, "0", (rect.x - 4, rect.bottom), 10, FAINT, anchor="bottomright")
    for day in range(int(span // HOURS_PER_DAY) + 1):
        x = rect.x + rect.w * day * HOURS_PER_DAY / span
        pen.line(surface, PANEL_EDGE, (x, rect.bottom), (x, rect.bottom + 3))
        if day < span // HOURS_PER_DAY:
            fonts.draw(surface, tr("fan_day", lang, day=day + 1),
                       (x + rect.w * HOURS_PER_DAY / span / 2, rect.bottom + 1), 10, FAINT,
                       anchor="midtop")
    band = [pt(h, v) for h, v in zip(hours, hi, strict=True)]
    band += [pt(h, v) for h, v in zip(hours[::-1], lo[::-1], strict=True)]
    box = pen.to_px(rect.inflate(2, 2))
    layer = pygame.Surface(box.size, pygame.SRCALPHA)  # the band's own layer
    pygame.draw.polygon(layer, (*BAND, 110 if stale else 200),
                        [(x - box.x, y - box.y) for x, y in (pen.pt(p) for p in band)])
    surface.blit(layer, box.topleft)
    line = [pt(h, v) for h, v in zip(hours, mid, strict=True)]
    pen.lines(surface, DIM if stale else TEXT, False, line, 2)
    ty = pt(0, target)[1]
    for x in range(rect.x, rect.right, 10):  # dashed: the target is not a run
        pen.line(surface, WARN, (x, ty), (min(x + 5, rect.right), ty), 2)
    label(surface, tr("fan_target", lang, n=num(target)), (rect.x + 4, ty + 3), WARN,
          "topleft")  # below the line: above it is the title
    mx, my = pt(hours[len(hours) // 2], mid[len(mid) // 2])  # mid-week: clear of the target
    label(surface, tr("fan_median", lang), (mx + 6, my - 4), DIM if stale else TEXT,
          "bottomright")


def label(surface: pygame.Surface, text: str, pos: tuple[float, float], colour: Colour,
          anchor: str) -> None:
    """A small label on a backing of the panel's colour, readable over lines and the band."""
    img = fonts.render(text, fonts.pixels(11), colour)
    r = img.get_rect(**{anchor: pen.pt(pos)})
    pygame.draw.rect(surface, PANEL, r.inflate(pen.px(4), 0), border_radius=pen.px(2))
    surface.blit(img, r)
