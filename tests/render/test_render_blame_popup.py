"""The blame popup: the split as a bar, the numbers, the verdict, one sentence per miss."""

from dataclasses import replace

import pygame
import pytest

from opssim.model.records import BlameEvent
from opssim.render.blame_popup import (
    CAUSE_COLOUR,
    CAUSES,
    BlamePopup,
    blame_sentence,
    dominant_cause,
    percentages,
)
from opssim.render.calendar import Calendar
from opssim.render.palette import SIZE
from opssim.render.text import tr
from opssim.render.ticker import Ticker
from opssim.scenario import Scenario
from opssim.sim import HOURS_PER_WEEK

LABELS = {"signups": "Signed up", "paying": "Paying customers"}
LABELS_ZH = {"signups": "注册", "paying": "付费用户"}


def blame(verdict: str, split: tuple[float, float, float], *, evidence: float = 0.0,
          contested: bool = False, kpi: str = "signups", delta: float = -5.0) -> BlameEvent:
    """A miss of 1,300 at 1,052: the plan with the same luck reached 1,210 (1,250 on average)."""
    return BlameEvent(
        336, 2, kpi, 1300.0, 1052, verdict, delta,
        plan_counterfactual=1210.0, execution_counterfactual=1052.0, expected=1250.0,
        split=tuple(zip(CAUSES, split, strict=True)), evidence=evidence, contested=contested,
    )


#: One event per verdict, each with the split that leads to it.
VERDICTS = {
    "specialist": blame("specialist", (0.1, 0.8, 0.1), delta=-9.5),
    "shared": blame("shared", (0.4, 0.3, 0.3), evidence=12.0, contested=True, delta=-4.8),
    "plan": blame("plan", (0.75, 0.15, 0.1), evidence=14.0, contested=True, delta=-0.7),
    "cleared": blame("cleared", (0.1, 0.2, 0.7), evidence=11.0, contested=True, delta=0.0),
}


def popup(lang: str, blames: list[BlameEvent]) -> BlamePopup:
    p = BlamePopup(lang, LABELS if lang == "en" else LABELS_ZH, 70.0)
    p.show(blames, 42.0, auto=False)
    return p


def fits(p: BlamePopup) -> None:
    screen = pygame.Rect((0, 0), SIZE)
    assert screen.contains(p.rect)
    assert p.drawn
    outside = [r for r in p.drawn if not p.rect.contains(r)]
    assert not outside, outside


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("verdict", list(VERDICTS))
def test_popup_renders_each_verdict_with_its_split(screen: pygame.Surface, lang: str,
                                                   verdict: str) -> None:
    p = popup(lang, [VERDICTS[verdict]])
    screen.fill((0, 0, 0))
    p.draw(screen)
    fits(p)
    # the bar is drawn in all three cause colours, wide in proportion to the split
    row = p.rect.y + 84 + 27 + 9
    colours = {tuple(screen.get_at((x, row)))[:3] for x in range(p.rect.x + 24, p.rect.right - 24)}
    for cause in CAUSES:
        assert CAUSE_COLOUR[cause] in colours, cause


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_text_fits_the_popup_with_several_misses(screen: pygame.Surface, lang: str) -> None:
    many = [blame(v, s, kpi=k) for k in ("signups", "paying")
            for v, s in (("specialist", (0.1, 0.8, 0.1)), ("plan", (0.8, 0.1, 0.1)))]
    p = popup(lang, many)
    p.draw(screen)
    fits(p)
    assert p.rect.h <= SIZE[1]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_labels_carry_the_percentages(lang: str) -> None:
    b = VERDICTS["plan"]
    assert percentages(b) == {"plan": 75, "execution": 15, "luck": 10}
    thirds = blame("shared", (1 / 3, 1 / 3, 1 / 3))
    assert sum(percentages(thirds).values()) == 100
    text = tr("cause_pct", lang, cause=tr("cause_plan", lang), pct=75)
    assert "75%" in text


@pytest.mark.parametrize(("verdict", "cause", "words"), [
    ("specialist", "execution", "your hours"),
    ("plan", "plan", "The plan itself fell short"),
    ("cleared", "luck", "Bad luck"),
])
def test_sentence_follows_the_dominant_cause(verdict: str, cause: str, words: str) -> None:
    b = VERDICTS[verdict]
    assert dominant_cause(b) == cause
    en = blame_sentence(b, "Signed up", "en")
    assert words in en
    others = {"execution": "your hours", "plan": "The plan itself", "luck": "Bad luck"}
    for other, w in others.items():
        if other != cause:
            assert w not in en
    zh = blame_sentence(b, "注册", "zh")
    assert {"execution": "工时", "plan": "计划本身", "luck": "运气不好"}[cause] in zh


def test_sentence_numbers_match_the_examples() -> None:
    plan = blame("plan", (0.7, 0.2, 0.1), evidence=14.0, contested=True, delta=-0.7)
    plan = replace(plan, plan_counterfactual=1020.0)
    assert blame_sentence(plan, "Signed up", "en") == (
        "The plan itself fell short: with the same luck it would have reached 1,020 of 1,300. "
        "You had 14 evidence points and contested — verdict: the plan. Reputation −0.7.")
    you = blame("specialist", (0.1, 0.8, 0.1), delta=-7.1)
    assert blame_sentence(you, "Signed up", "en") == (
        "The plan would have hit 1,210 with the same luck; your hours reached 1,052. "
        "No evidence to contest — the boss blames you: −7.1.")
    luck = blame("cleared", (0.1, 0.1, 0.8), evidence=12.0, contested=True, delta=0.0)
    assert blame_sentence(luck, "Signed up", "en").startswith(
        "Bad luck: on average the plan reaches 1,250, but with this period's luck it too "
        "would have reached only 1,210.")


def test_evidence_is_named_whether_used_or_not() -> None:
    short = blame("shared", (0.5, 0.3, 0.2), evidence=4.0, delta=-4.0)
    assert "Only 4 evidence points (10 needed to contest)" in blame_sentence(short, "x", "en")
    assert "shares the blame" in blame_sentence(short, "x", "en")
    kept = blame("specialist", (0.1, 0.8, 0.1), evidence=15.0, delta=-9.0)
    assert "did not contest" in blame_sentence(kept, "x", "en")
    used = VERDICTS["cleared"]
    assert "contested — verdict: cleared" in blame_sentence(used, "x", "en")


def test_ticker_week_boundary_reads_as_the_next_week(starter: Scenario) -> None:
    t = Ticker(starter, "en", LABELS, Calendar(starter, "en"))
    assert t._stamp(4 * HOURS_PER_WEEK) == "W5 D1 00:00"
    assert t._stamp(4 * HOURS_PER_WEEK - 1) == "W4 D7 23:00"
    assert t._stamp(0) == "W1 D1 00:00"
    line = t.describe(VERDICTS["plan"])
    assert line is not None and "verdict the plan" in line[0] and "Blamed" not in line[0]
