"""The window and the ops model: locked duties, noisy dashboards, the specialist, departments,
and a sentence in the log for every record that moves the numbers."""

import pygame
import pytest

from opssim.model.records import (
    AnalysisReady,
    BlameEvent,
    Complaints,
    DepartmentAnswer,
    DepartmentRequest,
    EventCancelled,
    EventData,
    EventLaunched,
    Happening,
    PartnerEnded,
    PartnerSigned,
    PiecePublished,
    SpecialistWeek,
    TicketsLate,
)
from opssim.play.driver import Phase
from opssim.render import App
from opssim.render.calendar import Calendar, end_hour, start_hour
from opssim.render.palette import SIDE
from opssim.render.planning_panel import RECT, ROWS_H, ROWS_Y, project_fatigue
from opssim.render.side_panel import kpi_value
from opssim.render.text import approx, noise_pct, num
from opssim.render.ticker import Ticker
from opssim.scenario import Scenario
from opssim.sim import Engine


def enter() -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0, unicode="\r",
                              scancode=0)


# -- planning: one slider per allocatable duty, locked duties fixed ----------------------


def test_planning_has_a_slider_per_allocatable_duty_and_fixed_locked_rows(
        big: Scenario, screen: pygame.Surface) -> None:
    app = App(big, seed=0, lang="en", auto=False)
    panel = app.planning
    assert set(panel.sliders) == set(big.duty_ids)
    assert set(panel.locked) == set(big.company.locked) == {"partners", "analysis"}
    assert panel.rows == list(big.duties.present())
    assert panel.values == big.plan_hours()
    app.draw(screen)
    app.handle(enter())
    app.step()
    assert app.driver.phase is Phase.RUNNING
    assert dict(app.engine.snapshot().allocation) == big.plan_hours()
    assert app.engine.hours("partners") == big.company.locked["partners"]


def test_planning_shows_an_engine_refusal_instead_of_raising(big: Scenario,
                                                            screen: pygame.Surface) -> None:
    app = App(big, seed=0, lang="en", auto=False)
    app.planning.values["partners"] = 4.0  # a locked duty: the engine refuses it
    app.planning.start()
    assert app.driver.phase is Phase.PLANNING
    assert app.planning.message is not None and "locked" in app.planning.message[0]
    app.draw(screen)


def test_planning_rows_buttons_and_side_panel_fit_the_window(shipped: Scenario,
                                                            screen: pygame.Surface) -> None:
    app = App(shipped, seed=0, lang="zh", auto=False)
    panel = app.planning
    assert len(panel.rows) <= 8
    rows_end = RECT.y + ROWS_Y + ROWS_H
    for duty in panel.rows:
        assert RECT.y + ROWS_Y <= panel.row_y(duty) and panel.row_y(duty) + panel.row_h <= rows_end
    for s in panel.sliders.values():
        assert RECT.contains(s.element.rect)
    for b in panel.buttons:
        assert RECT.contains(b.element.rect) and b.element.rect.y > rows_end
    assert RECT.bottom <= 720
    bottom = app.side.draw(screen, app.snap, 0, None)
    assert bottom <= SIDE[1] + SIDE[3]


@pytest.mark.parametrize("extra", [0, 15])
def test_planning_projects_fatigue_with_the_engines_rule(starter: Scenario, extra: int) -> None:
    plan = starter.plan_hours()
    alloc = dict(plan, copy=plan["copy"] + extra)
    projected = project_fatigue(starter, 0.0, alloc, weekend=False)
    e = Engine(starter, seed=0)  # the same week in the engine ends at the same fatigue
    e.set_allocation(alloc)
    e.advance_to(167)
    assert e.truth().fatigue == pytest.approx(projected)
    if extra:  # overtime tires more than the plan's ground work alone
        assert projected > project_fatigue(starter, 0.0, plan, weekend=False)


def test_overtime_is_warned_about(starter: Scenario, screen: pygame.Surface) -> None:
    app = App(starter, seed=0, lang="en", auto=False)
    app.planning.move("copy", app.planning.values["copy"] + 10)
    msg = app.planning._default_message()
    assert msg is not None and "Overtime" in msg[0] and "10 h" in msg[0]
    app.draw(screen)


# -- the player's view: estimates, with their uncertainty --------------------------------


def test_estimates_are_marked_and_rounded() -> None:
    assert approx(1_149_930, 0.1, "en") == "≈ 1,150,000"
    assert approx(3_544, 0.2, "zh") == "≈ 3,540"
    assert approx(3_544, 0.0, "en") == num(3_544) == "3,544"
    assert noise_pct(0.0) == 0 and noise_pct(0.3) == 35


def test_window_numbers_are_the_snapshot_and_dots_the_truth(starter: Scenario,
                                                           screen: pygame.Surface) -> None:
    app = App(starter, seed=3, lang="en", auto=True)
    for _ in range(120):
        app.step()
    snap = app.snap
    assert snap.observed and snap.noise > 0  # starter has analysis: a noisy dashboard
    assert all(kpi_value(k, snap.noise, "en").startswith("≈") for k in snap.kpis)
    truth = app.engine.truth()
    assert app.funnel._prev == tuple((s.reached, s.dropped) for s in truth.stages)
    app.draw(screen)


# -- the log: a sentence for each record that moves the numbers --------------------------


def test_every_ops_record_has_a_sentence_in_both_languages(starter: Scenario) -> None:
    cal = starter.calendar
    t = 200
    records = [
        PiecePublished(t, 3, 0.72),
        EventLaunched(t, t + 72, 0.9),
        EventCancelled(t, "budget"),
        EventData(t, True, 5.0),
        EventData(t, False, 0.0),
        PartnerSigned(t, t + 672, 8000.0),
        PartnerEnded(t),
        DepartmentRequest(t, "web", "copy", t + 50, True),
        DepartmentRequest(t, "design", "events", t + 20, False),
        DepartmentAnswer(t, "data", "analysis", 60),
        AnalysisReady(t, 3.2, 0.1),
        AnalysisReady(t, 0.0, 0.0),
        Happening(start_hour(cal[0]), cal[0].kind, True),
        Happening(end_hour(cal[0]), cal[0].kind, False),
        SpecialistWeek(t, 1, 55.0, (("copy", 0.5),)),
    ]
    for lang in ("en", "zh"):
        ticker = Ticker(starter, lang, {}, Calendar(starter, lang))
        for r in records:
            line = ticker.describe(r)
            assert line is not None and line[0], r
    en = Ticker(starter, "en", {}, Calendar(starter, "en"))
    said = [en.describe(r)[0] for r in records]  # type: ignore[index]
    assert "quality 0.72" in said[0] and "90% strength" in said[1]
    assert "budget" in said[2] and "+5 evidence" in said[3] and "lost" in said[4]
    assert "8,000" in said[5]
    assert "Web team stalled" in said[7] and "landing page" in said[7]
    assert "Data team" in said[9] and "2.5 days" in said[9]
    assert "±11%" in said[10]
    assert "Spring holiday" in said[12] and "×1.6" in said[12] and "over" in said[13]
    assert "55/100" in said[14]


def test_late_tickets_and_complaints_of_a_day_share_a_line(starter: Scenario) -> None:
    ticker = Ticker(starter, "en", {}, Calendar(starter, "en"))
    ticker.add([TicketsLate(30, 4, 2), TicketsLate(31, 3, 1), Complaints(32, 2, -0.04),
                Complaints(40, 1, -0.02)])
    texts = [text for _stamp, text, _c in ticker.lines]
    assert len(texts) == 2
    assert "7" in texts[0] and "3" in texts[0]
    assert texts[1].startswith("3 tickets") and "−0.1" in texts[1]


def test_calendar_happenings_show_while_they_last(starter: Scenario,
                                                  screen: pygame.Surface) -> None:
    app = App(starter, seed=0, lang="en", auto=True)
    h = starter.calendar[0]
    app.driver.set_speed(3)
    while app.engine.now < start_hour(h) + 1:
        app.step()
    assert app.calendar.active == [0]
    assert any("“Spring holiday” begins" in text for _s, text, _c in app.ticker.lines)
    app.draw(screen)
    while app.engine.now < end_hour(h) + 1:
        app.step()
    assert app.calendar.active == []


def test_specialist_and_departments_are_drawn(shipped: Scenario, screen: pygame.Surface) -> None:
    app = App(shipped, seed=1, lang="en", auto=True)
    app.driver.set_speed(3)
    for _ in range(300):
        app.step()
    snap = app.snap
    assert [name for name, _q in snap.departments] == list(shipped.departments)
    assert 0.0 <= snap.fatigue <= 100.0
    bottom = app.side.draw(screen, snap, app.driver.week, app.last_review)
    assert bottom <= SIDE[1] + SIDE[3]


def test_each_shipped_scenario_plays_to_its_end_screen(shipped: Scenario,
                                                      screen: pygame.Surface) -> None:
    app = App(shipped, seed=2, lang="zh", auto=True)
    app.driver.set_speed(3)
    while app.driver.phase is not Phase.FINISHED:
        report = app.step()
        if report.entered_planning or any(isinstance(r, BlameEvent) for r in report.records):
            app.draw(screen)  # planning with locked rows, blame with the dashboard's figure
    app.draw(screen)
    assert app.snap.outcome in ("promoted", "kept", "fired")
    assert len(app.reputation) == len(app.reviews) + 1
