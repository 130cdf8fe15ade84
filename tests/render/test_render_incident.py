"""The incident card in the window: the run stops at a card, the player answers with the number
keys, the arrows and Enter, or a click; a scripted bot plays a run with cards to its end and
lands exactly where the same bot lands headless; the card is drawn inside its panel in English
and Chinese."""

import pygame
import pytest

from opssim.play.driver import Phase
from opssim.render import fonts
from opssim.render.app import App
from opssim.scenario import Scenario
from opssim.scenario.schema import Incident
from opssim.sim import HOURS_PER_WEEK, Engine, Snapshot
from opssim.sim.record import state_checksum


def key(k: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0)


def to_card(app: App, limit: int = 5000) -> None:
    """Step (starting each week on the plan, at the fastest speed) until a card is up."""
    app.driver.set_speed(3)
    app.planning.model.engine = None  # no look-ahead while planning (not what is tested)
    for _ in range(limit):
        if app.driver.phase is Phase.PLANNING:
            app.driver.start_week(app.scenario.plan_hours())
        app.step()
        if app.incident.visible:
            return
        assert app.driver.phase is not Phase.FINISHED
    raise AssertionError("no card came up")


def test_the_player_answers_with_keys_and_clicks(with_incidents: Scenario,
                                                 screen: pygame.Surface) -> None:
    app = App(with_incidents, seed=2, lang="en", auto=False)
    to_card(app)
    hour = app.engine.now
    for _ in range(5):  # the run waits: frames pass, the clock does not
        app.step()
    assert app.engine.now == hour and app.driver.waiting is not None
    assert app.modal
    app.draw(screen)
    assert app.handle(key(pygame.K_2))  # the second choice
    assert not app.incident.visible and app.driver.waiting is None
    assert app.engine.incidents.history[-1][0] == hour
    card = next(c for c in with_incidents.incidents
                if c.id == app.engine.incidents.history[-1][1])
    assert app.engine.incidents.history[-1][2] == card.choices[1].id

    to_card(app)
    app.draw(screen)
    first = app.incident.rows[0]  # units are pixels at 1280×720
    app.handle(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=first.center))
    card = next(c for c in with_incidents.incidents
                if c.id == app.engine.incidents.history[-1][1])
    assert app.engine.incidents.history[-1][2] == card.choices[0].id

    to_card(app)
    card = app.driver.waiting
    assert card is not None
    start = app.incident.model.focus
    assert start == card.default_index  # the focus starts on the default
    app.handle(key(pygame.K_DOWN))
    app.handle(key(pygame.K_RETURN))
    want = card.choices[(start + 1) % len(card.choices)].id
    assert app.engine.incidents.history[-1][2] == want


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("which", ["starter", "stress"])
def test_the_card_is_drawn_inside_its_panel(request: pytest.FixtureRequest,
                                            screen: pygame.Surface, which: str,
                                            lang: str) -> None:
    """The starter's cards, and cards whose every text is 2,000 characters long with every
    effect on each of four choices: all inside the card, the card inside the window."""
    scenario = request.getfixturevalue(which)
    app = App(scenario, seed=0, lang=lang, auto=False)
    to_card(app)
    with fonts.tracing() as drawn:
        app.incident.draw(screen)
    card = app.driver.waiting
    assert card is not None
    texts = [t for t, _ in drawn]
    if which == "starter":  # whole; the stress card's are cut to fit
        assert card.title.get(lang) in texts
        assert all(c.label.get(lang) in " ".join(texts) for c in card.choices)
    panel = app.incident.rect
    assert all(panel.contains(r) for _, r in drawn), [t for t, r in drawn
                                                     if not panel.contains(r)]
    assert screen.get_rect().contains(panel)
    if which == "stress":
        return
    if lang == "zh":
        assert any("疲劳" in t or "本周" in t or "声誉" in t for t in texts)


def test_a_bot_plays_a_run_with_cards_to_the_end_in_the_window(
        with_incidents: Scenario, screen: pygame.Surface) -> None:
    """A scripted run whose bot answers the cards (the last choice when the week is odd):
    every card is shown, answered by the bot, and the run ends exactly as headless."""

    def choose(card: Incident, snap: Snapshot) -> int:
        return len(card.choices) - 1 if snap.week % 2 else 0

    def decide(snap: Snapshot) -> dict[str, float]:
        return with_incidents.plan_hours()

    decide.choose = choose  # type: ignore[attr-defined]
    app = App(with_incidents, seed=4, lang="zh", auto=True, decide=decide)
    app.driver.set_speed(3)
    app.driver.hold_frames = app.driver.card_frames = 3  # brief pauses: the test is short
    app.planning.model.engine = None  # no look-ahead while planning (not what is tested)
    shown = 0
    for _ in range(20_000):
        report = app.step()
        shown += report.incident
        if report.finished:
            break
    assert app.driver.phase is Phase.FINISHED and app.engine.finished
    assert shown == len(app.engine.incidents.history) >= 3

    headless = Engine(with_incidents, seed=4)
    headless.incidents.chooser = lambda card, e: choose(card, e.snapshot())
    sums = []
    for w in range(with_incidents.weeks):
        headless.set_allocation(with_incidents.plan_hours())
        headless.advance_to((w + 1) * HOURS_PER_WEEK)
        sums.append(state_checksum(headless))
    assert headless.incidents.history == app.engine.incidents.history
    assert sums == app.driver.checksums
