"""The blame popup: the signed parts as bars around zero with their intervals, the numbers,
the verdict, and one sentence per miss that stays true."""

import pygame
import pytest

from opssim.model.records import BlameEvent
from opssim.render.blame_popup import (
    CAUSE_COLOUR,
    CAUSES,
    BlamePopup,
    blame_sentence,
    part_clause,
)
from opssim.render.calendar import Calendar
from opssim.render.palette import SIZE
from opssim.render.ticker import Ticker
from opssim.scenario import Scenario
from opssim.sim import HOURS_PER_WEEK

LABELS = {"signups": "Signed up", "paying": "Paying customers"}
LABELS_ZH = {"signups": "注册", "paying": "付费用户"}


def blame(verdict: str, expected: float, same: float, margin: float, *,
          evidence: float = 0.0, contested: bool = False, kpi: str = "signups",
          delta: float = -5.0) -> BlameEvent:
    """A miss of 1,300 at 1,052: the plan reaches ``expected`` on average (give or take
    ``margin``) and ``same`` with this period's luck."""
    target, actual = 1300.0, 1052
    values = {"plan": target - expected, "luck": expected - same, "execution": same - actual}
    parts = tuple((c, v, v - (0 if c == "execution" else margin),
                   v + (0 if c == "execution" else margin)) for c, v in values.items())
    short = target - actual
    return BlameEvent(
        336, 2, kpi, target, actual, verdict, delta,
        plan_counterfactual=same, execution_counterfactual=float(actual), expected=expected,
        split=tuple((c, v / short) for c, v in values.items()), evidence=evidence,
        contested=contested, parts=parts, luck_runs=8,
    )


#: One event per verdict, each with parts that lead to it.
VERDICTS = {
    "specialist": blame("specialist", 1310, 1290, 20, delta=-9.5),  # hours cost 238
    "shared": blame("shared", 1200, 1150, 20, evidence=12.0, contested=True, delta=-4.8),
    "plan": blame("plan", 1060, 1050, 15, evidence=14.0, contested=True, delta=-0.7),
    "cleared": blame("cleared", 1320, 1060, 15, evidence=11.0, contested=True, delta=0.0),
    "inconclusive": blame("inconclusive", 1250, 1052, 260, evidence=11.0, contested=True,
                          delta=-4.8),
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
def test_popup_renders_each_verdict_with_its_signed_bars(screen: pygame.Surface, lang: str,
                                                         verdict: str) -> None:
    b = VERDICTS[verdict]
    p = popup(lang, [b])
    screen.fill((0, 0, 0))
    p.draw(screen)
    fits(p)
    # each non-zero part is a bar in its cause's colour, right of zero when it cost the
    # player and left of it when it helped
    colours = {}
    for y in range(p.rect.y + 84 + 27 + 18, p.rect.y + 84 + 27 + 18 + 20 * len(CAUSES)):
        for x in range(p.rect.x + 24, p.rect.right - 24):
            colours.setdefault(tuple(screen.get_at((x, y)))[:3], []).append(x)
    zero = p.rect.x + 24 + (104 + 592 - 92) // 2
    for cause in CAUSES:
        value = b.part(cause)[0]
        if abs(value) < 3:
            continue
        xs = colours.get(CAUSE_COLOUR[cause], [])
        assert xs, cause
        assert (min(xs) >= zero - 2) if value > 0 else (max(xs) <= zero + 2), (cause, value)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_text_fits_the_popup_with_several_misses(screen: pygame.Surface, lang: str) -> None:
    many = [VERDICTS[v] for v in ("specialist", "plan", "inconclusive", "cleared")]
    p = popup(lang, many)
    p.draw(screen)
    fits(p)
    assert p.rect.h <= SIZE[1]


@pytest.mark.parametrize(("part", "words"), [
    (("plan", (100.0, 80.0, 120.0)), "the plan falls short by 100 (±20) on average"),
    (("plan", (-31.0, -50.0, -12.0)), "the plan beats the target by 31 (±19) on average"),
    (("plan", (10.0, -10.0, 30.0)), "cannot be told (10 ±20)"),
    (("luck", (40.0, 20.0, 60.0)), "bad luck cost 40 (±20)"),
    (("luck", (-31.0, -50.0, -12.0)), "luck helped you by 31 (±19)"),
    (("luck", (-5.0, -25.0, 15.0)), "luck cannot be told from none (−5 ±20)"),
    (("execution", (40.0, 40.0, 40.0)), "the plan would have reached 40 more than your hours"),
    (("execution", (-40.0, -40.0, -40.0)), "your hours beat the plan by 40"),
    (("execution", (0.0, 0.0, 0.0)), "the plan would have reached the same"),
])
def test_a_part_names_its_sign_only_when_its_interval_has_it(part, words: str) -> None:
    cause, values = part
    assert words in part_clause(cause, values, "en")
    assert part_clause(cause, values, "zh")


def test_sentence_numbers_match_an_example() -> None:
    b = VERDICTS["cleared"]
    assert blame_sentence(b, "Signed up", "en") == (
        "Missed by 248: the plan beats the target by 20 (±15) on average; bad luck cost 260 "
        "(±15); with the same luck the plan would have reached 8 more than your hours. "
        "You had 11 evidence points and contested — verdict: cleared: bad luck. Reputation +0.0.")
    zh = blame_sentence(b, "注册", "zh")
    assert "差了 248" in zh and "坏运气拖累了 260" in zh


def test_the_sentence_never_names_a_sign_the_evidence_cannot_tell() -> None:
    b = VERDICTS["inconclusive"]
    en = blame_sentence(b, "Signed up", "en")
    assert "cannot be told" in en and "bad luck cost" not in en and "falls short by" not in en
    assert "the evidence cannot decide — verdict: inconclusive, counted as shared" in en
    assert "按“共同承担”处理" in blame_sentence(b, "注册", "zh")


def test_evidence_is_named_whether_used_or_not() -> None:
    short = blame("shared", 1200, 1150, 20, evidence=4.0, delta=-4.0)
    assert "Only 4 evidence points (10 needed to contest)" in blame_sentence(short, "x", "en")
    assert "shares the blame" in blame_sentence(short, "x", "en")
    kept = blame("specialist", 1310, 1290, 20, evidence=15.0, delta=-9.0)
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
