"""The lab's commands: batch, sweep, optimize, balance; one-line errors (exit 2); Ctrl-C and
--resume."""

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def read_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.open(encoding="utf-8")))


def test_batch_table_and_file_are_the_same_whatever_the_jobs(cli, lab_scenario_file,
                                                               tmp_path: Path) -> None:
    scenario = lab_scenario_file()
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    r1 = cli("batch", scenario, "--seeds", "2", "--policy", "plan", "--policy", "heavy:copy",
             "--jobs", "1", "--out", one)
    assert r1.code == 0, r1
    for text in ("plan", "heavy:copy", "win rate", "fired", "signups/wk", "blame", "[0%"):
        assert text in r1.out
    assert "wrote" in r1.err and "runs" in r1.err  # progress and notes go to stderr
    r2 = cli("batch", scenario, "--seeds", "2", "--policy", "plan", "--policy", "heavy:copy",
             "--jobs", "2", "--out", two)
    assert r2.code == 0, r2
    assert one.read_bytes() == two.read_bytes()
    rows = read_rows(one)
    assert [(r["policy"], r["seed"]) for r in rows] == [
        ("plan", "0"), ("plan", "1"), ("heavy:copy", "0"), ("heavy:copy", "1")]


def test_resume_runs_only_the_missing_seeds(cli, lab_scenario_file, tmp_path: Path) -> None:
    scenario = lab_scenario_file()
    out = tmp_path / "runs.csv"
    assert cli("batch", scenario, "--seeds", "1", "--policy", "plan", "--jobs", "1",
               "--out", out).code == 0
    first = read_rows(out)
    r = cli("batch", scenario, "--seeds", "3", "--policy", "plan", "--jobs", "1", "--out", out,
            "--resume")
    assert r.code == 0, r
    assert "1 runs already in" in r.err
    rows = read_rows(out)
    assert [x["seed"] for x in rows] == ["0", "1", "2"]
    assert rows[:1] == first
    other = lab_scenario_file(weeks=3, name="other.yaml")
    r = cli("batch", other, "--seeds", "2", "--policy", "plan", "--out", out, "--resume")
    assert r.code == 2 and "another scenario" in r.err and len(r.err_lines) == 1


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["batch", "--policy", "teleport"], "unknown policy 'teleport'"),
        (["batch", "--policy", "schedule:no-such.yaml"], "no such schedule file"),
        (["batch", "--policy", "lab_cli_missing:decide"], "no module named 'lab_cli_missing'"),
        (["batch", "--policy", "lab_cli_bot:nothing"], "has no 'nothing'"),
        (["batch", "--policy", "lab_cli_bot:raises"], "raised ValueError: bad bot"),
        (["batch", "--policy", "plan", "--policy", "plan"], "given twice"),
        (["batch", "--out", "runs.xlsx"], "use a .csv or .parquet"),
        (["batch", "--resume"], "--resume needs --out"),
        (["batch", "--seeds", "0"], "--seeds"),
        (["sweep"], "give at least one --param"),
        (["sweep", "--param", "funnel.stages.visit.cnvert=1"], "has no field 'cnvert'"),
        (["sweep", "--param", "funnel.stages.visit.convert=a,b"], "'a' is not a number"),
        (["sweep", "--param", "funnel.stages.visit.convert=2"], "less than or equal to 1"),
        (["sweep", "--param", "title=1"], "not a number"),
        (["sweep", "--param", "hours.copy=60"], "at most 55"),
        (["sweep", "--policy", "schedule:1:copy=3", "--param", "hours.copy=1"],
         "constant policy"),
        (["optimize", "--budget", "0"], "--budget"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli, lab_scenario_file, bot_module, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch, args: list[str],
                                          says: str) -> None:
    bot_module("lab_cli_bot", "def raises(snapshot):\n    raise ValueError('bad bot')\n")
    monkeypatch.chdir(tmp_path)
    r = cli(args[0], lab_scenario_file(), *args[1:])
    assert r.code == 2, r
    assert len(r.err_lines) == 1 and r.err.startswith("opssim: "), r
    assert says in r.err
    assert "Traceback" not in r.err + r.out


def test_scheduler_without_dask_names_the_extra(cli, lab_scenario_file,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    r = cli("batch", lab_scenario_file(), "--scheduler", "tcp://127.0.0.1:8786")
    assert r.code == 2 and len(r.err_lines) == 1
    assert "pip install 'opssim[cluster]'" in r.err


def test_a_bot_failing_in_a_worker_is_one_line(cli, lab_scenario_file, bot_module) -> None:
    bot_module("lab_cli_late", "def decide(s):\n    if s.week:\n        raise KeyError('x')\n"
                               "    return {'copy': 5}\n")
    r = cli("batch", lab_scenario_file(), "--seeds", "2", "--policy", "lab_cli_late:decide",
            "--jobs", "1")
    assert r.code == 2, r
    assert r.err_lines[-1] == ("opssim: policy 'lab_cli_late:decide' raised KeyError: 'x' "
                               "(seed 0, week 2)")


def test_sweep_prints_points_and_a_ranking(cli, lab_scenario_file, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "sweep.parquet"
    r = cli("sweep", lab_scenario_file(), "--seeds", "1", "--jobs", "2", "--out", out,
            "--param", "funnel.stages.visit.convert=0.05,0.15", "--param", "hours.copy=0,20")
    assert r.code == 0, r
    assert "Sensitivity of the win rate" in r.out and "hours.copy" in r.out
    rows = pq.read_table(out).to_pylist()
    assert len(rows) == 4
    assert {r["param.funnel.stages.visit.convert"] for r in rows} == {0.05, 0.15}
    assert {r["policy"] for r in rows} == {
        "fixed:events=8,support=12,ground=6,analysis=4",
        "fixed:copy=20,events=8,support=12,ground=6,analysis=4"}
    assert not (tmp_path / "sweep.parquet.partial.jsonl").exists()


def test_optimize_reports_a_reusable_spec(cli, lab_scenario_file) -> None:
    r = cli("optimize", lab_scenario_file(), "--seeds", "1", "--budget", "2", "--jobs", "2",
            "--no-holdout")
    assert r.code == 0, r
    assert "best policy: " in r.out and "win rate" in r.out and "nan" not in r.out
    spec = r.out.split("best policy: ")[1].split()[0]
    assert cli("run", lab_scenario_file(), "--policy", spec).code == 0, "the SPEC is reusable"


def test_balance_writes_a_report(cli, lab_scenario_file, tmp_path: Path) -> None:
    out = tmp_path / "bal"
    r = cli("balance", lab_scenario_file(), "--seeds", "1", "--budget", "1", "--jobs", "2",
            "--out", out)
    assert r.code == 0, r
    report = (out / "report.md").read_text(encoding="utf-8")
    for text in ("## Verdict", "winrate.png", "fan_signups.png", "fan_reputation.png",
                 "tornado.png", "heavy:copy", "## Sensitivity", "Wilson",
                 "### Where the misses come from",
                 "| policy | misses / run | short / run | plan |",
                 "## Three strategy families", "| adaptive |", "vs best constant"):
        assert text in report
    for png in ("winrate", "fan_signups", "fan_paying", "fan_reputation", "tornado"):
        assert (out / f"{png}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(read_rows(out / "runs.csv")) >= 2 + 8
    assert len(read_rows(out / "sensitivity.csv")) > 10


def test_balance_param_chooses_what_the_tornado_varies(cli, lab_scenario_file,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "bal"
    r = cli("balance", lab_scenario_file(), "--seeds", "1", "--budget", "1", "--jobs", "1",
            "--out", out, "--param", "blame.promotion.reputation",
            "--param", "hours.copy=4,20")
    assert r.code == 0, r
    rows = read_rows(out / "sensitivity.csv")
    assert {k for k in rows[0] if k.startswith("param.")} == {
        "param.blame.promotion.reputation", "param.hours.copy"}
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "--param hours.copy=4,20" in report and "`hours.copy`" in report
    bad = cli("balance", lab_scenario_file(), "--out", tmp_path / "no", "--param", "nope.x")
    assert bad.code == 2 and len(bad.err_lines) == 1 and "has no field 'nope'" in bad.err
    assert not (tmp_path / "no").exists()


def test_ctrl_c_keeps_finished_runs_and_resume_completes(lab_scenario_file,
                                                         tmp_path: Path) -> None:
    """A real process: a bot sends SIGINT to the batch at its sixth run."""
    (tmp_path / "lab_sigint.py").write_text(
        "import os, signal, time\n"
        "def decide(s):\n"
        "    if s.week == 0 and os.path.exists(os.environ['FLAG']):\n"
        "        n = int(open(os.environ['FLAG']).read() or 0) + 1\n"
        "        open(os.environ['FLAG'], 'w').write(str(n))\n"
        "        if n == 5:\n"
        "            os.remove(os.environ['FLAG'])\n"
        "            open(os.environ['FLAG'] + '.sent', 'w').write(repr(time.time()))\n"
        "            os.kill(os.getppid(), signal.SIGINT)\n"
        "            time.sleep(30)\n"
        "    return {'copy': 20}\n", encoding="utf-8")
    flag = tmp_path / "flag"
    flag.write_text("0")
    out = tmp_path / "runs.csv"
    env = {**os.environ, "FLAG": str(flag), "PYTHONPATH": os.pathsep.join(
        [str(tmp_path), str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, "-m", "opssim.cli", "batch", str(lab_scenario_file()), "--seeds",
           "7", "--policy", "lab_sigint:decide", "--jobs", "1", "--out", str(out),
           "--bot-time-limit", "120"]  # the parent, not the limit, stops the sleeping bot
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=90)
    # Timed from the signal, not the start: a busy machine is slow to start the batch.
    sent = float((tmp_path / "flag.sent").read_text())
    assert time.time() - sent < 20, "the sleeping worker was stopped, not waited for"
    assert proc.returncode == 130, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("opssim: interrupted;") and "--resume" in last
    kept = [int(r["seed"]) for r in read_rows(out)]
    # The parent's trial week is call 1; seeds 0-2 run before seed 3 sends the signal.
    assert kept and len(kept) == len(set(kept)) and max(kept) < 3
    proc = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, env=env,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert [int(r["seed"]) for r in read_rows(out)] == list(range(7))

