"""The author's words: a duty renamed (and its hint) per scenario, in both languages, wherever
the game names it; calendar happenings as sentences whatever their labels; log stamps that
never run ahead of the clock."""

import pygame
import pytest

from opssim.model.records import Happening, TicketsLate
from opssim.render import App, fonts
from opssim.render.calendar import Calendar, start_hour
from opssim.render.text import duty_hint, duty_name
from opssim.render.ticker import Ticker
from opssim.scenario import Scenario, default_scenario_path, load_scenario, parse_scenario

BOOTHS = ("    label: {en: Trade-show booths, zh: 展会摊位}\n"
          "    hint: {en: a stand at the fair brings curious visitors,\n"
          "           zh: 展会摊位带来好奇的访客}\n")


@pytest.fixture(scope="module")
def booths(small_text: str) -> Scenario:
    """The small scenario whose ground promotion is trade-show booths."""
    text = small_text.replace("  ground:\n", "  ground:\n" + BOOTHS, 1)
    assert text != small_text
    return parse_scenario(text, "<booths>")


@pytest.mark.parametrize(("lang", "name", "hint"), [
    ("en", "Trade-show booths", "a stand at the fair brings curious visitors"),
    ("zh", "展会摊位", "展会摊位带来好奇的访客"),
])
def test_a_duty_takes_the_authors_name_everywhere(booths: Scenario, screen: pygame.Surface,
                                                  lang: str, name: str, hint: str) -> None:
    assert duty_name("ground", lang, booths) == name
    assert duty_hint("ground", lang, booths) == hint
    assert duty_name("copy", lang, booths) == duty_name("copy", lang)  # the others keep theirs
    app = App(booths, seed=0, lang=lang, auto=False)
    with fonts.tracing() as texts:
        app.draw(screen)
    drawn = [t for t, _ in texts]
    assert name in drawn and hint in drawn  # the planning row
    assert duty_name("ground", lang) not in " ".join(drawn)  # "Ground promotion" is gone


def test_a_duty_without_words_keeps_the_games(small: Scenario) -> None:
    assert duty_name("ground", "en", small) == "Ground promotion"
    assert duty_hint("ground", "zh", small) == duty_hint("ground", "zh")


@pytest.mark.parametrize(("lang", "begins", "over"), [
    ("en", "Calendar: “Where is my parcel?” begins", "Calendar: “Where is my parcel?” is over"),
    ("zh", "日程：「我的包裹在哪？」开始", "日程：「我的包裹在哪？」结束"),
])
def test_a_calendar_label_reads_as_a_sentence(starter_text: str, lang: str, begins: str,
                                              over: str) -> None:
    text = starter_text.replace("Spring holiday", "Where is my parcel?")
    sc = parse_scenario(text.replace("春假", "我的包裹在哪？"), "<q>")
    cal = Calendar(sc, lang)
    h = sc.calendar[0]
    start = cal.sentence(Happening(start_hour(h), h.kind, True))
    end = cal.sentence(Happening(start_hour(h) + int(h.hours), h.kind, False))
    assert start is not None and start[0].startswith(begins)
    assert end is not None and end[0] == over


def test_a_log_stamp_never_runs_ahead_of_the_clock(starter: Scenario) -> None:
    ticker = Ticker(starter, "en", {}, Calendar(starter, "en"))
    # The engine logs a day's late tickets at the day's end (hour 168, W2 D1 00:00) while
    # the clock stands at W1 D7 18:00.
    ticker.add([TicketsLate(168, 4, 2)], now=162)
    assert ticker.lines[-1][0] == "W1 D7 18:00"
    ticker.add([TicketsLate(200, 1, 1)])  # a restored log: the record's own time
    assert ticker.lines[-1][0] == "W2 D2 08:00"


def test_the_window_stamps_agree_with_its_clock(screen: pygame.Surface) -> None:
    """The crisis played until its late tickets (logged at day ends) show: every line's stamp
    is at or before the clock when it appeared."""
    crisis = load_scenario(default_scenario_path().parent / "crisis.yaml")
    app = App(crisis, seed=1, lang="en", auto=True)
    app.driver.set_speed(3)
    seen: set[tuple[str, str]] = set()
    late = 0
    while not late and not app.engine.finished:
        app.step()
        now = app.engine.now
        for stamp, text, _c in app.ticker.lines:
            if (stamp, text) in seen:
                continue
            seen.add((stamp, text))
            week, day, hour = _parse(stamp)
            assert (week - 1) * 168 + (day - 1) * 24 + hour <= now, (stamp, now, text)
            late += "late" in text
    assert late  # the case that used to run ahead was seen


def _parse(stamp: str) -> tuple[int, int, int]:
    w, d, t = stamp.split()
    return int(w[1:]), int(d[1:]), int(t.split(":")[0])
