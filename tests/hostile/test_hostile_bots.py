"""Bots that fail in every way end the command with one line naming the seed and the week
(exit 2), whether they fail in the trial week or later, by raising, by ``sys.exit``, by
returning nonsense or by taking too long; ``run --policy mod:fn`` finds a module in the
current folder as ``batch`` does."""

import re
from pathlib import Path

import pytest

FAILING = {
    "raises_after_week_1": ("ValueError: late failure", "week 2"),
    "exits": ("SystemExit", "week 2"),
    "huge": ("not a finite number", "week 1"),
    "exploding_mapping": ("RuntimeError: iteration boom", "week 1"),
    "InitFails": ("creating the bot raised RuntimeError: init boom", "before week 1"),
}


@pytest.mark.parametrize("bot", sorted(FAILING))
def test_a_failing_bot_in_run_is_one_line(cli, bots: Path, short_file: Path, bot: str) -> None:
    says, week = FAILING[bot]
    r = cli("run", short_file, "--policy", f"hostile_bots:{bot}")
    assert r.code == 2, r
    assert len(r.err_lines) == 1 and r.out == ""
    assert says in r.err and week in r.err and re.search(r"seed \d+", r.err), r.err


def test_a_bot_that_never_answers_is_stopped(cli, bots: Path, short_file: Path,
                                             no_hang: None) -> None:
    r = cli("run", short_file, "--policy", "hostile_bots:sleeps", "--bot-time-limit", "0.2")
    assert r.code == 2 and len(r.err_lines) == 1, r
    assert "took longer than 0.2 s" in r.err and "seed 0, week 2" in r.err


def test_the_time_limit_has_a_sensible_default(cli) -> None:
    r = cli("run", "--help")
    assert "--bot-time-limit" in r.out and "10.0" in r.out


def test_a_bot_in_the_current_folder_is_found_by_run(cli, bots: Path,
                                                     short_file: Path) -> None:
    r = cli("run", short_file, "--policy", "hostile_bots:fine", "--json")
    assert r.code == 0, r


@pytest.mark.parametrize("bot", ["exits", "InitFails"])
def test_a_failing_bot_in_a_batch_is_one_line(cli, bots: Path, short_file: Path,
                                              bot: str) -> None:
    """In-process pool: the same code the workers run; rows already finished stay saved."""
    out = bots / "runs.csv"
    r = cli("batch", short_file, "--seeds", "3", "--jobs", "1", "--policy",
            f"hostile_bots:{bot}", "--out", out)
    assert r.code == 2, r
    last = r.err_lines[-1]
    assert FAILING[bot][0] in last and re.search(r"seed \d+", last), r.err
    assert "Traceback" not in r.err
    assert out.read_text().startswith("scenario,")  # the header, written before any run


def test_a_failing_bot_in_play_is_one_line(cli, bots: Path, short_file: Path,
                                           tmp_path: Path) -> None:
    r = cli("play", short_file, "--frames", "4000", "--policy",
            "hostile_bots:raises_after_week_1", env={"SDL_VIDEODRIVER": "dummy"})
    assert r.code == 2, r
    assert r.err_lines[-1].startswith("opssim: policy") and "week 2" in r.err
