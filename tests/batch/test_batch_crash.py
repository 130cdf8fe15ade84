"""Crash safety of a real ``opssim batch``: a worker killed with SIGKILL and the parent
interrupted with SIGINT mid-run leave the finished rows on disk, readable; ``--resume``
completes the file, and it is then the same, byte for byte, as an uninterrupted run's."""

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

BOT = """\
import os, time

def decide(snapshot):
    time.sleep(float(os.environ.get("BOT_SLEEP", "0")))  # slow enough to be caught mid-run
    return {"copy": 20, "support": 10}
"""


def rows_of(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.open(encoding="utf-8")))


def workers_of(pid: int) -> list[int]:
    """The pool's worker processes among ``pid``'s children (not multiprocessing's helpers)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
            if b"resource_tracker" not in cmdline and b"forkserver" not in cmdline:
                found.append(int(child))
    return found


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc (Linux)")
def test_killed_worker_and_interrupted_parent_then_resume(lab_scenario_file,
                                                          tmp_path: Path) -> None:
    (tmp_path / "slow_bot.py").write_text(BOT, encoding="utf-8")
    scenario = lab_scenario_file()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(tmp_path), str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}

    def batch(out: Path, *extra: str, jobs: int = 2) -> list[str]:
        return [sys.executable, "-m", "opssim.cli", "batch", str(scenario), "--seeds", "10",
                "--policy", "slow_bot:decide", "--jobs", str(jobs), "--out", str(out), *extra]

    clean = tmp_path / "clean.csv"
    done = subprocess.run(batch(clean, jobs=1), env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr

    out = tmp_path / "runs.csv"
    proc = subprocess.Popen(batch(out), env={**env, "BOT_SLEEP": "0.3"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # wait for a few finished runs on disk
            if out.exists() and len(rows_of(out)) >= 3:
                break
            time.sleep(0.05)
        else:
            pytest.fail("no rows written in two minutes")
        workers = workers_of(proc.pid)
        assert workers, "no worker process found"
        os.kill(workers[0], signal.SIGKILL)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode in (1, 130), err  # a dead worker (1) or the interruption (130)
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith("opssim: ") and "--resume" in last, err

    kept = rows_of(out)  # readable: a header and whole rows
    keys = [(r["policy"], r["seed"]) for r in kept]
    assert 3 <= len(keys) < 10 and len(keys) == len(set(keys))

    resumed = subprocess.run(batch(out, "--resume"), env=env, capture_output=True, text=True,
                             timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert f"({len(kept)} runs already in" in resumed.stderr
    assert out.read_bytes() == clean.read_bytes()
