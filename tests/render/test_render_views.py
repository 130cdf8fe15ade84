"""Views: blame in words, the end screen, the ticker, and text the bundled font can draw."""

import pygame
import pygame.freetype
import pytest

from opssim.model.records import BlameEvent
from opssim.play.driver import Phase
from opssim.render import App
from opssim.render.blame_popup import blame_sentence
from opssim.render.fonts import FONT_PATH
from opssim.render.strings import STRINGS
from opssim.scenario import Scenario


def test_every_string_has_english_and_chinese() -> None:
    for key, entry in STRINGS.items():
        assert entry.get("en") and entry.get("zh"), key


def test_no_key_is_in_two_parts_of_the_table() -> None:
    from opssim.render.strings_blame import BLAME
    from opssim.render.strings_run import RUN
    from opssim.render.strings_shell import SHELL

    assert len(STRINGS) == len(RUN) + len(BLAME) + len(SHELL)


def test_bundled_font_and_licence_ship() -> None:
    assert FONT_PATH.is_file()
    assert FONT_PATH.stat().st_size < 3_200_000
    assert "SIL OPEN FONT LICENSE" in (FONT_PATH.parent / "OFL.txt").read_text(encoding="utf-8")


def test_font_has_every_glyph_the_window_draws(shipped: Scenario) -> None:
    pygame.freetype.init()
    font = pygame.freetype.Font(FONT_PATH, 14)
    texts = [v for entry in STRINGS.values() for v in entry.values()]
    texts.append("…●")  # ellipsis for text cut short, the dot of a calendar badge
    sc = shipped
    for text in (sc.title, sc.description, *(s.label for s in sc.funnel.stages),
                 *(d.label for d in sc.departments.values()), *(h.label for h in sc.calendar)):
        if text is not None:
            texts += [text.en, text.zh or ""]
    missing = {ch for t in texts for ch, m in zip(t, font.get_metrics(t), strict=True)
               if m is None and not ch.isspace()}
    assert not missing


def test_blame_sentence_says_what_who_and_how_much() -> None:
    b = BlameEvent(336, 2, "signups", 1300.0, 1052, "specialist", -9.538462)
    en = blame_sentence(b, "Signed up", "en")
    for part in ("Signed up", "1,052", "1,300", "19% short", "blames you", "−9.5"):  # not re-run
        assert part in en
    zh = blame_sentence(b, "注册", "zh")
    assert "1,052" in zh and "1,300" in zh and "老板" in zh and "−9.5" in zh


def test_blame_popup_shows_at_a_missed_review_and_closes(starter: Scenario,
                                                        screen: pygame.Surface) -> None:
    app = App(starter, seed=11, lang="en", auto=False)
    app.driver.set_speed(3)
    enter = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0, unicode="\r",
                               scancode=0)
    while not app.popup.visible and app.driver.phase is not Phase.FINISHED:
        if app.planning.visible or app.incident.visible:
            app.handle(enter)
        app.step()
    if not app.popup.visible:
        pytest.skip("this seed missed no target")
    assert app.driver.phase is not Phase.RUNNING or app.engine.finished
    app.draw(screen)
    app.handle(enter)  # the first Enter closes the popup, not the planning panel
    assert not app.popup.visible
    assert app.planning.visible or app.engine.finished


def test_end_screen_after_the_last_week(starter: Scenario, screen: pygame.Surface) -> None:
    app = App(starter, seed=4, lang="zh", auto=True)
    app.driver.set_speed(3)
    while app.driver.phase is not Phase.FINISHED:
        app.step()
    app.draw(screen)
    assert app.snap.outcome in ("promoted", "kept", "fired")
    assert len(app.reputation) == len(app.reviews) + 1
    assert app.ticker.lines


def test_the_title_names_windows_and_revenue_targets(starter: Scenario) -> None:
    from opssim.render.title_screen import target_facts

    data = starter.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["reviews"]["targets"] = [
        {"kpi": "festival", "stage": "paying", "total_by_end": 900, "from_week": 6,
         "to_week": 7},
        {"kpi": "revenue", "stage": "paying", "per_week": 6000, "price": 29},
        {"kpi": "paying", "stage": "paying", "total_by_end": 700},
    ]
    sc = Scenario.model_validate(data)
    assert target_facts(sc, "en") == ["Paying: 900 in weeks 6-7",
                                      "revenue from Paying: 6,000 a week",
                                      "Paying: 700 by the end"]
    assert target_facts(sc, "zh")[1] == "付费收入：每周 6,000"


def test_end_screen_adds_up_the_recorded_parts() -> None:
    from opssim.render.end_screen import blame_line

    def miss(plan: float, luck: float, execution: float) -> BlameEvent:
        return BlameEvent(336, 2, "signups", 1000.0, int(1000 - plan - luck - execution),
                          "shared", -2.0, parts=(("plan", plan, plan - 5, plan + 5),
                                                 ("luck", luck, luck - 5, luck + 5),
                                                 ("execution", execution, execution,
                                                  execution)))

    line = blame_line(2, [miss(100, -30, 10), miss(50, 20, 0)], "en")
    assert line == ("Blame verdicts: 2 (misses from the plan +150, luck −10, your hours +10)")
    assert blame_line(1, [BlameEvent(336, 2, "signups", 1000.0, 900, "shared", -2.0)],
                      "en") == "Blame verdicts: 1"
    assert "计划 +150" in blame_line(2, [miss(100, -30, 10), miss(50, 20, 0)], "zh")
