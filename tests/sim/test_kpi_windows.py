"""The engine's reviews follow the KPI definition: a weekly target's window (``from_week`` to
``to_week``), a total over a window checked once, a revenue target (users times a price),
each against counts taken straight from the funnel."""

import pytest

from opssim.batch.policy import parse_policy
from opssim.batch.run import run_engine
from opssim.model.records import Review
from opssim.scenario import parse_scenario
from opssim.sim import HOURS_PER_WEEK as H

TARGETS = """\
    - {kpi: signups, stage: signup, per_week: 1150, from_week: 2, to_week: 6}
    - {kpi: launch, stage: paying, total_by_end: 300, from_week: 3, to_week: 8}
    - {kpi: revenue, stage: paying, per_week: 1000, price: 29.5}
"""


@pytest.fixture(scope="module")
def played(starter_text: str):
    old = starter_text[starter_text.index("  targets:\n") + len("  targets:\n"):
                       starter_text.index("\nblame:")]
    # No reputation lost: the run goes to the end, so every review is there to look at.
    text = starter_text.replace(old, TARGETS).replace("lose_per_shortfall_pct: 0.5",
                                                      "lose_per_shortfall_pct: 0")
    sc = parse_scenario(text, "windows.yaml")
    engine = run_engine(sc, 3, parse_policy("plan", sc))
    reviews = {r.week: {k.kpi: k for k in r.results} for r in engine.events
               if isinstance(r, Review)}
    return engine, reviews


def test_a_weekly_target_is_checked_only_inside_its_window(played) -> None:
    engine, reviews = played
    checked = [w for w, results in reviews.items() if "signups" in results]
    assert checked == [2, 3, 4, 5, 6]
    for w in checked:
        r = reviews[w]["signups"]
        assert r.actual == engine.entered("signup", (w - 1) * H, w * H)
        assert r.target == 1150


def test_a_total_over_a_window_counts_those_weeks_once_at_its_end(played) -> None:
    engine, reviews = played
    assert [w for w, results in reviews.items() if "launch" in results] == [8]
    assert reviews[8]["launch"].actual == engine.entered("paying", 2 * H, 8 * H)
    assert 0 < reviews[8]["launch"].actual < engine.entered("paying", 0, 8 * H)


def test_a_revenue_target_is_users_times_the_price(played) -> None:
    engine, reviews = played
    assert len(reviews) == engine.scenario.weeks
    for w, results in reviews.items():
        r = results["revenue"]
        assert r.actual == pytest.approx(29.5 * engine.entered("paying", (w - 1) * H, w * H))
        assert r.hit == (r.actual >= 1000)
    assert any(results["revenue"].actual > 0 for results in reviews.values())
