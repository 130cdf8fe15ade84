"""Every valid scenario fits: stress scenarios at the schema's limits (12 stages, 20 targets,
8 duties, 20 departments, labels of 2,000 characters) in both languages, at three window
shapes; from the rectangles of the texts actually drawn, no text leaves the window or the
panel it is drawn in, none overlaps another or a widget, and text is drawn at the window's
own pixel size (sharp), not scaled."""

from collections.abc import Iterator
from pathlib import Path

import pygame
import pytest

from opssim.play.driver import Phase
from opssim.play.session import Session
from opssim.render import fonts, pen
from opssim.render.end_screen import RECT as END_RECT
from opssim.render.game import Game
from opssim.render.title_screen import TitleScreen
from opssim.scenario import Scenario

#: 16:9 at its base, 4:3, and ultrawide 21:9 at a high resolution.
SIZES = [(1280, 720), (1024, 768), (2560, 1080)]


@pytest.fixture
def window(request: pytest.FixtureRequest) -> Iterator[pygame.Surface]:
    pygame.display.init()
    pygame.font.init()
    fonts.reset()
    yield pygame.display.set_mode(request.param)
    pygame.quit()
    fonts.reset()


def visible(trace: fonts.Trace) -> list[tuple[int, str, pygame.Rect, pygame.Rect]]:
    """The texts not covered by a panel drawn after them: (index, text, line box, em box)."""
    out = []
    for i, ((text, line), ink) in enumerate(zip(trace, trace.ink, strict=True)):
        if not text.strip():
            continue
        if any(n > i and box.colliderect(ink) for _name, box, n in trace.boxes):
            continue  # under the planning panel (or another panel drawn over it)
        out.append((i, text, line, ink))
    return out


def check(trace: fonts.Trace, window: pygame.Surface, widgets: list[pygame.Rect],
          scene: str, least: int = 20) -> None:
    """No text of ``trace`` (``least`` at the least, so the scene was drawn) leaves the window
    or its panel, sits under a widget, or overlaps another."""
    screen = window.get_rect()
    shown = visible(trace)
    assert len(shown) >= least, scene
    for i, text, _line, ink in shown:
        assert screen.contains(ink), f"{scene}: {text[:40]!r} at {ink} leaves the window"
        # The innermost panel drawn before the text and holding its start is its box.
        home = [box for _name, box, n in trace.boxes if n <= i and box.collidepoint(ink.topleft)]
        if home:
            box = min(home, key=lambda b: b.w * b.h)
            assert box.contains(ink), f"{scene}: {text[:40]!r} at {ink} leaves its panel {box}"
        for w in widgets:
            assert not w.colliderect(ink), f"{scene}: {text[:40]!r} at {ink} under a widget {w}"
    for a, (_i, ta, _la, ia) in enumerate(shown):
        for _j, tb, _lb, ib in shown[a + 1:]:
            assert not ia.colliderect(ib), (
                f"{scene}: {ta[:40]!r} at {ia} overlaps {tb[:40]!r} at {ib}")


def widgets_of(game: Game) -> list[pygame.Rect]:
    """The planning panel's sliders and buttons (pygame_gui draws their own text), in pixels."""
    app = game.app
    assert app is not None
    if not app.planning.visible:
        return []
    els = [*app.planning.sliders.values(), *app.planning.buttons]
    return [pen.to_px(w.rect) for w in els]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("window", SIZES, indirect=True, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_stress_scenario_fits(window: pygame.Surface, stress: Scenario, lang: str) -> None:
    game = Game(lang=lang, seed=1, size=window.get_size())
    app = game.start(stress, None)
    for _ in range(12):  # the look-ahead starts
        game.step()
    with fonts.tracing() as trace:
        game.draw(window)
    check(trace, window, widgets_of(game), f"planning {lang} {window.get_size()}")
    app.planning.start()
    app.driver.set_speed(3)
    for _ in range(30):  # into the week: counts, dots, log lines, calendar
        game.step()
    with fonts.tracing() as trace:
        game.draw(window)
    check(trace, window, [], f"running {lang} {window.get_size()}")


@pytest.mark.parametrize("window", [(1280, 720)], indirect=True)
def test_text_is_drawn_at_the_windows_pixels(window: pygame.Surface, stress: Scenario) -> None:
    """The same scene at 1280×720 and 2560×1440: every text's box is twice as tall, because
    it was rendered at twice the size rather than stretched afterwards."""
    heights = []
    for size in ((1280, 720), (2560, 1440)):
        surface = pygame.display.set_mode(size)
        game = Game(lang="en", seed=1, size=size)
        game.start(stress, None)
        with fonts.tracing() as trace:
            game.draw(surface)
        heights.append([r.h for _t, r in trace])
    assert len(heights[0]) == len(heights[1]) > 20
    ratios = [b / a for a, b in zip(*heights, strict=True)]
    assert min(ratios) > 1.8 and max(ratios) < 2.2


@pytest.mark.parametrize("window", [(1280, 720)], indirect=True)
def test_the_stress_scenarios_end_screen_fits(window: pygame.Surface, stress: Scenario) -> None:
    """The end of the stress run (its first eleven weeks played on the plan), in both
    languages: the scorecard, twelve stages and the promotion skills stay in the panel."""
    game = Game(lang="en", seed=1, size=window.get_size())
    app = game.start_session(Session.at_week(stress, None, 1, stress.weeks))
    app.planning.start()
    app.driver.set_speed(3)
    while app.driver.phase is not Phase.FINISHED:
        game.step()
        if app.incident.visible:  # the stress cards: the manager's way
            app.incident.on_choose(app.incident.model.focus)
    for lang in ("en", "zh"):
        game.set_lang(lang)
        app.popup.close()
        app.card.close()
        with fonts.tracing() as trace:
            game.draw(window)
        panel = pen.to_px(END_RECT)
        start = next(n for _name, box, n in trace.boxes if box == panel)
        mine = fonts.Trace()  # what the end screen drew, over the shaded run
        mine.extend(trace[start:])
        mine.ink.extend(trace.ink[start:])
        mine.boxes = [("end", panel, 0)]
        check(mine, window, [pen.to_px(b.rect) for b in app.end_menu.buttons], f"end {lang}")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("window", [(1280, 720)], indirect=True)
def test_the_title_screen_fits_a_stress_scenario(window: pygame.Surface, data: Path,
                                                 stress_text: str, lang: str) -> None:
    """The player's own stress scenario focused on the title screen: its 2,000-character title
    and description and its facts stay in the details panel."""
    (data / "scenarios").mkdir(parents=True)
    (data / "scenarios" / "stress.yaml").write_text(stress_text, encoding="utf-8")
    game = Game(lang=lang, seed=1, size=window.get_size())
    game.to_title()
    title = game.scene
    assert isinstance(title, TitleScreen) and title.entries[-1].scenario is not None
    title.menu.index = len(title.entries) - 1
    title.menu.move(0)
    with fonts.tracing() as trace:
        game.draw(window)
    check(trace, window, [pen.to_px(b.rect) for b in title.menu.buttons], f"title {lang}",
          least=15)
