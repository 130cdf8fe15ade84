"""Stores: rows stream to CSV/Parquet as runs finish; resume skips what is there."""

import csv
import json
import sys
from pathlib import Path

import pytest

from opssim.batch.policy import parse_policy
from opssim.batch.rows import columns, key_of, run_row, weekly_series
from opssim.batch.store import RowStore, StoreError
from opssim.scenario import Scenario


@pytest.fixture(scope="module")
def rows(lab_scenario: Scenario) -> list[dict]:
    plan = parse_policy("plan", lab_scenario)
    return [run_row(lab_scenario, seed, plan) for seed in range(4)]


def test_a_row_has_the_required_columns(lab_scenario: Scenario, rows: list[dict]) -> None:
    cols = columns(lab_scenario)
    for name in ("seed", "policy", "outcome", "scenario_hash", "kpi_signups", "kpi_paying",
                 "blame_count", "reputation", "opssim_version", "numpy_version"):
        assert name in cols
    row = rows[0]
    assert set(row) == set(cols)
    assert row["outcome"] in ("promoted", "kept", "fired")
    weekly = json.loads(row["weekly"])
    assert len(weekly["signups"]) == len(weekly["reputation"]) == lab_scenario.weeks
    assert weekly_series(row, "reputation", 4)[-1] == weekly["reputation"][-1]
    assert row["kpi_signups"] == pytest.approx(weekly["signups"][1])  # reviewed from week 2


def test_csv_streams_each_batch_and_resumes(lab_scenario: Scenario, rows: list[dict],
                                            tmp_path: Path) -> None:
    out = tmp_path / "runs.csv"
    cols = columns(lab_scenario)
    store = RowStore(out, cols)
    store.add(rows[:2])
    on_disk = list(csv.DictReader(out.open()))
    assert [int(r["seed"]) for r in on_disk] == [0, 1], "rows are on disk before the end"
    store.close()  # as after Ctrl-C
    again = RowStore(out, cols, resume=True)
    assert again.done() == {key_of(r) for r in rows[:2]}
    assert again.rows == rows[:2], "values read back with their types"
    again.add(rows[2:])
    again.finish(order=lambda r: -r["seed"])
    assert [int(r["seed"]) for r in csv.DictReader(out.open())] == [3, 2, 1, 0]


def test_a_torn_last_line_is_dropped_on_resume(lab_scenario: Scenario, rows: list[dict],
                                               tmp_path: Path) -> None:
    out = tmp_path / "runs.csv"
    store = RowStore(out, columns(lab_scenario))
    store.add(rows[:3])
    store.close()
    text = out.read_bytes()
    out.write_bytes(text[:-40])  # killed in the middle of writing the third row
    again = RowStore(out, columns(lab_scenario), resume=True)
    assert [r["seed"] for r in again.rows] == [0, 1]
    again.add(rows[2:3])
    again.close()
    assert [int(r["seed"]) for r in csv.DictReader(out.open())] == [0, 1, 2]


def test_resume_of_an_empty_file_starts_it_afresh(lab_scenario: Scenario, rows: list[dict],
                                                   tmp_path: Path) -> None:
    out = tmp_path / "runs.csv"
    out.write_bytes(b"")  # killed before the header reached the disk
    again = RowStore(out, columns(lab_scenario), resume=True)
    assert again.rows == []
    assert sorted(tmp_path.iterdir()) == [tmp_path / ".runs.csv.lock", out], \
        "the header was written through a renamed temp"
    again.add(rows[:1])
    again.close()
    assert list(tmp_path.iterdir()) == [out], "the lock goes with the writer"
    assert [int(r["seed"]) for r in csv.DictReader(out.open())] == [0]


def test_without_resume_the_file_is_replaced(lab_scenario: Scenario, rows: list[dict],
                                             tmp_path: Path) -> None:
    out = tmp_path / "runs.csv"
    store = RowStore(out, columns(lab_scenario))
    store.add(rows)
    store.finish(order=lambda r: r["seed"])
    fresh = RowStore(out, columns(lab_scenario))
    assert fresh.rows == []
    fresh.finish(order=lambda r: r["seed"])
    assert out.read_text().count("\n") == 1


def test_resume_refuses_other_columns(lab_scenario: Scenario, rows: list[dict],
                                      tmp_path: Path) -> None:
    out = tmp_path / "runs.csv"
    out.write_text("seed,policy\n1,plan\n")
    with pytest.raises(StoreError, match="columns do not match"):
        RowStore(out, columns(lab_scenario), resume=True)


def test_bad_file_names(lab_scenario: Scenario, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"use a \.csv or \.parquet"):
        RowStore(tmp_path / "runs.xlsx", columns(lab_scenario))
    with pytest.raises(StoreError, match="does not exist"):
        RowStore(tmp_path / "nope" / "runs.csv", columns(lab_scenario))


def test_parquet_streams_to_a_journal_and_writes_atomically(
    lab_scenario: Scenario, rows: list[dict], tmp_path: Path
) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "runs.parquet"
    cols = columns(lab_scenario)
    store = RowStore(out, cols)
    store.add(rows[:2])
    store.close()  # interrupted: no Parquet file yet, the journal holds the rows
    journal = tmp_path / "runs.parquet.partial.jsonl"
    assert not out.exists() and len(journal.read_text().splitlines()) == 2
    again = RowStore(out, cols, resume=True)
    assert again.rows == rows[:2]
    again.add(rows[2:])
    again.finish(order=lambda r: r["seed"])
    assert not journal.exists()
    table = pq.read_table(out)
    assert table.column_names == list(cols)
    assert table.to_pylist() == rows
    # Resuming a finished Parquet file reads it back.
    third = RowStore(out, cols, resume=True)
    assert third.rows == rows
    third.close()


def test_parquet_without_pyarrow_is_a_clear_error(lab_scenario: Scenario, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(StoreError, match=r"pip install 'opssim\[parquet\]'"):
        RowStore(tmp_path / "runs.parquet", columns(lab_scenario))
