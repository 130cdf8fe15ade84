"""The right-hand column: KPIs against their targets (as the player's dashboard shows them),
the specialist this week (hours, fatigue, evidence, budget, what promotion still needs), the
support backlog, and the work in progress with the other departments' queues."""

from dataclasses import dataclass

import pygame

from opssim.model.records import KpiResult
from opssim.render import fonts, pen
from opssim.render.palette import ACCENT, BAD, DIM, FAINT, GOOD, SIDE, TEXT, WARN, Colour
from opssim.render.text import approx, duty_name, hours, noise_pct, num, tr
from opssim.render.widgets import bar, hours_bar, panel, tick, warning_icon
from opssim.scenario import Scenario
from opssim.sim import HOURS_PER_WEEK, KpiView, Snapshot

PAD = 12
GAP = 6
TITLE_H = 32
GRID_ROW = 16
#: A KPI's height: with last review's line (up to three KPIs), without, and on one line.
KPI_FULL_H, KPI_H, KPI_COMPACT_H = 72, 50, 26
PROMO_LINES = 2  # promotion skills listed one per line; the rest are counted
DEPT_ROW = 17
WORK_MIN_H = TITLE_H + 48 + 21 + 2 * DEPT_ROW  # work in progress, two rows of departments
MARKS = {"hit": "✓", "pace": "▲", "behind": "▼", "grace": "·"}


@dataclass(frozen=True)
class LastReview:
    """The most recent review: its week and results by KPI."""

    week: int
    results: dict[str, KpiResult]


def kpi_value(kpi: KpiView, noise: float, lang: str) -> str:
    """``actual / target`` as the dashboard shows it (``≈`` marks an estimate)."""
    return f"{approx(kpi.actual, noise, lang)} / {num(kpi.target)}"


def fatigue_colour(f: float) -> Colour:
    """Green when rested, amber when tired, red when exhausted."""
    return GOOD if f < 30 else (WARN if f < 60 else BAD)


def promotion_skills(sc: Scenario, snap: Snapshot) -> list[tuple[str, float, float]]:
    """Each skill promotion requires: ``(duty, needed, have)``."""
    have = dict(snap.skills)
    return [(d, need, have.get(d, 0.0)) for d, need in sc.blame.promotion.skills.items()]


class SidePanel:
    """Draws the right-hand column for ``scenario``."""

    def __init__(self, scenario: Scenario, lang: str) -> None:
        self.sc = scenario
        self.lang = lang
        labels = {s.id: s.label.get(lang) if s.label else s.id for s in scenario.funnel.stages}
        self.kpi_labels = {
            k.name: tr("t_revenue", lang, stage=labels.get(k.stage, k.name)) if k.revenue
            else labels.get(k.stage, k.name) for k in scenario.kpis}
        self.kpis = {k.name: k for k in scenario.kpis}
        self.departments = [(name, d.label.get(lang) if d.label else name)
                            for name, d in scenario.departments.items()]
        present = scenario.duties.present()
        self.has_partners = "partners" in present
        self.has_research = "research" in present
        locked = scenario.company.locked
        self.colleagues = (
            tr("colleagues", lang, list=" · ".join(
                f"{duty_name(d, lang, scenario)} {tr('h', lang, h=hours(h))}"
                for d, h in locked.items() if d in present))
            if any(d in present for d in locked) else None
        )

    def draw(self, surface: pygame.Surface, snap: Snapshot, week: int,
             last: LastReview | None, planned: dict[str, float] | None = None) -> int:
        """The four sections, top to bottom; ``week`` is the 0-based week being run or planned.

        ``planned`` are the hours on the planning panel while the week is being planned (the
        engine still holds last week's). Returns the bottom of the last section's content.
        """
        x, y, w, h = SIDE
        bottom = y + h
        alloc = dict(snap.allocation) if planned is None else planned
        # The targets take what the other sections leave (they shrink, then are counted).
        rest = self._you_h() + TITLE_H + 46 + WORK_MIN_H + 3 * GAP
        y = self._targets(surface, pygame.Rect(x, y, w, 0), snap, week, last, h - rest)
        y = self._you(surface, pygame.Rect(x, y + GAP, w, 0), snap, alloc)
        y = self._support(surface, pygame.Rect(x, y + GAP, w, 0), snap)
        return self._work(surface, pygame.Rect(x, y + GAP, w, 0), snap, bottom)

    # -- targets --------------------------------------------------------------------------

    def _targets(self, surface: pygame.Surface, r: pygame.Rect, snap: Snapshot, week: int,
                 last: LastReview | None, room: int) -> int:
        n = len(snap.kpis)
        kpi_h = KPI_FULL_H if n <= 3 else KPI_H  # past three KPIs, the last-review lines go
        if TITLE_H + kpi_h * n + 2 > room:
            kpi_h = KPI_H if TITLE_H + KPI_H * n + 2 <= room else KPI_COMPACT_H
        shown = n
        if TITLE_H + kpi_h * n + 2 > room:  # not even one line each: count the rest
            shown = max(1, (room - TITLE_H - 2 - 20) // kpi_h)
        r.h = TITLE_H + kpi_h * shown + 2 + (20 if shown < n else 0)
        y = panel(surface, r, tr("targets", self.lang))
        if snap.noise > 0:
            title_w = fonts.width(tr("targets", self.lang), 15, bold=True)
            fonts.draw(surface, fonts.fit(tr("targets_estimated", self.lang,
                                             pct=noise_pct(snap.noise)), 13,
                                          r.w - 2 * PAD - title_w - 12),
                       (r.right - PAD, r.y + 10), 13, WARN, anchor="topright")
        for kpi in snap.kpis[:shown]:
            if kpi_h == KPI_COMPACT_H:
                self._kpi_line(surface, r.x + PAD, y, r.w - 2 * PAD, kpi, snap, week)
            else:
                self._kpi(surface, r.x + PAD, y, r.w - 2 * PAD, kpi, snap, week,
                          last if kpi_h > KPI_H else None)
            y += kpi_h
        if shown < n:
            fonts.draw(surface, fonts.fit(tr("kpi_more", self.lang, n=n - shown), 12,
                                          r.w - 2 * PAD), (r.x + PAD, y), 12, DIM)
        return r.bottom

    def _status(self, kpi: KpiView, snap: Snapshot, week: int) -> tuple[str, str, Colour,
                                                                         float, float]:
        """What a KPI's bar says: its state (hit, pace, behind, grace), the words, the colour,
        the share of the target reached and the share of its period gone."""
        lang, sc = self.lang, self.sc
        every = sc.reviews.every_weeks
        k = self.kpis[kpi.kpi]
        if kpi.per_week:
            start = (min(week, sc.weeks - 1) // every) * every * HOURS_PER_WEEK
            length = min(every * HOURS_PER_WEEK, sc.weeks * HOURS_PER_WEEK - start)
        else:
            start, stop = k.counted(0, sc.weeks * HOURS_PER_WEEK)
            length = max(1, stop - start)
        pace = max(0.0, min(1.0, (snap.t - start) / length))
        share = kpi.actual / kpi.target if kpi.target else 1.0
        if kpi.per_week and week + 1 > k.to_week:
            return "grace", tr("kpi_over", lang, week=k.to_week), DIM, share, pace
        if kpi.actual >= kpi.target:
            return "hit", tr("kpi_hit", lang), GOOD, share, pace
        if week + 1 < k.from_week:
            return "grace", tr("kpi_grace", lang, week=k.from_week), DIM, share, pace
        if share >= pace - 0.02:
            return "pace", tr("kpi_on_pace", lang), GOOD, share, pace
        return ("behind", tr("kpi_behind", lang, need=num(kpi.target - kpi.actual)), WARN,
                share, pace)

    def _kpi_line(self, surface: pygame.Surface, x: int, y: int, w: int, kpi: KpiView,
                  snap: Snapshot, week: int) -> None:
        """A KPI on one line (many targets): a mark for its state, its name, its value and a
        thin bar."""
        state, _words, colour, share, pace = self._status(kpi, snap, week)
        label = self.kpi_labels.get(kpi.kpi, kpi.kpi)
        value = kpi_value(kpi, snap.noise, self.lang)
        vw = fonts.draw(surface, value, (x + w, y), 13, TEXT, bold=True, anchor="topright").w
        mark = MARKS[state]
        fonts.draw(surface, mark, (x, y), 13, colour, bold=True)
        fonts.draw(surface, fonts.fit(label, 13, w - vw - 30), (x + 16, y), 13, TEXT)
        bar(surface, (x, y + 20, w, 3), share, colour if colour != DIM else ACCENT)
        tick(surface, x + round(w * pace), y + 18, y + 24, DIM)

    def _kpi(self, surface: pygame.Surface, x: int, y: int, w: int, kpi: KpiView,
             snap: Snapshot, week: int, last: LastReview | None) -> None:
        lang, sc = self.lang, self.sc
        every = sc.reviews.every_weeks
        label = self.kpi_labels.get(kpi.kpi, kpi.kpi)
        if kpi.per_week:
            title = tr("kpi_week" if every == 1 else "kpi_period", lang, stage=label)
        else:
            title = tr("kpi_total", lang, stage=label, weeks=self.kpis[kpi.kpi].to_week)
        _state, status, colour, share, pace = self._status(kpi, snap, week)
        value = kpi_value(kpi, snap.noise, lang)
        vw = fonts.width(value, 16, bold=True)
        fonts.draw(surface, fonts.fit(title, 14, w - vw - 10, bold=True), (x, y), 14, TEXT,
                   bold=True)
        fonts.draw(surface, value, (x + w, y - 1), 16, TEXT, bold=True, anchor="topright")
        bar(surface, (x, y + 24, w, 9), share, colour if colour != DIM else ACCENT)
        tick(surface, x + round(w * pace), y + 21, y + 36, DIM)
        fonts.draw(surface, fonts.fit(status, 13, w), (x, y + 35), 13, colour)
        res = last.results.get(kpi.kpi) if last else None
        if res is not None and last is not None:
            mark = tr("mark_hit" if res.hit else "mark_miss", lang)
            text = tr("last_review", lang, week=last.week, actual=num(res.actual),
                      target=num(res.target), mark=mark)
            fonts.draw(surface, fonts.fit(text, 12, w), (x, y + 52), 12, GOOD if res.hit else BAD)

    # -- the specialist -------------------------------------------------------------------

    def _you_h(self) -> int:
        """The height of the specialist's section."""
        sc = self.sc
        rows = (len(sc.duty_ids) + 1) // 2
        promo = len(sc.blame.promotion.skills)
        lines = promo if promo <= PROMO_LINES else PROMO_LINES + 1
        return (TITLE_H + 38 + rows * GRID_ROW + 6 + (17 if self.colleagues else 0) + 24 + 19
                + 18 * lines + 8)

    def _you(self, surface: pygame.Surface, r: pygame.Rect, snap: Snapshot,
             alloc: dict[str, float]) -> int:
        lang, sc = self.lang, self.sc
        spec = sc.specialist
        promo = promotion_skills(sc, snap)
        r.h = self._you_h()
        y = panel(surface, r, tr("you", lang))
        x, w = r.x + PAD, r.w - 2 * PAD
        total = sum(alloc.values())
        over = total - spec.contract_hours
        if over > 0:
            warning_icon(surface, x, y + 2, 13, WARN)
            fonts.draw(surface, tr("hours_over", lang, total=hours(total), h=hours(over)),
                       (x + 20, y), 14, WARN, bold=True)
        else:
            fonts.draw(surface, tr("hours_short", lang, total=hours(total),
                                   contract=hours(spec.contract_hours)), (x, y), 14, TEXT)
        hours_bar(surface, (x, y + 24, w, 9), total, spec.contract_hours, spec.max_hours)
        y += 42
        col = (w - 16) // 2
        for i, duty in enumerate(sc.duty_ids):
            cx = x + (i % 2) * (col + 16)
            cy = y + (i // 2) * GRID_ROW
            h = alloc.get(duty, 0.0)
            hw = fonts.draw(surface, tr("h", lang, h=hours(h)), (cx + col, cy), 12,
                            TEXT if h else FAINT, anchor="topright").w
            fonts.draw(surface, fonts.fit(duty_name(duty, lang, sc), 12, col - hw - 8), (cx, cy),
                       12, DIM if h else FAINT)
        y += (len(sc.duty_ids) + 1) // 2 * GRID_ROW + 6
        if self.colleagues:
            fonts.draw(surface, fonts.fit(self.colleagues, 12, w), (x, y), 12, DIM)
            y += 17
        # Fatigue: a bar and what it costs.
        f = snap.fatigue
        loss = round(100 * spec.fatigue.quality_loss_at_max * f / 100)
        fonts.draw(surface, tr("fatigue", lang), (x, y), 13, DIM)
        bar(surface, (x + 70, y + 6, 110, 8), f / 100, fatigue_colour(f))
        text = (tr("fatigue_value", lang, f=f"{f:.0f}", loss=loss) if loss >= 1
                else tr("fatigue_fresh", lang, f=f"{f:.0f}"))
        fonts.draw(surface, text, (x + w, y), 13, WARN if f >= 50 else TEXT, anchor="topright")
        y += 24
        parts = [tr("evidence", lang, e=f"{snap.evidence:.1f}")]
        parts.append(tr("budget_none", lang) if snap.budget is None
                     else tr("budget_left", lang, b=num(snap.budget)))
        if self.has_research:
            parts.append(tr("research_pts", lang, p=f"{snap.research_points:.0f}"))
        budget_low = snap.budget is not None and snap.budget < sc.duties.events.cost
        fonts.draw(surface, fonts.fit(" · ".join(parts), 13, w), (x, y), 13,
                   WARN if budget_low else TEXT)
        y += 19
        if len(promo) > PROMO_LINES:  # the unmet first; the rest counted on a line
            promo.sort(key=lambda p: p[2] >= p[1])
            more = len(promo) - PROMO_LINES
            promo = promo[:PROMO_LINES]
        else:
            more = 0
        for duty, need, have in promo:
            met = have >= need
            key = "promo_met" if met else "promo_needs"
            text = tr(key, lang, skill=duty_name(duty, lang, sc), need=round(100 * need),
                      have=round(100 * have))
            fonts.draw(surface, fonts.fit(text, 12, w), (x, y), 12, GOOD if met else WARN)
            y += 18
        if more:
            fonts.draw(surface, fonts.fit(tr("promo_more", lang, n=more), 12, w), (x, y), 12,
                       DIM)
        return r.bottom

    # -- support and work -----------------------------------------------------------------

    def _support(self, surface: pygame.Surface, r: pygame.Rect, snap: Snapshot) -> int:
        lang, s = self.lang, snap.support
        r.h = TITLE_H + 46
        y = panel(surface, r, tr("support", lang))
        x, w = r.x + PAD, r.w - 2 * PAD
        waiting = (tr("ticket_waiting", lang) if s.waiting == 1
                   else tr("tickets_waiting", lang, n=num(s.waiting)))
        fonts.draw(surface, waiting, (x, y - 2), 16, TEXT, bold=True)
        if s.complaints:
            fonts.draw(surface, tr("complaints", lang, n=num(s.complaints)), (x + w, y), 13, BAD,
                       bold=True, anchor="topright")
        totals = tr("support_totals", lang, served=num(s.answered), late=num(s.late),
                    lost=num(s.users_lost))
        if s.users_lost:
            warning_icon(surface, x, y + 25, 13, WARN)
            fonts.draw(surface, fonts.fit(totals, 13, w - 20), (x + 20, y + 23), 13, WARN)
        else:
            fonts.draw(surface, totals, (x, y + 23), 13, DIM)
        return r.bottom

    def _work(self, surface: pygame.Surface, r: pygame.Rect, snap: Snapshot, bottom: int) -> int:
        lang = self.lang
        r.h = bottom - r.y
        y = panel(surface, r, tr("work", lang))
        x, w = r.x + PAD, r.w - 2 * PAD
        fonts.draw(surface, tr("copy_live", lang, n=snap.pieces_live), (x, y), 14, TEXT)
        if self.has_partners:
            fonts.draw(surface, tr("partners_active", lang, n=snap.partners_active), (x + w, y),
                       14, GOOD if snap.partners_active else DIM, anchor="topright")
        y += 23
        if snap.event_live:
            fonts.draw(surface, "● " + tr("event_live", lang), (x, y), 14, GOOD, bold=True)
        else:
            pct = round(100 * max(0.0, min(1.0, snap.event_progress)))
            label = fonts.draw(surface, tr("event_planning", lang, pct=pct), (x, y), 14, TEXT)
            bx = max(x + 190, label.right + 12)
            bar(surface, (bx, y + 7, x + w - bx, 8), pct / 100, ACCENT)
        y += 25
        if self.departments:
            pen.line(surface, FAINT, (x, y - 2), (x + w, y - 2))
            fonts.draw(surface, tr("departments", lang), (x, y + 2), 12, DIM, bold=True)
            y += 21
            queues = dict(snap.departments)
            two = len(self.departments) > 3
            cols = 2 if two else 1
            col = (w - 16) // 2 if two else w
            shown = self.departments
            room_rows = max(1, (bottom - 8 - y) // DEPT_ROW)
            more: list[tuple[str, str]] = []
            if -(-len(shown) // cols) > room_rows:  # too many: the busiest, then a count
                busiest = sorted(shown, key=lambda d: -queues.get(d[0], 0))
                keep = max(0, (room_rows - 1) * cols)
                shown, more = busiest[:keep], busiest[keep:]
            for i, (name, label) in enumerate(shown):
                cx = x + (i % 2) * (col + 16) if two else x
                cy = y + (i // 2 if two else i) * 17
                q = queues.get(name, 0)
                text = tr("dept_queue", lang, n=q) if q else tr("dept_idle", lang)
                colour = DIM if q == 0 else (WARN if q >= 3 else TEXT)
                tw = fonts.draw(surface, text, (cx + col, cy), 13, colour, anchor="topright").w
                room = col - tw - 10
                if not two:  # one box per request: a queue you can count at a glance
                    boxes = min(q, 8)
                    for k in range(boxes):
                        pen.rect(surface, colour,
                                         (cx + col - tw - 16 - k * 9, cy + 7, 7, 7), 1)
                    room -= boxes * 9 + 6 if boxes else 0
                fonts.draw(surface, fonts.fit(label, 13, room), (cx, cy), 13, TEXT)
            y += -(-len(shown) // cols) * DEPT_ROW
            if more:
                waiting = sum(queues.get(name, 0) for name, _ in more)
                fonts.draw(surface, fonts.fit(tr("dept_more", lang, n=len(more), q=waiting), 12,
                                              w), (x, y), 12, DIM)
                y += DEPT_ROW
        return y
