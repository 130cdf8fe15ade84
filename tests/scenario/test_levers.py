"""The cause-and-effect map: which stages each duty of a scenario moves."""

from opssim.scenario import Scenario
from opssim.scenario.levers import levers, reach


def test_starter_levers(starter: Scenario) -> None:
    lv = levers(starter)
    assert set(lv) == set(starter.duties.present())
    assert (lv["copy"].enters, lv["copy"].lifts, lv["copy"].channel) == (("aware",), ("signup",),
                                                                         "copy")
    assert lv["copy"].lasts_weeks == 3
    assert (lv["events"].enters, lv["events"].lifts) == (("visit",), ("active",))
    assert lv["support"].keeps == ("signup", "paying")
    assert (lv["ground"].enters, lv["ground"].channel) == (("visit",), "ground")
    assert lv["partners"].enters == ("aware",) and lv["partners"].lasts_weeks == 4
    assert lv["analysis"].direct == ()
    assert lv["research"].via == ("copy", "events")
    assert lv["coordination"].via == ("copy", "events", "analysis")  # they wait on departments


def test_reach_follows_the_duties_strengthened(starter: Scenario) -> None:
    assert reach(starter, "copy") == ("aware", "signup")
    assert reach(starter, "research") == ("aware", "visit", "signup", "active")
    assert reach(starter, "analysis") == ()
    assert reach(starter, "support") == ("signup", "paying")


def test_small_scenario_without_optional_duties(small: Scenario) -> None:
    lv = levers(small)
    assert set(lv) == {"copy", "events", "support", "ground"}
    assert lv["copy"].enters == () and lv["copy"].channel is None  # no reach in this one
    assert lv["copy"].lifts == ("signup",)
