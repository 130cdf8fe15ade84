"""A compact funnel inside the planning panel (which covers the big one) that lights up the
stages a duty moves: where its users enter, which conversions it lifts, where its answers keep
users, and what it moves through the duties it strengthens.

Colour is never the only signal: a moved stage gets an outline, a bright fill and a tag in
words (``← users enter``, ``↑ conversion``, ...); the others stay dim.
"""

import pygame

from opssim.render import fonts, pen
from opssim.render.palette import ACCENT, FAINT, STAGE_FILLS, TEXT, TRACK, Colour
from opssim.render.text import duty_name, tr
from opssim.scenario import Scenario
from opssim.scenario.levers import Lever, levers

TAG_W = 170  # room right of the bars for the tags


def tags(lever: Lever, all_levers: dict[str, Lever], lang: str,
         scenario: Scenario | None = None) -> dict[str, list[str]]:
    """For each stage ``lever`` moves, the words that say how (direct effects first)."""
    out: dict[str, list[str]] = {}
    enters = f"lever_enters_{lever.channel}" if lever.channel else "lever_enters"
    for stages, key in ((lever.enters, enters), (lever.lifts, "lever_lifts"),
                        (lever.keeps, "lever_keeps")):
        for s in stages:
            out.setdefault(s, []).append(tr(key, lang))
    for other in lever.via:
        if other in all_levers:
            for s in all_levers[other].direct:
                name = duty_name(other, lang, scenario)
                out.setdefault(s, []).append(tr("lever_via", lang, duty=name))
    return out


class LeverMap:
    """The stages of ``scenario`` as a small funnel; :meth:`draw` highlights one duty's."""

    def __init__(self, scenario: Scenario, lang: str) -> None:
        self.sc = scenario
        self.lang = lang
        self.stages = [(s.id, s.label.get(lang) if s.label else s.id)
                       for s in scenario.funnel.stages]
        self.levers = levers(scenario)

    def highlighted(self, duty: str | None) -> dict[str, list[str]]:
        """The stages lit for ``duty`` and their tags (none for no duty)."""
        if duty is None or duty not in self.levers:
            return {}
        return tags(self.levers[duty], self.levers, self.lang, self.sc)

    def draw(self, surface: pygame.Surface, rect: pygame.Rect, duty: str | None) -> None:
        """The funnel in ``rect``, ``duty``'s stages lit."""
        lit = self.highlighted(duty)
        n = len(self.stages)
        row = max(9, min(20, (rect.h + 3) // n - 3))
        bar_w = rect.w - TAG_W
        size = 12 if row >= 15 else 10
        for i, (sid, label) in enumerate(self.stages):
            y = rect.y + i * (row + 3)
            w = round(bar_w * (1 - 0.35 * i / max(1, n - 1)))  # narrows like a funnel
            r = pygame.Rect(rect.x + (bar_w - w) // 2, y, w, row)
            on = sid in lit
            fill: Colour = STAGE_FILLS[i % len(STAGE_FILLS)] if on else TRACK
            pen.rect(surface, fill, r, border_radius=3)
            if on:
                pen.rect(surface, ACCENT, r.inflate(4, 4), 2, border_radius=4)
            if row >= 11:
                fonts.draw(surface, fonts.fit(label, size, w - 8, bold=on), (r.centerx, r.centery),
                           size, TEXT if on else FAINT, bold=on, anchor="center")
            if on:
                text = fonts.fit(" · ".join(dict.fromkeys(lit[sid])), size, TAG_W - 10)
                fonts.draw(surface, text, (rect.x + bar_w + 10, r.centery), size, ACCENT,
                           anchor="midleft")
