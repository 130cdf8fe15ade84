"""The planning panel's insight: keyboard play, the stages a duty moves, one more hour's
effect and the KPI fan, all from look-ahead forks that never disturb the run."""

from pathlib import Path

import numpy as np
import pygame
import pytest

from opssim.play.driver import Phase
from opssim.play.planning import verdict
from opssim.render import App
from opssim.render.effect_hint import clear, delta, effect_lines
from opssim.render.planning_panel import RECT, START, USE_PLAN
from opssim.scenario import Scenario
from opssim.sim import HOURS_PER_WEEK
from opssim.sim.lookahead import Effect, Fan


def key(app: App, k: int, mod: int = 0) -> None:
    """Press ``k`` in the window."""
    app.handle(pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="", scancode=0))


def ready(app: App, frames: int = 2_000) -> None:
    """Step planning frames until the look-ahead of the values shown is complete."""
    for _ in range(frames):
        la = app.planning.current
        if la is not None and la.done:
            return
        app.step()
    raise AssertionError("the look-ahead never finished")


def test_tab_cycles_the_sliders_then_the_buttons(starter: Scenario, screen: pygame.Surface
                                                 ) -> None:
    app = App(starter, seed=0, lang="en", auto=False)
    p = app.planning
    seen = [p.focus]
    for _ in range(len(starter.duty_ids) + 2):
        key(app, pygame.K_TAB)
        seen.append(p.focus)
    assert seen == [*starter.duty_ids, USE_PLAN, START, starter.duty_ids[0]]
    key(app, pygame.K_TAB, pygame.KMOD_SHIFT)
    assert p.focus == START
    key(app, pygame.K_DOWN)
    assert p.focus == starter.duty_ids[0]
    key(app, pygame.K_UP)
    assert p.focus == START


def test_locked_duties_take_no_focus(big: Scenario, screen: pygame.Surface) -> None:
    app = App(big, seed=0, lang="en", auto=False)
    assert app.planning.order == [*big.duty_ids, USE_PLAN, START]
    assert set(big.company.locked) & set(app.planning.order) == set()


def test_arrows_set_the_hours_that_the_week_starts_on(starter: Scenario, screen: pygame.Surface
                                                     ) -> None:
    app = App(starter, seed=0, lang="en", auto=False)
    p = app.planning
    key(app, pygame.K_RIGHT)  # copy +1
    key(app, pygame.K_RIGHT, pygame.KMOD_SHIFT)  # copy +5
    key(app, pygame.K_TAB)
    key(app, pygame.K_LEFT)  # events −1
    key(app, pygame.K_TAB)
    key(app, pygame.K_TAB)
    for _ in range(9):
        key(app, pygame.K_RIGHT, pygame.KMOD_SHIFT)  # ground +45: capped at the week's max
    plan = starter.plan_hours()
    want = dict(plan, copy=plan["copy"] + 6, events=plan["events"] - 1)
    want["ground"] = starter.specialist.max_hours - (sum(want.values()) - want["ground"])
    assert p.values == want
    assert {d: s.value for d, s in p.sliders.items()} == want  # the sliders show it too
    key(app, pygame.K_RETURN)
    assert app.driver.phase is Phase.RUNNING and not p.visible
    app.step()
    assert app.engine.allocations[0] == want


def test_enter_on_the_plan_button_uses_the_plan(starter: Scenario, screen: pygame.Surface
                                                ) -> None:
    app = App(starter, seed=0, lang="en", auto=False)
    key(app, pygame.K_RIGHT)
    key(app, pygame.K_UP)
    key(app, pygame.K_UP)  # Use manager's plan
    key(app, pygame.K_RETURN)
    assert app.planning.visible and app.planning.values == starter.plan_hours()


def test_focus_and_hover_pick_the_duty_whose_stages_light(starter: Scenario, big: Scenario,
                                                         screen: pygame.Surface) -> None:
    app = App(starter, seed=0, lang="en", auto=False)
    p = app.planning
    assert set(p.lever_map.highlighted(p.shown_duty)) == {"aware", "signup"}  # copy, focused
    key(app, pygame.K_TAB)
    assert p.shown_duty == "events"
    assert set(p.lever_map.highlighted("events")) == {"visit", "active"}
    assert set(p.lever_map.highlighted("support")) == {"signup", "paying"}
    assert set(p.lever_map.highlighted("ground")) == {"visit"}
    assert set(p.lever_map.highlighted("research")) == {"aware", "visit", "signup", "active"}
    assert p.lever_map.highlighted("analysis") == {}
    ry = p.row_y("ground")
    app.handle(pygame.event.Event(pygame.MOUSEMOTION, pos=(RECT.x + 40, ry + 5), rel=(0, 0),
                                  buttons=(0, 0, 0)))
    assert p.shown_duty == "ground"  # hover wins over focus
    key(app, pygame.K_TAB)
    assert p.shown_duty == "support"  # the keyboard takes over again
    big_app = App(big, seed=0, lang="en", auto=False)
    locked = next(iter(big.company.locked))
    y = big_app.planning.row_y(locked)
    big_app.planning.hover((RECT.x + 40, y + 5))
    assert big_app.planning.shown_duty == locked


def test_look_ahead_is_deterministic_and_ready_in_frames(starter: Scenario,
                                                        screen: pygame.Surface) -> None:
    fans = []
    for _ in range(2):
        app = App(starter, seed=4, lang="en", auto=False)
        ready(app)
        la = app.planning.current
        assert la is not None
        fan = la.fan()
        assert fan is not None and all(la.effect(d) is not None for d in starter.duty_ids)
        fans.append(fan)
    assert all(np.array_equal(fans[0].runs[k], fans[1].runs[k]) for k in fans[0].runs)


def test_dragging_waits_before_looking_ahead(starter: Scenario, screen: pygame.Surface) -> None:
    app = App(starter, seed=0, lang="en", auto=False)
    ready(app)
    p = app.planning
    first = p.current
    p.move("copy", 14)
    app.step()
    assert p.current is None and p.shown_lookahead is first  # the old fan stays up, dimmed
    for _ in range(20):
        app.step()
    assert p.current is not None and p.current is not first
    p.move("copy", float(starter.plan_hours()["copy"]))
    app.step()
    assert p.current is first  # back to a plan already looked at: cached


def test_look_ahead_never_changes_the_run(starter: Scenario, screen: pygame.Surface) -> None:
    def checksums(look: bool) -> list[str]:
        app = App(starter, seed=9, lang="en", auto=True)
        if not look:
            app.planning.engine = None
        for _ in range(400):
            app.step()
        return app.driver.checksums

    with_look = checksums(True)
    assert len(with_look) >= 2 and with_look == checksums(False)


def test_last_week_lands_in_its_fan(starter: Scenario, screen: pygame.Surface) -> None:
    app = App(starter, seed=2, lang="en", auto=False)
    app.driver.set_speed(3)
    for _ in range(3):  # weeks 1-3 on the plan
        key(app, pygame.K_RETURN)
        while not app.planning.visible:
            app.step()
            app.popup.close()
            if app.incident.visible:  # an incident card: the manager's way
                key(app, pygame.K_RETURN)
    v = app.planning.last_verdict
    assert v is not None and v.kind in ("hit", "luck", "rare", "plan")
    actual = app.engine.entered("signup", 2 * HOURS_PER_WEEK, 3 * HOURS_PER_WEEK)
    assert v.actual == actual and 0 <= v.percentile <= 100


def test_verdict_kinds() -> None:
    fan = Fan((0, 168), {"k": np.array([[0, v] for v in range(90, 111)])}, {"k": 100.0})
    assert verdict(fan, "k", 105, 100).kind == "hit"
    assert verdict(fan, "k", 95, 100).kind == "luck"  # the median (100) hits
    assert verdict(fan, "k", 89, 100).kind == "rare"  # below the band
    assert verdict(fan, "k", 95, 104).kind == "plan"  # even the median misses
    assert verdict(fan, "k", 95, 100).percentile == pytest.approx(100 * 5.5 / 21)


def test_effect_words() -> None:
    assert (delta(6.25), delta(-0.5), delta(35.4), delta(1200), delta(0)) == (
        "+6.2", "−0.5", "+35", "+1,200", "+0.0")
    assert clear((3, 5, 1)) and clear((-2, -1)) and not clear((-11, 20, -5, 23))
    e = Effect("ground", {"signups": 15.2, "paying": -0.3},
               {"signups": (19, 19, 22, 10, 7, 14), "paying": (-1, 7, -1, -4, -2, -1)})
    labels = {"signups": "Signed up", "paying": "Paying"}
    lines = effect_lines("ground", e, labels, "en", headline="signups")
    assert lines[0].text == "+1 h → ≈ +15 Signed up this week"
    assert lines[1].text.startswith("clear: 6 paired runs") and "+7.0 to +22" in lines[1].text
    assert lines[2].text == "and ≈ −0.3 Paying"
    unsure = effect_lines("ground", e, labels, "en", headline="paying")
    assert unsure[0].text == "+1 h → ≈ −0.3 Paying this week"
    assert unsure[1].text.startswith("too small to tell from luck")
    assert "computing" in effect_lines("copy", None, labels, "en", headline=None)[0].text
    zh = effect_lines("ground", e, {"signups": "注册", "paying": "付费"}, "zh",
                      headline="signups")
    assert "注册 ≈ +15" in zh[0].text


def test_the_hint_says_when_the_hour_tires(starter: Scenario, screen: pygame.Surface) -> None:
    app = App(starter, seed=0, lang="en", auto=False)
    p = app.planning
    spec = starter.specialist
    assert sum(p.values.values()) == spec.contract_hours  # the starter's plan fills it
    # Past the contract the hour is overtime; inside it, it is rest not taken.
    assert p.extra_hour_fatigue("events") == pytest.approx(spec.fatigue.per_overtime_hour)
    p.nudge("copy", -1)
    assert p.extra_hour_fatigue("events") == pytest.approx(
        spec.fatigue.recovery_per_slack_hour)
    tiring = starter.duties.ground.fatigue_per_hour
    assert p.extra_hour_fatigue("ground") == pytest.approx(
        spec.fatigue.recovery_per_slack_hour + tiring)
    e = Effect("events", {"signups": -1.8}, {"signups": (-2, -1, -3, -2, -1, -2)})
    lines = effect_lines("events", e, {"signups": "Signed up"}, "en", headline="signups",
                         tires=1.0)
    assert lines[2].text.startswith("it also tires you: fatigue +1.0")
    rested = effect_lines("events", e, {"signups": "Signed up"}, "en", headline="signups")
    assert not any("tires" in line.text for line in rested)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_screenshot_with_focus_highlight_and_fan(starter: Scenario, screen: pygame.Surface,
                                                 tmp_path: Path, lang: str) -> None:
    app = App(starter, seed=0, lang=lang, auto=False)
    key(app, pygame.K_TAB)  # events: two stages lit
    ready(app)
    app.draw(screen)
    shot = tmp_path / f"insight-{lang}.png"
    pygame.image.save(screen, shot)
    assert shot.stat().st_size > 20_000
    strip = pygame.surfarray.array3d(screen)[RECT.x:RECT.right, RECT.bottom - 170:RECT.bottom]
    assert len(np.unique(strip.reshape(-1, 3), axis=0)) > 40  # a map, lines and text


def test_the_hint_says_what_this_weeks_hour_still_does_by_the_end() -> None:
    from opssim.sim.lookahead import Later

    e = Effect("research", {"signups": 1.2}, {"signups": (1, 2, 1, 1, 2, 0)})
    later = Later("research", {"end": {"signups": (5.0, 7.0, 4.0, 8.0, 6.0, 5.0, 7.0, 6.0)}})
    lines = effect_lines("research", e, {"signups": "Signed up"}, "en", headline="signups",
                         later=later)
    assert lines[-1].text == "this week's hour by the end: ≈ +6.0 Signed up · clear"
    luck = Later("copy", {"review": {"signups": (3.0, -4.0, 1.0, -2.0)}})
    zh = effect_lines("copy", e, {"signups": "注册"}, "zh", headline="signups", later=luck)
    assert zh[-1].text.startswith("本周这一小时到下次考核：") and "可能是运气" in zh[-1].text
    waiting = effect_lines("copy", e, {"signups": "Signed up"}, "en", headline="signups",
                           later_pending=True)
    assert waiting[-1].text == "this week's hour by the end: computing…"
