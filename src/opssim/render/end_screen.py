"""The end of a run: the outcome, why, and a scorecard."""

from collections.abc import Sequence

import pygame

from opssim.model.records import BlameEvent, Review
from opssim.render import fonts, pen
from opssim.render.layout import centre, placed
from opssim.render.palette import ACCENT, BAD, DIM, FAINT, GOOD, SHADE, SIZE, TEXT, WARN, Colour
from opssim.render.side_panel import promotion_skills
from opssim.render.text import duty_name, num, outcome_name, tr
from opssim.render.widgets import panel
from opssim.scenario import Scenario
from opssim.sim import HOURS_PER_WEEK, Snapshot

RECT = pygame.Rect(190, 70, 900, 590)


@placed
def _place() -> None:
    RECT.topleft = centre(*RECT.size)


class EndScreen:
    """Draws the outcome over a shaded window."""

    def __init__(self, scenario: Scenario, lang: str) -> None:
        self.sc = scenario
        self.lang = lang
        self.labels = [s.label.get(lang) if s.label else s.id for s in scenario.funnel.stages]

    def draw(self, surface: pygame.Surface, snap: Snapshot, reviews: list[Review],
             blame_count: int, reputation: list[float], truth: Snapshot | None = None,
             blames: Sequence[BlameEvent] = ()) -> None:
        """The shade, the panel, the outcome and the scorecard.

        ``blames`` are the run's blame events: the scorecard adds up their signed parts (what
        the plan, luck and the player's hours cost over the run, a negative part having
        helped), as recorded — nothing is recomputed here.

        ``reputation`` is the reputation at the start and after each review, in order. With
        ``truth`` the final funnel shows the true counts: the run is over, the reviews were
        judged on them, and seeing how far the dashboard was off is part of the lesson.
        """
        pen.shade(surface, (0, 0, *SIZE), SHADE)
        lang, sc = self.lang, self.sc
        outcome = snap.outcome or "kept"
        colour = {"promoted": GOOD, "fired": BAD}.get(outcome, WARN)
        panel(surface, RECT, edge=colour, width=3)
        x, y = RECT.x + 36, RECT.y + 28
        _emblem(surface, outcome, x + 36, y + 36, colour)
        fonts.draw(surface, outcome_name(outcome, lang), (x + 96, y), 44, colour, bold=True)
        need = sc.blame.promotion.reputation
        skills = promotion_skills(sc, snap)
        short = [(d, n, h) for d, n, h in skills if h < n]
        if outcome == "promoted":
            why = tr("end_promoted", lang, rep=f"{snap.reputation:.0f}", need=f"{need:g}")
        elif outcome == "fired":
            why = tr("end_fired", lang, week=max(1, snap.week))
        elif snap.reputation >= need and short:
            d, n, h = short[0]
            why = tr("end_kept_skill", lang, rep=f"{snap.reputation:.0f}",
                     skill=duty_name(d, lang, sc), need=round(100 * n), have=round(100 * h))
        else:
            why = tr("end_kept", lang, rep=f"{snap.reputation:.0f}", need=f"{need:g}")
        fonts.draw(surface, fonts.fit(why, 16, RECT.right - 36 - (x + 98)), (x + 98, y + 58), 16,
                   TEXT)
        y += 104
        pen.line(surface, FAINT, (x, y), (RECT.right - 36, y))
        fonts.draw(surface, tr("scorecard", lang), (x, y + 12), 18, DIM, bold=True)
        y += 44
        results = [res for rv in reviews for res in rv.results]
        hits = sum(r.hit for r in results)
        s = snap.support
        for line in (
            tr("sc_weeks", lang, n=min(sc.weeks, int(snap.t // HOURS_PER_WEEK)), weeks=sc.weeks),
            tr("sc_reviews", lang, hits=hits, misses=len(results) - hits),
            blame_line(blame_count, blames, lang),
            tr("sc_support", lang, served=num(s.answered), late=num(s.late),
               lost=num(s.users_lost)),
            tr("sc_complaints", lang, n=num(s.complaints)),
        ):
            fonts.draw(surface, fonts.fit(line, 16, RECT.x + 500 - x), (x, y), 16, TEXT)
            y += 26
        y += 8
        fonts.draw(surface, tr("sc_weekly", lang), (x, y), 14, DIM, bold=True)
        self._weeks(surface, x, y + 24, reviews)
        fx = RECT.x + 520
        fy = RECT.y + 176
        final = truth or snap
        title = "sc_funnel_true" if truth is not None and snap.noise > 0 else "sc_funnel"
        fonts.draw(surface, tr(title, lang), (fx, fy), 14, DIM, bold=True)
        # Past five stages the funnel's column runs down beside the chart, which narrows.
        tall = len(final.stages) > 5
        self._funnel(surface, fx, fy + 26, RECT.right - 36, RECT.y + (522 if tall else 384),
                     final, snap, skills)
        chart_w = fx - 24 - (RECT.x + 36) if tall else RECT.w - 72
        self._chart(surface, pygame.Rect(RECT.x + 36, RECT.y + 392, chart_w, 130),
                    reputation, [0, *(rv.week for rv in reviews)])

    def _funnel(self, surface: pygame.Surface, x: int, y: int, right: int, bottom: int,
                final: Snapshot, snap: Snapshot,
                skills: list[tuple[str, float, float]]) -> None:
        """The final funnel (a row per stage, shorter rows when there are many), then fatigue,
        evidence and the promotion skills (the unmet first, the rest counted), in the column
        from ``x`` to ``right`` and ``y`` to ``bottom``."""
        lang = self.lang
        if len(skills) > 2:
            skills = sorted(skills, key=lambda k: k[2] >= k[1])
        shown, more = skills[:2], len(skills) - 2
        lines = 1 + len(shown) + (more > 0)  # the "you" line, skills, the count
        row = min(26.0, (bottom - y - 6 - 22 * lines) / max(1, len(final.stages)))
        size = 15 if row >= 22 else 12
        top = max(1, final.stages[0].reached)
        name_w = 124
        for i, st in enumerate(final.stages):
            ry = y + i * row
            nw = fonts.draw(surface, num(st.reached), (right, ry), size, TEXT, bold=True,
                            anchor="topright").w
            fonts.draw(surface, fonts.fit(self.labels[i], size, name_w), (x, ry), size, TEXT)
            room = max(2, right - nw - 10 - (x + name_w + 6))
            w = max(2, round(min(110, room) * (st.reached / top) ** 0.5))
            pen.rect(surface, ACCENT, (x + name_w + 6, ry + row * 0.2, w, max(3, row * 0.45)),
                     border_radius=3)
        yy = y + len(final.stages) * row + 6
        fonts.draw(surface, fonts.fit(tr("sc_you", lang, f=f"{snap.fatigue:.0f}",
                                         e=f"{snap.evidence:.1f}"), 14, right - x), (x, yy), 14,
                   TEXT)
        for d, n, h in shown:
            yy += 22
            mark = tr("mark_hit" if h >= n else "mark_miss", lang).split()[0]
            skill = duty_name(d, lang, self.sc)
            text = tr("sc_skill", lang, skill=skill, have=round(100 * h), need=round(100 * n),
                      mark=mark)
            fonts.draw(surface, fonts.fit(text, 14, right - x), (x, yy), 14,
                       GOOD if h >= n else BAD)
        if more > 0:
            fonts.draw(surface, fonts.fit(tr("promo_more", lang, n=more), 13, right - x),
                       (x, yy + 22), 13, DIM)

    def _weeks(self, surface: pygame.Surface, x: int, y: int, reviews: list[Review]) -> None:
        """A box per reviewed week: ✓ all targets hit, ▼ some missed, – nothing checked (past
        twelve weeks, a strip of narrow marks: a full bar hit, a short one missed, a floor line
        nothing checked)."""
        by_week = {rv.week: rv for rv in reviews}
        if self.sc.weeks > 12:
            self._week_strip(surface, x, y, by_week)
            return
        for w in range(1, self.sc.weeks + 1):
            cx = x + (w - 1) % 12 * 36
            cy = y + (w - 1) // 12 * 52
            rv = by_week.get(w)
            if rv is None:
                mark, colour = "", FAINT
            elif not rv.results:
                mark, colour = "–", DIM
            elif all(r.hit for r in rv.results):
                mark, colour = "✓", GOOD
            else:
                mark, colour = "▼", BAD
            box = pygame.Rect(cx, cy, 30, 30)
            pen.rect(surface, colour, box, 2, border_radius=4)
            fonts.draw(surface, mark, box.center, 16, colour, bold=True, anchor="center")
            fonts.draw(surface, str(w), (box.centerx, box.bottom + 2), 11, DIM, anchor="midtop")

    def _week_strip(self, surface: pygame.Surface, x: int, y: int,
                    by_week: dict[int, Review]) -> None:
        weeks = self.sc.weeks
        step = 12 * 36 / weeks
        for w in range(1, weeks + 1):
            rv = by_week.get(w)
            bx = x + (w - 1) * step
            bw = max(2.0, step - 2)
            if rv is None or not rv.results:  # not played, or nothing checked: a floor line
                pen.rect(surface, FAINT, (bx, y + 27, bw, 3))
            elif all(r.hit for r in rv.results):
                pen.rect(surface, GOOD, (bx, y, bw, 30))
            else:
                pen.rect(surface, BAD, (bx, y + 18, bw, 12))
        fonts.draw(surface, "1", (x, y + 32), 11, DIM)
        fonts.draw(surface, str(weeks), (x + weeks * step, y + 32), 11, DIM, anchor="topright")


    def _chart(self, surface: pygame.Surface, r: pygame.Rect, values: list[float],
               weeks: list[int]) -> None:
        """Reputation over the run (``values`` at the ends of ``weeks``), against the promotion
        line and zero (fired)."""
        lang = self.lang
        fonts.draw(surface, tr("sc_reputation", lang), (r.x, r.y), 14, DIM, bold=True)
        plot = pygame.Rect(r.x + 40, r.y + 26, r.w - 150, r.h - 34)
        promo = self.sc.blame.promotion.reputation

        def ypos(v: float) -> int:
            return plot.bottom - round(plot.h * max(0.0, min(100.0, v)) / 100)

        pen.line(surface, FAINT, plot.bottomleft, plot.bottomright)
        for v, colour, key in ((promo, GOOD, "promotion_at"), (0.0, BAD, "fired_at_zero")):
            y = ypos(v)
            for x0 in range(plot.x, plot.right, 12):
                pen.line(surface, colour, (x0, y), (min(x0 + 6, plot.right), y))
            fonts.draw(surface, tr(key, lang, n=f"{promo:g}"), (plot.right + 8, y), 12, colour,
                       anchor="midleft")
        fonts.draw(surface, "100", (plot.x - 6, plot.y), 11, DIM, anchor="midright")
        fonts.draw(surface, "0", (plot.x - 6, plot.bottom), 11, DIM, anchor="midright")
        if len(values) < 2:
            return
        step = plot.w / max(1, self.sc.weeks)
        pts = [(plot.x + round(wk * step), ypos(v)) for wk, v in zip(weeks, values, strict=False)]
        pen.lines(surface, ACCENT, False, pts, 3)
        for p in pts:
            pen.circle(surface, ACCENT, p, 4)
        fonts.draw(surface, f"{values[-1]:.0f}", (pts[-1][0] - 6, pts[-1][1] - 6), 14, TEXT,
                   bold=True, anchor="bottomright")


def blame_line(count: int, blames: Sequence[BlameEvent], lang: str) -> str:
    """The scorecard's blame line: the verdicts, and the recorded signed parts of the
    attributed misses added up (the plain count when none was attributed)."""
    parts = [p for b in blames for p in b.parts]
    if not parts:
        return tr("sc_blame", lang, n=count)

    def total(cause: str) -> str:
        v = sum(value for c, value, _, _ in parts if c == cause)
        return ("+" if v > 0.5 else "") + num(v).replace("-", "−")

    return tr("sc_blame_parts", lang, n=count, plan=total("plan"), luck=total("luck"),
              you=total("execution"))


def _emblem(surface: pygame.Surface, outcome: str, cx: int, cy: int, colour: Colour) -> None:
    """A shape per outcome, so it reads without colour: star, circle, cross."""
    pen.circle(surface, colour, (cx, cy), 34, 3)
    if outcome == "promoted":
        fonts.draw(surface, "★", (cx, cy + 2), 40, colour, anchor="center")
    elif outcome == "fired":
        pen.line(surface, colour, (cx - 16, cy - 16), (cx + 16, cy + 16), 6)
        pen.line(surface, colour, (cx - 16, cy + 16), (cx + 16, cy - 16), 6)
    else:
        pen.circle(surface, colour, (cx, cy), 14)
