"""The KPI definition on its own: which reviews check it, which hours count, the goal, the
value, and the one figure a run reports."""

from types import SimpleNamespace

import pytest

from opssim.model.kpi import HOURS_PER_WEEK as H
from opssim.model.kpi import Kpi


def target(**fields: object) -> SimpleNamespace:
    base = {"kpi": "k", "stage": "s", "per_week": None, "total_by_end": None, "from_week": 1,
            "to_week": None, "price": None}
    return SimpleNamespace(**{**base, **fields})


def test_a_weekly_kpi_is_checked_at_the_reviews_in_its_window() -> None:
    k = Kpi.of(target(per_week=100.0, from_week=3, to_week=6), weeks=10)
    assert k.review_weeks(10, 1) == [3, 4, 5, 6]
    assert k.review_weeks(10, 2) == [4, 6]
    # The whole review period counts: the week-4 review of a two-week rhythm covers week 3
    # and 4, and its goal is two weeks' worth.
    assert k.counted(2 * H, 4 * H) == (2 * H, 4 * H)
    assert k.goal(2 * H, 4 * H) == 200.0


def test_from_week_with_reviews_every_two_weeks_counts_the_first_week_too() -> None:
    """As the docs say: from_week 2 with reviews every two weeks, the week-2 review counts
    weeks 1 and 2."""
    k = Kpi.of(target(per_week=10.0, from_week=2), weeks=4)
    assert k.review_weeks(4, 2) == [2, 4]
    assert k.counted(0, 2 * H) == (0, 2 * H)


def test_a_total_counts_its_window_and_is_checked_once_at_or_after_its_end() -> None:
    k = Kpi.of(target(total_by_end=500.0, from_week=3, to_week=5), weeks=12)
    assert k.review_weeks(12, 1) == [5]
    assert k.review_weeks(12, 2) == [6]  # no review in week 5: the next one checks it
    assert k.review_weeks(12, 4) == [8]
    assert k.counted(4 * H, 6 * H) == (2 * H, 5 * H)  # weeks 3-5, not week 6
    assert k.counted(0, 1 * H) == (2 * H, 2 * H)  # before the window: nothing yet
    assert k.goal(*k.counted(4 * H, 6 * H)) == 500.0


def test_by_default_a_total_is_the_whole_run_checked_at_the_end() -> None:
    k = Kpi.of(target(total_by_end=50.0), weeks=12)
    assert (k.from_week, k.to_week) == (1, 12)
    assert k.review_weeks(12, 4) == [12]
    assert k.counted(8 * H, 12 * H) == (0, 12 * H)


def test_a_price_makes_it_revenue_and_no_price_keeps_whole_users() -> None:
    users = Kpi.of(target(per_week=5.0), weeks=4)
    assert users.value(7) == 7 and isinstance(users.value(7), int) and not users.revenue
    revenue = Kpi.of(target(per_week=500.0, price=29.5), weeks=4)
    assert revenue.value(7) == pytest.approx(206.5) and revenue.revenue


def test_the_figure_is_the_mean_over_the_window_or_the_total_at_its_end() -> None:
    series = [10, 20, 30, 40, 50, 60]
    weekly = Kpi.of(target(per_week=1.0, from_week=2, to_week=4), weeks=6)
    assert weekly.figure(series) == pytest.approx((20 + 30 + 40) / 3)
    assert Kpi.of(target(per_week=1.0, from_week=2), weeks=6).figure(series) == 40.0
    total = Kpi.of(target(total_by_end=1.0, from_week=2, to_week=4), weeks=6)
    assert total.figure(series) == 40.0  # the window's value as of its last week
    assert total.figure([5]) is None  # fired before the window began
    assert weekly.figure([]) is None


def test_week_span_is_the_week_or_the_window_so_far() -> None:
    weekly = Kpi.of(target(per_week=1.0), weeks=6)
    assert weekly.week_span(3) == (2 * H, 3 * H)
    total = Kpi.of(target(total_by_end=1.0, from_week=2, to_week=4), weeks=6)
    assert total.week_span(3) == (H, 3 * H)
    assert total.week_span(6) == (H, 4 * H)


def test_to_week_past_the_end_is_the_end() -> None:
    assert Kpi.of(target(per_week=1.0, to_week=30), weeks=8).to_week == 8


def test_describe_names_window_goal_and_price() -> None:
    k = Kpi.of(target(kpi="rev", stage="paying", total_by_end=20000.0, price=29.0,
                      from_week=5, to_week=8), weeks=12)
    assert k.describe() == ("rev = revenue from new users reaching paying (at 29.00 each), "
                            "weeks 5-8 (target 20,000)")
    assert Kpi.of(target(kpi="s", per_week=1150.0, from_week=2), weeks=12).label == "s/wk"
