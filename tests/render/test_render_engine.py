"""The window drives the same engine as a headless run: same inputs, same log."""

import pygame
import pytest

from opssim.batch import parse_policy, run_engine
from opssim.play.driver import SPEEDS, Driver, Phase
from opssim.render import App
from opssim.scenario import Scenario
from opssim.sim import HOURS_PER_WEEK, Engine


def play_through(app: App) -> int:
    """Step ``app`` to the end, pressing Enter at every planning pause and incident card (the
    card's focus starts on its default, the manager's way); returns the frames."""
    frames = 0
    while app.driver.phase is not Phase.FINISHED:
        if (app.planning.visible or app.incident.visible) and not app.auto:
            app.handle(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0,
                                          unicode="\r", scancode=0))
        app.step()
        frames += 1
        assert frames < 20_000
    return frames


@pytest.mark.parametrize("auto", [True, False], ids=["auto", "player-presses-enter"])
def test_window_log_equals_headless_log(starter: Scenario, screen: pygame.Surface,
                                        auto: bool) -> None:
    app = App(starter, seed=11, lang="en", auto=auto)
    app.driver.set_speed(3)
    play_through(app)
    headless = run_engine(starter, 11, parse_policy("plan", starter))
    assert app.engine.events == headless.events
    assert app.engine.outcome == headless.outcome


@pytest.mark.parametrize("stepping", ["slowest", "mixed"])
def test_any_stepping_gives_the_headless_log(shipped: Scenario, stepping: str) -> None:
    """However the window steps the clock (speed, pauses), the log is the headless one."""
    engine = Engine(shipped, seed=7)
    d = Driver(engine, auto=True, hold_frames=1)
    d.set_speed(1)
    frame = 0
    while d.phase is not Phase.FINISHED:
        if stepping == "mixed":
            d.set_speed(1 + (frame // 5) % 3)
            if frame % 11 == 0:
                d.toggle_pause()
        d.step()
        frame += 1
        assert frame < 50_000
    headless = run_engine(shipped, 7, parse_policy("plan", shipped))
    assert engine.events == headless.events


def test_driver_stops_at_each_week_boundary(starter: Scenario) -> None:
    engine = Engine(starter, seed=3)
    d = Driver(engine, auto=True, hold_frames=2)
    d.set_speed(3)
    boundaries = []
    while d.phase is not Phase.FINISHED:
        if d.step().entered_planning:
            boundaries.append(engine.now)
    assert boundaries == [w * HOURS_PER_WEEK for w in range(1, starter.weeks)]
    assert engine.finished and engine.now == starter.weeks * HOURS_PER_WEEK


def test_driver_time_is_frames_not_wall_clock(starter: Scenario) -> None:
    d = Driver(Engine(starter, seed=0), auto=False)
    d.start_week(starter.plan_hours())
    for _ in range(10):
        d.step()
    assert d.engine.now == pytest.approx(10 * SPEEDS[1])
    d.toggle_pause()
    d.step()
    assert d.engine.now == pytest.approx(10 * SPEEDS[1])


def test_planning_clamps_the_total_to_the_weekly_maximum(starter: Scenario,
                                                         screen: pygame.Surface) -> None:
    app = App(starter, seed=0, lang="en", auto=False)
    panel = app.planning
    cap = starter.specialist.max_hours
    for duty in starter.duty_ids:
        panel.move(duty, cap)
    assert sum(panel.values.values()) == cap
    assert panel.message is not None and "55" in panel.message[0]
    assert panel.sliders[starter.duty_ids[-1]].value == panel.values[starter.duty_ids[-1]]
    app.draw(screen)
    panel.start()
    assert app.driver.phase is Phase.RUNNING
    app.step()
    assert dict(app.engine.snapshot().allocation) == panel.values


def test_space_pauses_and_keys_set_speed(starter: Scenario, screen: pygame.Surface) -> None:
    app = App(starter, seed=0, lang="en", auto=False)

    def key(k: int) -> None:
        app.handle(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0))

    key(pygame.K_RETURN)
    key(pygame.K_3)
    app.step()
    t = app.engine.now
    assert t == pytest.approx(SPEEDS[3])
    key(pygame.K_SPACE)
    app.step()
    assert app.engine.now == t
    key(pygame.K_SPACE)
    key(pygame.K_1)
    app.step()
    assert app.engine.now == pytest.approx(t + SPEEDS[1])
