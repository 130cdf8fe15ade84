"""The right-hand column: KPIs against their targets, hours against the contract, the support
backlog and the work in progress."""

from dataclasses import dataclass

import pygame

from opssim.model.records import KpiResult
from opssim.render import fonts
from opssim.render.palette import ACCENT, BAD, DIM, GOOD, SIDE, TEXT, TRACK, WARN
from opssim.render.text import duty_name, hours, num, tr
from opssim.render.widgets import bar, hatch, panel, tick, warning_icon
from opssim.scenario import Scenario
from opssim.sim import HOURS_PER_WEEK, KpiView, Snapshot

PAD = 12
KPI_H = 80


@dataclass(frozen=True)
class LastReview:
    """The most recent review: its week and results by KPI."""

    week: int
    results: dict[str, KpiResult]


class SidePanel:
    """Draws the right-hand column for ``scenario``."""

    def __init__(self, scenario: Scenario, lang: str) -> None:
        self.sc = scenario
        self.lang = lang
        labels = {s.id: s.label.get(lang) if s.label else s.id for s in scenario.funnel.stages}
        self.kpi_labels = {t.kpi: labels.get(t.stage, t.kpi) for t in scenario.reviews.targets}
        self.from_week = {t.kpi: getattr(t, "from_week", 1) for t in scenario.reviews.targets}

    def draw(self, surface: pygame.Surface, snap: Snapshot, week: int,
             last: LastReview | None) -> None:
        """The four sections, top to bottom; ``week`` is the 0-based week being run or planned."""
        x, y, w, _h = SIDE
        y = self._targets(surface, pygame.Rect(x, y, w, 0), snap, week, last)
        y = hours_section(surface, pygame.Rect(x, y + 8, w, 0), self.sc, dict(snap.allocation),
                          self.lang, tr("hours", self.lang))
        y = self._support(surface, pygame.Rect(x, y + 8, w, 0), snap)
        self._work(surface, pygame.Rect(x, y + 8, w, 0), snap)

    # -- targets --------------------------------------------------------------------------

    def _targets(self, surface: pygame.Surface, r: pygame.Rect, snap: Snapshot, week: int,
                 last: LastReview | None) -> int:
        r.h = 36 + KPI_H * len(snap.kpis)
        y = panel(surface, r, tr("targets", self.lang))
        for kpi in snap.kpis:
            self._kpi(surface, r.x + PAD, y, r.w - 2 * PAD, kpi, snap, week, last)
            y += KPI_H
        return r.bottom

    def _kpi(self, surface: pygame.Surface, x: int, y: int, w: int, kpi: KpiView,
             snap: Snapshot, week: int, last: LastReview | None) -> None:
        lang, sc = self.lang, self.sc
        every = sc.reviews.every_weeks
        label = self.kpi_labels.get(kpi.kpi, kpi.kpi)
        if kpi.per_week:
            start = (min(week, sc.weeks - 1) // every) * every * HOURS_PER_WEEK
            length = min(every * HOURS_PER_WEEK, sc.weeks * HOURS_PER_WEEK - start)
            title = tr("kpi_week" if every == 1 else "kpi_period", lang, stage=label)
        else:
            start, length = 0, sc.weeks * HOURS_PER_WEEK
            title = tr("kpi_total", lang, stage=label, weeks=sc.weeks)
        pace = max(0.0, min(1.0, (snap.t - start) / length))
        share = kpi.actual / kpi.target if kpi.target else 1.0
        grace = week + 1 < self.from_week.get(kpi.kpi, 1)
        if kpi.actual >= kpi.target:
            status, colour = tr("kpi_hit", lang), GOOD
        elif grace:
            status, colour = tr("kpi_grace", lang, week=self.from_week[kpi.kpi]), DIM
        elif share >= pace - 0.02:
            status, colour = tr("kpi_on_pace", lang), GOOD
        else:
            status, colour = tr("kpi_behind", lang, need=num(kpi.target - kpi.actual)), WARN
        fonts.draw(surface, title, (x, y), 14, TEXT, bold=True)
        fonts.draw(surface, f"{num(kpi.actual)} / {num(kpi.target)}", (x + w, y - 1), 16, TEXT,
                   bold=True, anchor="topright")
        bar(surface, (x, y + 24, w, 10), share, colour if colour != DIM else ACCENT)
        tick(surface, x + round(w * pace), y + 21, y + 37, DIM)
        fonts.draw(surface, status, (x, y + 39), 13, colour)
        res = last.results.get(kpi.kpi) if last else None
        if res is not None:
            mark = tr("mark_hit" if res.hit else "mark_miss", lang)
            text = tr("last_review", lang, week=last.week, actual=num(res.actual),
                      target=num(res.target), mark=mark)
            fonts.draw(surface, text, (x, y + 57), 12, GOOD if res.hit else BAD)

    # -- support and work -----------------------------------------------------------------

    def _support(self, surface: pygame.Surface, r: pygame.Rect, snap: Snapshot) -> int:
        lang, s = self.lang, snap.support
        r.h = 84
        y = panel(surface, r, tr("support", lang))
        x = r.x + PAD
        fonts.draw(surface, tr("tickets_waiting", lang, n=num(s.waiting)), (x, y), 16, TEXT,
                   bold=True)
        totals = tr("support_totals", lang, served=num(s.answered), late=num(s.late),
                    lost=num(s.users_lost))
        if s.users_lost:
            warning_icon(surface, x, y + 27, 13, WARN)
            fonts.draw(surface, totals, (x + 20, y + 26), 13, WARN)
        else:
            fonts.draw(surface, totals, (x, y + 26), 13, DIM)
        return r.bottom

    def _work(self, surface: pygame.Surface, r: pygame.Rect, snap: Snapshot) -> int:
        lang = self.lang
        r.h = 84
        y = panel(surface, r, tr("work", lang))
        x = r.x + PAD
        fonts.draw(surface, tr("copy_live", lang, n=snap.pieces_live), (x, y), 14, TEXT)
        if snap.event_live:
            fonts.draw(surface, "● " + tr("event_live", lang), (x, y + 24), 14, GOOD, bold=True)
        else:
            pct = round(100 * max(0.0, min(1.0, snap.event_progress)))
            fonts.draw(surface, tr("event_planning", lang, pct=pct), (x, y + 24), 14, TEXT)
            bar(surface, (x + 190, y + 30, r.w - 2 * PAD - 190, 8), pct / 100, ACCENT)
        return r.bottom


def hours_section(surface: pygame.Surface, r: pygame.Rect, sc: Scenario,
                  alloc: dict[str, float], lang: str, title: str, *,
                  plan: dict[str, float] | None = None, rows: bool = True) -> int:
    """Hours allocated against the contract and the overtime cap, with a row per duty.

    Overtime is shown in words, with a warning sign and hatching as well as in colour.
    """
    spec = sc.specialist
    r.h = 112 + (22 * len(sc.duty_ids) + 6 if rows else 0)
    y = panel(surface, r, title)
    x, w = r.x + PAD, r.w - 2 * PAD
    total = sum(alloc.values())
    over = max(0.0, total - spec.contract_hours)
    fonts.draw(surface, tr("hours_total", lang, total=hours(total),
                           contract=hours(spec.contract_hours)), (x, y), 14, TEXT, bold=True)
    by = y + 24
    cap = spec.max_hours
    contract_x = x + round(w * spec.contract_hours / cap)
    pygame.draw.rect(surface, TRACK, (x, by, w, 14), border_radius=3)
    hatch(surface, (contract_x, by, x + w - contract_x, 14), (60, 52, 40))
    fill = round(w * min(total, spec.contract_hours) / cap)
    pygame.draw.rect(surface, ACCENT, (x, by, fill, 14), border_radius=3)
    if over:
        ow = round(w * over / cap)
        pygame.draw.rect(surface, WARN, (contract_x, by, ow, 14))
        hatch(surface, (contract_x, by, ow, 14), (120, 70, 10))
    tick(surface, contract_x, by - 4, by + 18, TEXT)
    fonts.draw(surface, tr("contract", lang), (contract_x - 4, by + 16), 11, DIM,
               anchor="topright")
    ly = by + 32
    if over:
        warning_icon(surface, x, ly, 15, WARN)
        fonts.draw(surface, tr("overtime", lang, h=hours(over), cap=hours(spec.overtime_cap)),
                   (x + 22, ly - 1), 14, WARN, bold=True)
    else:
        fonts.draw(surface, tr("no_overtime", lang, cap=hours(spec.overtime_cap)), (x, ly), 13,
                   DIM)
    if rows:
        ry = ly + 26
        for duty in sc.duty_ids:
            h = alloc.get(duty, 0.0)
            fonts.draw(surface, duty_name(duty, lang), (x, ry), 13, TEXT)
            bar(surface, (x + 150, ry + 5, w - 210, 8), h / cap, ACCENT)
            text = tr("h", lang, h=hours(h))
            if plan is not None:
                text += f" / {hours(plan.get(duty, 0.0))}"
            fonts.draw(surface, text, (x + w, ry), 13, TEXT, anchor="topright")
            ry += 22
    return r.bottom
