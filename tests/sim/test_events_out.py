"""``--events-out``: the user-level log written from the funnel's trace agrees with the
engine's own counts, changes nothing in the run, and is what ``opssim calibrate`` reads."""

import csv
import json

import numpy as np

from opssim.batch import parse_policy
from opssim.batch.run import run_engine
from opssim.sim.events_out import EPOCH, attach, finish


def test_the_log_has_every_entry_the_engine_counted(small, tmp_path) -> None:
    logs = []
    engine = run_engine(small, 3, parse_policy("plan", small),
                        on_start=lambda e: logs.append(attach(e)))
    finish(engine, logs[0])
    path = tmp_path / "events.csv"
    n = logs[0].write_csv(path)
    with path.open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == n > 1000
    counts = np.zeros_like(engine.funnel.entered)
    firsts: dict[str, dict[str, str]] = {}
    for r in rows:
        hour = int((np.datetime64(r["timestamp"][:-1]) - np.datetime64(EPOCH.replace(
            tzinfo=None))) / np.timedelta64(1, "h"))
        s, g = engine.stage_ids.index(r["event"]), engine.segments.index(r["channel"])
        counts[s, g, hour] += 1
        assert r["event"] not in firsts.get(r["user_id"], {}), "one event per stage reached"
        firsts.setdefault(r["user_id"], {})[r["event"]] = r["timestamp"]
    # Every user counted in every stage at its hour and segment: the log is exact.
    assert np.array_equal(counts[:, :, :-1], engine.funnel.entered[:, :, :-1])
    # Users move forward: each reached the stages of its path in order, one after another.
    for path_ in firsts.values():
        stages = [s for s in engine.stage_ids if s in path_]
        assert stages == list(engine.stage_ids[engine.stage_ids.index(stages[0]):][:len(stages)])
        times = [path_[s] for s in stages]  # ISO 8601 of one length: text order is time order
        assert times == sorted(times)


def test_events_out_changes_nothing_in_the_run(cli, write_scenario, small_text, tmp_path) -> None:
    scenario = write_scenario(small_text)
    plain = cli("run", scenario, "--json", "--seed", "5")
    traced = cli("run", scenario, "--json", "--seed", "5", "--events-out", tmp_path / "e.csv")
    assert plain.code == traced.code == 0
    assert json.loads(plain.out) == json.loads(traced.out)
    assert (tmp_path / "e.csv").read_text().startswith("user_id,event,timestamp,channel\n")
    res = cli("run", scenario, "--events-out", tmp_path / "nope" / "e.csv")
    assert res.code == 2 and "--events-out: folder" in res.err
