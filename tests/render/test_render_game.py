"""The game around a run: a bot plays from the title screen to the end with posted key events;
every scene is drawn (and saved as PNG) in both languages at 1280×720 and 1920×1080, with its
text and buttons inside its panel; save and load, hot reload, mouse clicks on a scaled window.

``OPSSIM_SHOTS=DIR`` keeps the scene screenshots in DIR to look at.
"""

import math
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pygame
import pytest

from opssim.play.driver import Phase
from opssim.render import fonts, pen
from opssim.render.app import App
from opssim.render.game import Game, parse_size
from opssim.render.menu_screen import MenuScreen
from opssim.render.palette import SIZE
from opssim.render.reload_notice import ReloadNotice
from opssim.render.save_screen import SaveScreen
from opssim.render.title_screen import DETAILS, TitleScreen
from opssim.render.ui import Menu
from opssim.scenario import default_scenario_path, load_scenario
from opssim.sim.record import Recording, state_checksum, weeks_of

BIG = (1920, 1080)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Saves and the player's scenarios go to a temporary folder, never the real one."""
    d = tmp_path / "data"
    monkeypatch.setenv("OPSSIM_DATA_DIR", str(d))
    return d


@pytest.fixture
def window(request: pytest.FixtureRequest) -> Iterator[pygame.Surface]:
    """An offscreen window of the size the test is parametrised with (default 1280×720)."""
    size = getattr(request, "param", SIZE)
    pygame.display.init()
    pygame.font.init()
    fonts.reset()
    yield pygame.display.set_mode(size)
    pygame.quit()
    fonts.reset()


def key(k: int, mod: int = 0) -> pygame.event.Event:
    """A key press as the window would deliver it."""
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="", scancode=0)


def post(k: int) -> None:
    """Put a key press on the real event queue."""
    pygame.event.post(key(k))


def pump(game: Game, frames: int) -> None:
    """``frames`` frames of the interactive loop without painting: events, then logic."""
    for _ in range(frames):
        for event in pygame.event.get():
            game.handle(event)
        game.step()


# -- the bot --------------------------------------------------------------------------------


def test_bot_plays_from_title_to_end_and_back(window: pygame.Surface) -> None:
    t0 = time.perf_counter()
    game = Game(lang="en", seed=3)
    game.to_title()
    assert isinstance(game.scene, TitleScreen)
    post(pygame.K_RETURN)  # the starter scenario has the focus
    pump(game, 2)
    app = game.app
    assert app is not None and app.scenario.id == "starter"
    post(pygame.K_3)
    for _ in range(2000):
        if app.driver.phase is Phase.FINISHED and not app.modal:
            break
        if app.modal or app.planning.visible:
            post(pygame.K_RETURN)  # close the review or blame; start the week on the plan
        pump(game, 8)
        if app.driver.frame % 200 < 8:
            game.draw(window)
    assert app.driver.phase is Phase.FINISHED
    assert len(app.driver.checksums) == app.scenario.weeks
    game.draw(window)
    assert app.end_menu.index == 0  # play again
    post(pygame.K_RIGHT)
    post(pygame.K_RETURN)  # back to the title
    pump(game, 1)
    assert isinstance(game.scene, TitleScreen)
    post(pygame.K_ESCAPE)
    pump(game, 1)
    assert not game.running
    assert time.perf_counter() - t0 < 60  # ~5 s of CPU: generous for a busy CI machine


def test_bot_run_matches_the_recording_headless(window: pygame.Surface) -> None:
    """The same seed and hours give the same states in the window as headless."""
    game = Game(lang="en", seed=4)
    app = game.start(load_scenario(default_scenario_path()), default_scenario_path())
    app.driver.set_speed(3)
    for _ in range(3):
        app.planning.start()
        while app.driver.phase is Phase.RUNNING:
            game.step()
            if app.incident.visible:  # an incident card: the manager's way (Enter)
                game.handle(key(pygame.K_RETURN))
        app.popup.close()
        app.card.close()
    rec = app.driver.recording()
    from opssim.sim.record import replay

    assert replay(app.scenario, rec).identical


# -- every scene, both languages, both sizes --------------------------------------------------


def _inside(outer: pygame.Rect, texts: list[tuple[str, pygame.Rect]], scene: str) -> None:
    for text, r in texts:
        assert outer.contains(r), f"{scene}: {text!r} at {r} leaves {outer}"


def _buttons_fit(menu: Menu, outer: pygame.Rect, scene: str) -> None:
    for b in menu.buttons:
        assert outer.contains(b.rect), f"{scene}: button {b.text!r} leaves {outer}"
        assert fonts.width(b.text, 15) <= b.rect.w - 8, f"{scene}: {b.text!r} overflows"


def _shoot(game: Game, window: pygame.Surface, name: str, shots: Path) -> None:
    """Draw, check every text is on the canvas, check the top overlay's texts and buttons are
    in its panel, save the PNG."""
    screen = pygame.Rect((0, 0), window.get_size())  # texts are traced in window pixels
    with fonts.tracing() as texts:
        game.draw(window)
    _inside(screen, texts, name)
    if game.overlays:
        top = game.overlays[-1]
        with fonts.tracing() as mine:
            top.draw(window, 0.0)
        _inside(pen.to_px(top.rect), mine, name)
        _buttons_fit(top.menu, top.rect, name)  # type: ignore[attr-defined]
    elif isinstance(game.scene, TitleScreen):
        _buttons_fit(game.scene.menu, pygame.Rect((0, 0), SIZE), name)
    assert window.get_size() == game.size
    pygame.image.save(window, shots / f"{name}-{game.lang}-{game.size[0]}.png")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("window", [SIZE, BIG], indirect=True, ids=["720p", "1080p"])
def test_every_scene_fits_and_is_saved(window: pygame.Surface, lang: str, tmp_path: Path,
                                       data_dir: Path) -> None:
    shots = Path(os.environ.get("OPSSIM_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    game = Game(lang=lang, seed=2, size=window.get_size())
    game.to_title()
    _shoot(game, window, "title", shots)
    game.handle(key(pygame.K_RETURN))
    app = game.app
    assert app is not None
    game.step()
    _shoot(game, window, "planning", shots)
    game.handle(key(pygame.K_RETURN))
    game.handle(key(pygame.K_3))
    for _ in range(20):
        game.step()
    _shoot(game, window, "running", shots)
    game.handle(key(pygame.K_ESCAPE))
    assert isinstance(game.overlays[-1], MenuScreen)
    _shoot(game, window, "menu", shots)
    game.handle(key(pygame.K_ESCAPE))
    while not app.popup.visible:  # the starter's week 2 misses its sign-up target
        game.step()
        if app.planning.visible and not app.modal:
            app.planning.start()
        elif app.incident.visible:
            game.handle(key(pygame.K_RETURN))
    _shoot(game, window, "blame", shots)
    game.handle(key(pygame.K_RETURN))
    # A week with every target hit, as the card shows it (the run's own luck decides when).
    missed = app.reviews[-1]
    hit = replace(missed, results=tuple(replace(r, actual=math.ceil(r.target))
                                        for r in missed.results))
    app.card.show(hit, 2.0, 57.0, auto=False)
    _shoot(game, window, "review", shots)
    game.handle(key(pygame.K_RETURN))
    assert not app.card.visible
    while not app.planning.visible:
        game.step()
        if app.incident.visible:
            game.handle(key(pygame.K_RETURN))
    game.handle(key(pygame.K_ESCAPE))
    game.handle(key(pygame.K_DOWN))
    game.handle(key(pygame.K_RETURN))  # save
    assert isinstance(game.overlays[-1], SaveScreen)
    _shoot(game, window, "save", shots)
    game.handle(key(pygame.K_RETURN))  # + new save
    assert not game.overlays
    game.open_saves("load")
    _shoot(game, window, "load", shots)
    game.close_overlay()
    game.overlays.append(ReloadNotice(game, [
        f"{tmp_path}/mine.yaml:{i + 3}:5: funnel.stages[{i}].conversion: must be ≤ 1 "
        "(got 1.4); a long line that the panel has to cut short rather than overflow" * (i % 2)
        or f"mine.yaml:{i}:1: weeks: Input should be a valid integer" for i in range(12)]))
    _shoot(game, window, "reload", shots)
    game.close_overlay()
    # The end: the plan's first eleven weeks replayed, the last one played in the window.
    sc = app.scenario
    engine, checksums = None, []
    for _week, engine in weeks_of(sc, 2, (sc.plan_hours(),) * (sc.weeks - 1)):
        checksums.append(state_checksum(engine))
    app = game.start(sc, None, engine=engine, checksums=checksums)
    app.driver.set_speed(3)
    while app.driver.phase is not Phase.FINISHED or app.modal:
        game.step()
        if app.modal:
            game.handle(key(pygame.K_RETURN))
        elif app.planning.visible:
            app.planning.start()
    _shoot(game, window, "end", shots)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_scenarios_details_fit_the_title_panel(window: pygame.Surface, lang: str) -> None:
    game = Game(lang=lang)
    game.to_title()
    title = game.scene
    assert isinstance(title, TitleScreen) and title.entries
    for entry in title.entries:
        with fonts.tracing() as texts:
            title._details(window, entry)
        assert len(texts) >= 5, entry.path
        _inside(DETAILS, texts, f"title details of {entry.path.name}")


@pytest.mark.parametrize("window", [BIG], indirect=True)
def test_clicks_on_a_scaled_window_hit_the_buttons(window: pygame.Surface) -> None:
    game = Game(lang="en", size=BIG)
    game.to_title()
    title = game.scene
    assert isinstance(title, TitleScreen)
    quit_button = title.menu.buttons[-1].rect
    pos = (round(quit_button.centerx * 1.5), round(quit_button.centery * 1.5))
    pygame.mouse.set_pos(pos)
    for kind in (pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        extra = {"rel": (0, 0), "buttons": (0, 0, 0)} if kind == pygame.MOUSEMOTION else {
            "button": 1}
        pygame.event.post(pygame.event.Event(kind, pos=pos, touch=False, window=None, **extra))
        pump(game, 2)  # pygame_gui answers a click with an event of its own, on the queue
        game.draw(window, 0.05)
    assert not game.running


def test_parse_size() -> None:
    assert parse_size("1920x1080") == (1920, 1080)
    assert parse_size("1024x768") == (1024, 768)  # 4:3
    assert parse_size("2560x1080") == (2560, 1080)  # about 21:9
    assert parse_size("1920x1200") == (1920, 1200)  # 16:10
    for bad in ("1920", "100x7", "1920x600", "1000x1000", "axb", "99999x56249"):
        with pytest.raises(ValueError):
            parse_size(bad)


# -- menu, save and load, language, reduced motion ------------------------------------------


def _play_weeks(game: Game, app: App, weeks: int) -> None:
    app.driver.set_speed(3)
    for _ in range(weeks):
        app.planning.start()
        _run_week(game, app)
        app.popup.close()
        app.card.close()


def _run_week(game: Game, app: App) -> None:
    """Step while the week runs, answering incident cards the manager's way (Enter)."""
    while app.driver.phase is Phase.RUNNING:
        game.step()
        if app.incident.visible:
            game.handle(key(pygame.K_RETURN))


def test_save_then_load_rebuilds_the_same_views(window: pygame.Surface, data_dir: Path) -> None:
    game = Game(lang="en", seed=6)
    app = game.start(load_scenario(default_scenario_path()), default_scenario_path())
    _play_weeks(game, app, 4)
    app.planning.start()
    game.step()
    game.open_menu()  # mid-week: no save (a save is a week boundary)
    assert not game.overlays[-1].menu.enabled[1]  # type: ignore[attr-defined]
    assert game.save_to(None) is None
    game.close_overlay()
    _play_weeks(game, app, 0)
    _run_week(game, app)
    app.popup.close()
    app.card.close()
    saved = game.save_to(None)
    assert saved is not None and saved.parent == data_dir / "saves"
    rec = Recording.load(saved)
    assert rec.weeks == 5 and rec.scenario == str(default_scenario_path().resolve())
    assert game.load_from(saved)
    loaded = game.app
    assert loaded is not None and loaded is not app
    assert loaded.driver.week == 5 and loaded.driver.phase is Phase.PLANNING
    assert state_checksum(loaded.engine) == state_checksum(app.engine)
    assert list(loaded.ticker.lines) == list(app.ticker.lines)
    assert loaded.reviews == app.reviews
    assert loaded.reputation == pytest.approx(app.reputation)
    assert loaded.rep == pytest.approx(loaded.engine.reputation, abs=1e-4)
    assert loaded.blame_count == app.blame_count
    assert loaded.last_review == app.last_review
    game.open_saves("load")
    rows = game.overlays[-1].menu.buttons  # type: ignore[attr-defined]
    assert "week 6" in rows[0].text
    other = Game(lang="zh", seed=0)  # another session loads it: the save's seed, not its own
    assert other.load_from(saved) and other.app is not None and other.app.engine.seed == 6
    other._end_action("again")
    assert other.app.engine.seed == 6 and other.app.driver.week == 0


def test_a_bad_save_is_said_in_the_list(window: pygame.Surface, data_dir: Path) -> None:
    (data_dir / "saves").mkdir(parents=True)
    bad = data_dir / "saves" / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    game = Game(lang="en")
    game.to_title()
    game.open_saves("load")
    screen = game.overlays[-1]
    assert isinstance(screen, SaveScreen)
    assert not screen.menu.enabled[0] and "unreadable" in screen.menu.buttons[0].text
    assert not game.load_from(bad)
    assert screen.message is not None and "Cannot load" in screen.message[0]


def test_language_switch_rebuilds_in_place(window: pygame.Surface) -> None:
    game = Game(lang="en", seed=1)
    app = game.start(load_scenario(default_scenario_path()), default_scenario_path())
    _play_weeks(game, app, 2)
    app.planning.values["copy"] = 3.0
    before = state_checksum(app.engine)
    game.open_menu()
    game.handle(key(pygame.K_UP))  # wraps to quit
    for _ in range(3):
        game.handle(key(pygame.K_UP))  # language
    game.handle(key(pygame.K_RETURN))
    assert game.lang == "zh" and app.lang == "zh"
    assert isinstance(game.overlays[-1], MenuScreen) and game.overlays[-1].lang == "zh"
    assert game.overlays[-1].menu.index == 3
    assert state_checksum(app.engine) == before
    assert app.planning.visible and app.planning.values["copy"] == 3.0
    assert any("周" in text for _, text, _ in app.ticker.lines)
    game.draw(window)


def test_reduced_motion_spawns_no_dots(window: pygame.Surface) -> None:
    game = Game(lang="en", reduced_motion=True)
    app = game.start(load_scenario(default_scenario_path()), default_scenario_path())
    app.planning.start()
    for _ in range(30):
        game.step()
    assert len(app.funnel.dots) == 0
    game.toggle_motion()
    for _ in range(30):
        game.step()
    assert len(app.funnel.dots) > 0


def test_the_clock_reads_as_over_after_the_last_week(window: pygame.Surface) -> None:
    sc = load_scenario(default_scenario_path())
    engine, checksums = None, []
    for _week, engine in weeks_of(sc, 0, (sc.plan_hours(),) * (sc.weeks - 1)):
        checksums.append(state_checksum(engine))
    game = Game(lang="en")
    app = game.start(sc, None, engine=engine, checksums=checksums)
    _play_weeks(game, app, 1)
    assert app.driver.phase is Phase.FINISHED
    with fonts.tracing() as texts:
        app.hud.draw(window, app.snap, app.driver)
    shown = [t for t, _ in texts]
    assert "all 12 weeks played" in shown and not any("24:00" in t for t in shown)


# -- hot reload -----------------------------------------------------------------------------


def _touch_later(path: Path, text: str) -> None:
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    if path.stat().st_mtime_ns == before:  # a coarse clock: make the change visible
        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


def test_hot_reload(window: pygame.Surface, tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    shutil.copy(default_scenario_path(), path)
    text = path.read_text(encoding="utf-8")
    game = Game(lang="en", seed=2)
    app = game.start(load_scenario(path), path)
    app.planning.values["copy"] += 10  # overtime: 50 h a week
    _play_weeks(game, app, 2)
    checksums = list(app.driver.checksums)

    _touch_later(path, text.replace("weeks: 12", "weeks: twelve"))  # invalid: say so, play on
    game.poll()
    assert isinstance(game.overlays[-1], ReloadNotice)
    assert any(":weeks" in line.replace(": weeks", ":weeks") for line in game.overlays[-1].errors)
    assert game.app is app
    game.close_overlay()

    _touch_later(path, text.replace("A small app, a big launch", "A small app, a huge launch"))
    game.poll()  # valid, same hours fit: replayed to week 3
    assert game.app is not app and game.app is not None
    assert game.app.driver.week == 2 and game.app.driver.checksums == checksums
    assert game.toast is not None and "week 3" in game.toast[0]

    _touch_later(path, text.replace("overtime_cap: 15 ", "overtime_cap: 2  "))
    game.poll()  # 50 h no longer fit a 42 h week (the plan's 42 do): week 1 again
    assert game.app is not None and game.app.driver.week == 0
    assert game.toast is not None and "week 1" in game.toast[0]


def test_an_auto_run_plays_the_rules_hours(window: pygame.Surface) -> None:
    hours = {"copy": 20.0, "support": 20.0}
    asked: list[int] = []

    def decide(snap: object) -> dict[str, float]:
        asked.append(1)
        return hours

    game = Game(lang="en")
    app = game.start(load_scenario(default_scenario_path()), None, auto=True, decide=decide)
    assert app.planning.visible and app.planning.values["copy"] == 20.0
    while app.driver.phase is Phase.PLANNING:
        game.step()
    game.step()  # the week starts
    played = app.engine.allocations[0]
    assert {d: h for d, h in dict(played).items() if h} == hours
    assert len(asked) == 1  # decided once for the week, shown and played
