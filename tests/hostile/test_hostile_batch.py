"""Batch files under attack: two writers on one --out, --resume with other policies or
seeds, damaged files, a full disk, and a batch killed with its workers still running."""

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from opssim.batch.executor import InlineExecutor, Pool
from opssim.batch.montecarlo import monte_carlo, parse_policies
from opssim.batch.rows import columns
from opssim.batch.runner import open_lab
from opssim.batch.store import RowStore, StoreError
from opssim.scenario import load_scenario


def one_line(r, code: int = 2) -> str:
    """The error line (the last on stderr: progress notes may come before it)."""
    assert r.code == code, r
    assert r.err_lines and "Traceback" not in r.err, r
    return r.err_lines[-1]


def made(out: Path, scenario: Path, specs=("plan",), seeds=range(2)) -> Path:
    """``out`` holding the finished runs of ``specs`` x ``seeds`` (made in this process)."""
    sc = load_scenario(scenario)
    with open_lab(out, columns(sc), pool=Pool(InlineExecutor(), 1, "here")) as lab:
        monte_carlo(lab, sc, parse_policies(list(specs), sc), list(seeds))
    return out


def test_a_second_writer_on_one_out_is_refused(cli, short_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "runs.csv"
    sc = load_scenario(short_file)
    first = RowStore(out, columns(sc))
    try:
        for extra in ((), ("--resume",)):
            line = one_line(cli("batch", short_file, "--seeds", "1", "--out", out, *extra))
            assert "being written by another opssim" in line and f"process {os.getpid()}" in line
        with pytest.raises(StoreError, match="being written"):
            RowStore(out, columns(sc), resume=True)
    finally:
        first.close()
    RowStore(out, columns(sc), resume=True).close()  # free again once the first is done


@pytest.mark.parametrize(("args", "says"), [
    (("--policy", "even"), "policy 'plan', not asked for"),
    (("--seeds", "1"), "seed 1, outside the seeds asked for (0..0)"),
    (("--seeds", "2", "--seed-start", "5"), "seed 0, outside the seeds asked for (5..6)"),
])
def test_resume_with_other_policies_or_seeds_is_refused(cli, short_file: Path, tmp_path: Path,
                                                        args: tuple[str, ...],
                                                        says: str) -> None:
    out = made(tmp_path / "runs.csv", short_file)
    before = out.read_bytes()
    line = one_line(cli("batch", short_file, "--out", out, "--resume", *args))
    assert says in line
    assert out.read_bytes() == before


def damage(out: Path, shape: str) -> None:
    raw = out.read_bytes()
    header, _, rows = raw.partition(b"\n")
    first = rows.split(b"\n")[0]
    if shape == "huge-field":
        bad = first.replace(b",plan,", b',"' + b"x" * 200_000 + b'",', 1)
    elif shape == "not-utf8":
        bad = first.replace(b"plan", b"pl\xffan", 1)
    else:  # what two writers left: a run of NUL bytes
        bad = b"\0" * 3674 + first
    out.write_bytes(header + b"\n" + bad + b"\n" + rows)


@pytest.mark.parametrize("shape", ["huge-field", "not-utf8", "nul"])
def test_a_damaged_csv_is_refused_on_resume(cli, short_file: Path, tmp_path: Path,
                                            shape: str) -> None:
    out = made(tmp_path / "runs.csv", short_file)
    damage(out, shape)
    line = one_line(cli("batch", short_file, "--seeds", "2", "--policy", "plan", "--out", out,
                        "--resume"))
    assert f"{out}:2:" in line and "drop --resume" in line


def test_a_damaged_parquet_journal_is_refused(short_file: Path, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    out = tmp_path / "runs.parquet"
    sc = load_scenario(short_file)
    journal = tmp_path / "runs.parquet.partial.jsonl"
    journal.write_bytes(b'{"scenario": "\xff"}\n')
    with pytest.raises(StoreError, match=r"partial\.jsonl:1: not a JSON row"):
        RowStore(out, columns(sc), resume=True)
    journal.write_bytes(b"[" * 100_000 + b"\n")
    with pytest.raises(StoreError, match=r"partial\.jsonl:1: not a JSON row"):
        RowStore(out, columns(sc), resume=True)


def test_balance_resume_of_a_damaged_runs_csv(cli, short_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "balance"
    folder.mkdir()
    (folder / "runs.csv").write_bytes(b"scenario,\xff\xfe\n")
    line = one_line(cli("balance", short_file, "--seeds", "1", "--out", folder, "--resume"))
    assert "runs.csv:1: not UTF-8" in line


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch):
    """``full_disk(after)``: every flush to disk after the first ``after`` fails with ENOSPC
    (the batch's parent process writes every row, so patching it here is enough)."""
    import opssim.batch.store as store

    real = store._sync

    def arm(after: int) -> None:
        calls = {"n": 0}

        def sync(fh) -> None:
            calls["n"] += 1
            if calls["n"] > after:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            real(fh)

        monkeypatch.setattr(store, "_sync", sync)

    yield arm
    monkeypatch.setattr(store, "_sync", real)


def test_a_full_disk_stops_a_batch_in_one_line_and_resume_completes_it(
        cli, short_file: Path, tmp_path: Path, full_disk, monkeypatch) -> None:
    fresh = made(tmp_path / "fresh.csv", short_file, ("plan", "even"), range(3))
    out = tmp_path / "runs.csv"
    full_disk(after=3)  # the header and two rows reach the disk
    line = one_line(cli("batch", short_file, "--seeds", "3", "--jobs", "1", "--out", out), 1)
    assert "No space left on device" in line and "2 runs are saved" in line
    assert "--resume" in line
    monkeypatch.undo()
    r = cli("batch", short_file, "--seeds", "3", "--jobs", "1", "--out", out, "--resume")
    assert r.code == 0, r
    assert out.read_bytes() == fresh.read_bytes()


def test_a_full_disk_while_writing_parquet(short_file: Path, tmp_path: Path, full_disk) -> None:
    pytest.importorskip("pyarrow")
    from opssim.batch.store import StoreWriteError

    full_disk(after=1)
    with pytest.raises(StoreWriteError, match="1 runs are saved"):
        made(tmp_path / "runs.parquet", short_file, ("plan",), range(3))


def children_of(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry.name))
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the workers")
def test_workers_end_when_their_batch_is_killed(short_file: Path, tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "opssim.cli", "batch", str(short_file), "--seeds", "2000",
         "--jobs", "2", "--out", str(tmp_path / "runs.csv")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        kids: list[int] = []
        while time.monotonic() < deadline and len(kids) < 3:  # two workers, one tracker
            time.sleep(0.2)
            kids = children_of(proc.pid)
        assert len(kids) >= 2, "the workers did not start"
        time.sleep(1)  # the workers are running seeds
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(k) for k in kids):
            time.sleep(0.2)
        left = [k for k in kids if alive(k)]
        assert not left, f"still running after 10 s: {left}"
    finally:
        for k in children_of(proc.pid):
            os.kill(k, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
