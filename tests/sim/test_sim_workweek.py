"""The working week: a week's hours laid out in blocks on the clock."""

import pytest

from opssim.scenario.schema import Workweek
from opssim.sim.workweek import Block, after, coverage, finishing, layout, on_day, worked


def test_hours_fall_on_weekdays_from_nine_in_duty_order() -> None:
    blocks = layout({"copy": 10, "support": 20, "ground": 0}, week=1, pattern=Workweek())
    assert [b.duty for b in blocks[:2]] == ["copy", "support"]
    monday = 168 + 9.0
    assert blocks[0] == Block("copy", monday, monday + 2.0)
    assert blocks[1] == Block("support", monday + 2.0, monday + 6.0)
    assert len(blocks) == 10 and worked(blocks) == pytest.approx(30.0)
    assert all(b.start % 24 >= 9 and (b.start // 24) % 7 < 5 for b in blocks)
    assert "ground" not in {b.duty for b in blocks}


def test_overtime_runs_into_the_evening_and_other_patterns() -> None:
    long_days = layout({"copy": 55}, week=0, pattern=Workweek())
    assert long_days[0] == Block("copy", 9.0, 20.0)  # 11 h a day: until eight
    weekend = layout({"events": 14}, week=0, pattern=Workweek(days=7, start_hour=10))
    assert len(weekend) == 7 and weekend[6].start == 6 * 24 + 10


def test_blocks_of_a_day() -> None:
    blocks = layout({"copy": 10, "support": 10}, week=0, pattern=Workweek())
    tuesday = on_day(blocks, 1)
    assert set(tuesday) == {"copy", "support"}
    assert tuesday["copy"] == [Block("copy", 33.0, 35.0)]
    assert on_day(blocks, 5) == {}  # Saturday


def test_units_finish_at_the_hour_their_work_is_done() -> None:
    blocks = [Block("copy", 9.0, 11.0), Block("copy", 33.0, 35.0)]
    done, progress = finishing(1.0, blocks, 3.0)
    assert done == [11.0] and progress == pytest.approx(2.0)
    done, progress = finishing(0.0, [Block("copy", 9.0, 16.0)], 3.0)
    assert done == [12.0, 15.0] and progress == pytest.approx(1.0)


def test_coverage_and_skipping() -> None:
    blocks = [Block("ground", 9.5, 11.25)]
    assert coverage(blocks, 0, 24) == [(9, 0.5), (10, 1.0), (11, 0.25)]
    assert coverage(blocks, 10, 11) == [(10, 1.0)]
    assert after(blocks, 1.0) == [Block("ground", 10.5, 11.25)]
    assert after(blocks, 5.0) == []
