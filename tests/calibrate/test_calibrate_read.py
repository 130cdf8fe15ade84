"""Readers and adapters: every export gives the same events; bad data gets one line that
says where, and what is dropped is counted."""

import json
from pathlib import Path

import numpy as np
import pytest

from opssim.calibrate import CalibrationError, tabular
from opssim.calibrate.adapters import detect, read_events
from opssim.calibrate.events import check_range
from opssim.calibrate.journeys import build
from opssim.calibrate.mapping import FunnelMap, check_names

# Five events of two users: (user, event, ISO time, µs since the epoch, channel).
ROWS = [
    ("a", "visit", "2024-03-01T10:00:00Z", 1709287200_000000, "ads"),
    ("a", "signup", "2024-03-01T12:30:00.5Z", 1709296200_500000, "ads"),
    ("b", "visit", "2024-03-02T08:00:00+00:00", 1709366400_000000, "seo"),
    ("b", "signup", "2024-03-03T08:00:00Z", 1709452800_000000, "seo"),
    ("a", "paying", "2024-03-05T00:00:00Z", 1709596800_000000, "ads"),
]


def as_set(ev) -> set[tuple[str, str, int]]:
    return {(ev.user_names[u], ev.event_names[e], int(t))
            for u, e, t in zip(ev.users, ev.events, ev.t_us, strict=True)}


EXPECTED = {(u, e, us) for u, e, _, us, _ in ROWS}


def write_canonical(path: Path, rows=ROWS) -> Path:
    lines = ["user_id,event,timestamp,channel"] + [f"{u},{e},{t},{c}" for u, e, t, _, c in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_canonical_csv_with_and_without_pyarrow(tmp_path, monkeypatch) -> None:
    path = write_canonical(tmp_path / "events.csv")
    fast = read_events(path)
    assert as_set(fast) == EXPECTED
    monkeypatch.setattr(tabular, "have_pyarrow", lambda: False)
    slow = read_events(path)
    assert as_set(slow) == EXPECTED
    assert sorted(fast.channel_names) == sorted(slow.channel_names) == ["ads", "seo"]
    assert list(slow.lines) == [2, 3, 4, 5, 6]


def test_canonical_parquet(tmp_path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    cols = list(zip(*ROWS, strict=True))
    table = pa.table({"user_id": cols[0], "event": cols[1],
                      "timestamp": pa.array(cols[3], pa.timestamp("us", "UTC")),
                      "channel": cols[4]})
    pq.write_table(table, tmp_path / "events.parquet")
    assert detect(tmp_path / "events.parquet") == "canonical"
    assert as_set(read_events(tmp_path / "events.parquet")) == EXPECTED


def test_ga4_export_as_parquet_and_json_lines(tmp_path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    cols = list(zip(*ROWS, strict=True))
    pq.write_table(pa.table({"event_date": ["x"] * 5, "event_timestamp": list(cols[3]),
                             "event_name": cols[1], "user_pseudo_id": cols[0]}),
                   tmp_path / "ga4.parquet")
    assert detect(tmp_path / "ga4.parquet") == "ga4"
    assert as_set(read_events(tmp_path / "ga4.parquet")) == EXPECTED
    with (tmp_path / "ga4.jsonl").open("w") as f:
        for u, e, _, us, c in ROWS:
            f.write(json.dumps({"event_name": e, "event_timestamp": str(us),
                                "user_pseudo_id": u, "traffic_source": {"source": c}}) + "\n")
    ev = read_events(tmp_path / "ga4.jsonl")
    assert as_set(ev) == EXPECTED and sorted(ev.channel_names) == ["ads", "seo"]


def test_mixpanel_export_deduplicates_on_insert_id(tmp_path) -> None:
    path = tmp_path / "mixpanel.json"
    with path.open("w") as f:
        for i, (u, e, _, us, c) in enumerate(ROWS):
            rec = {"event": e, "properties": {"time": us // 1_000_000 if us % 1_000_000 == 0
                                              else us / 1e6, "distinct_id": u,
                                              "$insert_id": f"id{i}", "utm_source": c}}
            f.write(json.dumps(rec) + "\n")
            if i == 1:
                f.write(json.dumps(rec) + "\n\n")  # sent twice: one event
    assert detect(path) == "mixpanel"
    ev = read_events(path)
    assert as_set(ev) == EXPECTED
    assert ev.dropped.reasons == {"rows repeating an $insert_id": 1}


def test_amplitude_export(tmp_path) -> None:
    path = tmp_path / "amplitude.jsonl"
    with path.open("w") as f:
        for u, e, iso, _, c in ROWS:
            when = iso.replace("T", " ").replace("Z", "").replace("+00:00", "")
            f.write(json.dumps({"event_type": e, "user_id": None, "device_id": u,
                                "event_time": when, "$insert_id": f"{u}{e}",
                                "user_properties": {"utm_source": c}}) + "\n")
    assert detect(path) == "amplitude"
    assert as_set(read_events(path)) == EXPECTED


def test_posthog_export(tmp_path) -> None:
    path = tmp_path / "posthog.csv"
    lines = ["uuid,event,distinct_id,timestamp,properties.utm_source"]
    lines += [f"{i},{e},{u},{t},{c}" for i, (u, e, t, _, c) in enumerate(ROWS)]
    path.write_text("\n".join(lines) + "\n")
    assert detect(path) == "posthog"
    assert as_set(read_events(path)) == EXPECTED


# -- bad data ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fast", [True, False], ids=["pyarrow", "stdlib"])
def test_an_unreadable_time_names_its_line(tmp_path, monkeypatch, fast) -> None:
    if not fast:
        monkeypatch.setattr(tabular, "have_pyarrow", lambda: False)
    rows = list(ROWS)
    rows[2] = ("b", "visit", "yesterday", 0, "seo")
    path = write_canonical(tmp_path / "events.csv", rows)
    with pytest.raises(CalibrationError, match=r"^events\.csv:4: timestamp 'yesterday' is not"):
        read_events(path)
    ev = read_events(path, drop_bad=True)
    assert len(ev) == 4
    assert ev.dropped.reasons == {"rows with an unreadable time": 1}
    assert ev.dropped.examples["rows with an unreadable time"] == "events.csv:4"


def test_a_time_out_of_range_names_its_line(tmp_path) -> None:
    rows = list(ROWS)
    rows[3] = ("b", "signup", "1970-01-01T00:00:00Z", 0, "seo")
    ev = read_events(write_canonical(tmp_path / "events.csv", rows))
    with pytest.raises(CalibrationError, match=r"^events\.csv:5: timestamp 1970-01-01T00:00:00Z "
                                               r"is out of range"):
        check_range(ev, drop_bad=False)
    assert len(check_range(ev, drop_bad=True)) == 4


def test_a_missing_column_gets_a_did_you_mean(tmp_path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("user_id,event,time_stamp\na,visit,2024-01-01T00:00:00Z\n")
    with pytest.raises(CalibrationError, match="no time column 'timestamp'; did you mean "
                                               "'time_stamp'"):
        read_events(path, source="canonical")


def test_an_unknown_event_in_the_map_gets_a_did_you_mean() -> None:
    fmap = FunnelMap.model_validate({"stages": [{"id": "visit", "events": ["visit"]},
                                                {"id": "signup", "events": ["sign_up"]}]})
    with pytest.raises(CalibrationError, match=r"stage 'signup': event 'sign_up' is not in "
                                               r"events\.csv; did you mean 'signup'"):
        check_names(fmap, ["visit", "signup", "paying"], "events.csv")


def three_stages() -> FunnelMap:
    return FunnelMap.model_validate({"stages": [{"id": s, "events": [s]}
                                                for s in ("visit", "signup", "paying")]})


def test_duplicates_backwards_and_skipping_users_are_dropped_and_counted(tmp_path) -> None:
    rows = [*ROWS, ROWS[0], ROWS[0],  # a's first visit, twice more
            ("c", "signup", "2024-03-02T00:00:00Z", 0, "ads"),   # c signs up ...
            ("c", "visit", "2024-03-02T05:00:00Z", 0, "ads"),    # ... before visiting
            ("d", "visit", "2024-03-02T00:00:00Z", 0, "ads"),    # d pays without signing up
            ("d", "paying", "2024-03-02T05:00:00Z", 0, "ads"),
            ("e", "scroll", "2024-03-02T00:00:00Z", 0, "ads")]   # an event the map leaves out
    j = build(read_events(write_canonical(tmp_path / "events.csv", rows)), three_stages())
    assert j.n_users == 2
    assert j.dropped.reasons == {
        "rows of events the map does not name (scroll)": 1,
        "duplicate rows (same user, event and time)": 2,
        "users moving backwards through the funnel (a later stage reached before an earlier "
        "one)": 1,
        "users skipping a stage": 1,
    }
    assert j.dropped.examples["users skipping a stage"] == "user d"
    a = j.reached[0]
    assert a[1] - a[0] == pytest.approx(2.5 + 0.5 / 3600)


def test_an_empty_stage_is_an_error(tmp_path) -> None:
    path = write_canonical(tmp_path / "events.csv", [r for r in ROWS if r[1] != "paying"] +
                           [("z", "paying", "2024-03-01T00:00:00Z", 0, "x")])
    ev = read_events(path)
    # z only pays: a path that starts at the last stage is fine, so make the stage empty:
    keep = ev.events != ev.event_names.index("paying")
    with pytest.raises(CalibrationError, match="stage 'paying': no user reached it"):
        build(ev.keep(keep), three_stages())


def test_no_events_is_an_error(tmp_path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("user_id,event,timestamp\n")
    from opssim.calibrate.pipeline import calibrate

    with pytest.raises(CalibrationError, match="no events"):
        calibrate(path)


def test_resolution_is_detected(tmp_path) -> None:
    from opssim.calibrate.journeys import resolution_hours

    assert resolution_hours(np.array([0, 3_600_000_000 * 5])) == 1.0
    assert resolution_hours(np.array([0, 60_000_000 * 7])) == pytest.approx(1 / 60)
