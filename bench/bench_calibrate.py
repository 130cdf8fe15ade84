"""`opssim calibrate` on 10M events: wall time and peak memory, against reading the file alone.

    python bench/bench_calibrate.py [--events 10000000]

Writes a canonical CSV of simulated users (four stages, two channels, censored at the end),
then times, each in a fresh process: (a) pyarrow reading the CSV's columns (the floor: no
reader can be much faster), (b) the whole `opssim calibrate`. Targets: (b) ≤ 60 s and
≤ 1.5 GB peak RSS for 10M events; the ratio b/a says how much the fit adds to the read.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

START_US = 1_704_067_200 * 1_000_000


def make_events(n_events: int, path: Path, seed: int = 0) -> int:
    """Simulate users until ``n_events`` rows; write them as a canonical CSV."""
    import pyarrow as pa
    import pyarrow.csv as pv

    rng = np.random.default_rng(seed)
    weeks, p = 12.0, (0.4, 0.3, 0.25)
    n_users = int(n_events / (1 + 0.4 + 0.12 + 0.03))
    t = rng.uniform(0, weeks * 168, n_users)
    ids = np.arange(n_users)
    chan = rng.integers(0, 2, n_users)
    cols: dict[str, list] = {"user": [], "stage": [], "t": [], "chan": []}
    for s in range(4):
        seen = t < weeks * 168
        for k, v in (("user", ids[seen]), ("stage", np.full(seen.sum(), s)), ("t", t[seen]),
                     ("chan", chan[seen])):
            cols[k].append(v)
        if s == 3:
            break
        go = rng.random(len(t)) < p[s]
        ids, t, chan = ids[go], t[go] + 30 * rng.weibull(1.3, go.sum()), chan[go]
    user = np.concatenate(cols["user"])[:n_events]
    stage = np.concatenate(cols["stage"])[:n_events].astype(np.int32)
    us = START_US + (np.concatenate(cols["t"])[:n_events] * 3.6e9).astype(np.int64)
    chan = np.concatenate(cols["chan"])[:n_events].astype(np.int32)
    table = pa.table({
        "user_id": pa.array(user + 10_000_000).cast(pa.string()),  # 8-digit ids
        "event": pa.DictionaryArray.from_arrays(
            stage, pa.array(["visit", "signup", "active", "paying"])),
        "timestamp": pa.array(us, pa.timestamp("us", "UTC")),
        "channel": pa.DictionaryArray.from_arrays(chan, pa.array(["search", "social"])),
    })
    pv.write_csv(table, path)
    return len(user)


READ_ONLY = """
import sys, pyarrow.csv as pv
t = pv.read_csv(sys.argv[1])
print(t.num_rows)
"""


def measure(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of a fresh process."""
    script = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
              "r = subprocess.run(sys.argv[1:]); dt = time.perf_counter() - t; "
              "m = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024; "
              "print(f'{dt} {m}', file=sys.stderr); sys.exit(r.returncode)")
    proc = subprocess.run([sys.executable, "-c", script, *cmd], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    dt, mb = proc.stderr.strip().splitlines()[-1].split()
    return float(dt), float(mb)


def calibration(n_events: int) -> tuple[list[str], dict[str, float]]:
    """The table's lines and the figures, for ``n_events`` simulated events."""
    opssim = str(Path(sys.executable).parent / "opssim")
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "events.csv"
        n = make_events(n_events, csv)
        size = csv.stat().st_size / 1e6
        read_s, read_mb = measure([sys.executable, "-c", READ_ONLY, str(csv)])
        cal_s, cal_mb = measure([opssim, "calibrate", str(csv), "--out",
                                 str(Path(tmp) / "out.yaml")])
    lines = [
        "| events | CSV MB | pyarrow read only s | calibrate s | calibrate/read | peak RSS MB "
        "(read only) | targets |",
        "|---:|---:|---:|---:|---:|---:|---|",
        f"| {n:,} | {size:.0f} | {read_s:.1f} | {cal_s:.1f} | {cal_s / read_s:.1f} | "
        f"{cal_mb:.0f} ({read_mb:.0f}) | ≤ 60 s, ≤ 1,536 MB at 10M |",
    ]
    return lines, {"calibrate_s": cal_s, "calibrate_mb": cal_mb, "read_s": read_s}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=10_000_000)
    args = ap.parse_args()
    t = time.perf_counter()
    lines, _ = calibration(args.events)
    print("\n".join(lines))
    print(f"(took {time.perf_counter() - t:.0f} s with the data's generation)")


if __name__ == "__main__":
    main()
