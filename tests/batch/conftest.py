"""Fixtures of the balancing-lab tests: short scenarios (2-3 weeks) and an in-process lab."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from opssim.batch.executor import InlineExecutor, Pool
from opssim.scenario import Scenario, default_scenario_path, load_scenario, parse_scenario


def short_data(weeks: int = 2) -> dict[str, Any]:
    """The starter scenario cut to ``weeks`` weeks, without its calendar (a run: ~0.05 s)."""
    data = load_scenario(default_scenario_path()).model_dump(mode="json", by_alias=True,
                                                             exclude_none=True)
    data["weeks"] = weeks
    data["calendar"] = []
    return data


@pytest.fixture(scope="session")
def lab_scenario() -> Scenario:
    """The starter scenario cut to two weeks."""
    return parse_scenario(json.dumps(short_data(2), indent=1), "short.yaml")


@pytest.fixture
def lab_scenario_file(tmp_path: Path) -> Callable[..., Path]:
    """``lab_scenario_file(weeks=2, **changes)``: the short scenario written to a file."""

    def write(weeks: int = 2, name: str = "short.yaml", **changes: Any) -> Path:
        data = short_data(weeks)
        data.update(changes)
        path = tmp_path / name
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")
        return path

    return write


@pytest.fixture
def inline_pool() -> Pool:
    """A pool that runs every task at once in this process."""
    return Pool(InlineExecutor(), 1, "this process")


@pytest.fixture
def bot_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str], str]:
    """``bot_module(name, source)`` writes a module importable here and in spawned workers."""
    folder = tmp_path / "bots"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))

    def write(name: str, source: str) -> str:
        (folder / f"{name}.py").write_text(source, encoding="utf-8")
        return name

    return write
