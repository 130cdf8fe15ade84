"""Fixtures of the hostile-input tests: special files, a guard against hangs, bots written
into a temporary module, and short scenarios."""

import json
import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from opssim.batch.policy import _import_attribute
from opssim.scenario import default_scenario_path, load_scenario


class Hung(Exception):
    """The code under test did not return in time (it would have hung a user's command)."""


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail the test (instead of hanging the suite) if it runs past 30 s."""

    def up(signum: int, frame: object) -> None:
        raise Hung("hung for 30 s")

    old = signal.signal(signal.SIGALRM, up)
    signal.alarm(30)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture
def fifo(tmp_path: Path) -> Callable[[str], Path]:
    """``fifo(name)``: a named pipe with no writer (opening it for reading blocks)."""

    def make(name: str) -> Path:
        path = tmp_path / name
        os.mkfifo(path)
        return path

    return make


@pytest.fixture
def zero_link(tmp_path: Path) -> Callable[[str], Path]:
    """``zero_link(name)``: a symbolic link to ``/dev/zero`` (endless bytes)."""

    def make(name: str) -> Path:
        path = tmp_path / name
        path.symlink_to("/dev/zero")
        return path

    return make


def short_data(weeks: int = 2) -> dict[str, Any]:
    """The starter scenario cut to ``weeks`` weeks, without its calendar."""
    data = load_scenario(default_scenario_path()).model_dump(mode="json", by_alias=True,
                                                             exclude_none=True)
    data["weeks"] = weeks
    data["calendar"] = []
    return data


@pytest.fixture
def short_file(tmp_path: Path) -> Path:
    """The starter scenario cut to two weeks, written to ``short.yaml``."""
    path = tmp_path / "short.yaml"
    path.write_text(json.dumps(short_data(2), indent=1), encoding="utf-8")
    return path


@pytest.fixture
def bots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder holding ``hostile_bots.py`` (bots that fail in every way), made the current
    folder, so ``hostile_bots:NAME`` is found as a user would name it."""
    folder = tmp_path / "botdir"
    folder.mkdir()
    (folder / "hostile_bots.py").write_text(BOTS, encoding="utf-8")
    monkeypatch.chdir(folder)
    monkeypatch.delitem(sys.modules, "hostile_bots", raising=False)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", os.getcwd())])
    _import_attribute.cache_clear()
    yield folder
    _import_attribute.cache_clear()


BOTS = '''
import sys
import time

PLAN = {"copy": 10}


class Exploding(dict):
    def items(self):
        raise RuntimeError("iteration boom")


def fine(snapshot):
    return PLAN


def raises_after_week_1(snapshot):
    if snapshot.week >= 1:
        raise ValueError("late failure")
    return PLAN


def huge(snapshot):
    return {"copy": 10**400}


def exits(snapshot):
    if snapshot.week >= 1:
        sys.exit(0)
    return PLAN


def sleeps(snapshot):
    if snapshot.week >= 1:
        time.sleep(1000)
    return PLAN


def exploding_mapping(snapshot):
    return Exploding(copy=3)


class InitFails:
    made = 0

    def __init__(self):
        InitFails.made += 1
        if InitFails.made > 1:  # the trial at parse time passes; the run's own fails
            raise RuntimeError("init boom")

    def __call__(self, snapshot):
        return PLAN
'''
