"""Sessions: a run new, played on the plan up to a week, saved and loaded (restored once), and
replayed on an edited scenario (hot reload) — all through sim.record, no pygame."""

from pathlib import Path

import pytest

import opssim.play.session as session_module
from opssim.scenario import Scenario, parse_scenario
from opssim.sim import HOURS_PER_WEEK, Engine
from opssim.sim.record import Recording, RecordingError, state_checksum, weeks_of

pytestmark = pytest.mark.usefixtures("data")
Session = session_module.Session


def test_at_week_plays_the_plan_up_to_that_week(small: Scenario, small_text: str) -> None:
    s = Session.at_week(small, None, 3, 3)
    assert s.weeks_played == 2 and s.engine.now == 2 * HOURS_PER_WEEK
    plan = (small.plan_hours(),) * 2
    expected = [state_checksum(e) for _, e in weeks_of(small, 3, plan)]
    assert s.checksums == expected
    assert Session.at_week(small, None, 3, 1).engine.now == 0
    with pytest.raises(ValueError, match="not in the scenario"):
        Session.at_week(small, None, 3, small.weeks + 1)


def test_save_then_load_restores_once(small: Scenario, small_text: str, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(small_text, encoding="utf-8")
    s = Session.at_week(small, path, 5, 3)
    saved = s.save()
    calls = []
    real = session_module.restore
    monkeypatch.setattr(session_module, "restore",
                        lambda sc, rec: calls.append(1) or real(sc, rec))
    back = Session.load(saved)
    assert calls == [1]  # one replay of the save, not two
    assert back.checksums == s.checksums and back.path == path
    assert back.engine.now == s.engine.now and back.seed == 5
    assert state_checksum(back.engine) == state_checksum(s.engine)


def test_a_bad_save_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    with pytest.raises(RecordingError) as exc:
        Session.load(bad)
    assert "\n" not in str(exc.value)


def test_reload_replays_the_hours_on_the_edited_scenario(small: Scenario,
                                                          small_text: str) -> None:
    s = Session.at_week(small, None, 2, 3)
    edited = parse_scenario(small_text.replace("per_week: 2000", "per_week: 2500"), "<edit>")
    new, problem = s.reloaded(edited)
    assert problem is None and new.weeks_played == 2 and new.scenario is edited
    plan = (small.plan_hours(),) * 2
    assert new.checksums == [state_checksum(e) for _, e in weeks_of(edited, 2, plan)]
    assert new.checksums != s.checksums  # more arrivals: another run


def test_reload_that_no_longer_fits_restarts_with_the_reason(small: Scenario,
                                                             small_text: str) -> None:
    s = Session.at_week(small, None, 2, 4)
    shorter = parse_scenario(small_text.replace("weeks: 4", "weeks: 2"), "<edit>")
    new, problem = s.reloaded(shorter)
    assert problem == "3 weeks played, the scenario now has 2"
    assert new.weeks_played == 0 and new.seed == 2 and new.engine.now == 0


def test_recording_matches_a_headless_run(small: Scenario) -> None:
    s = Session.at_week(small, None, 9, 2)
    rec = s.recording()
    assert isinstance(rec, Recording) and rec.weeks == 1 and rec.seed == 9
    e = Engine(small, seed=9)
    e.set_allocation(small.plan_hours())
    e.advance_to(HOURS_PER_WEEK)
    assert rec.checksums == (state_checksum(e),)
