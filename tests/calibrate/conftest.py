"""Calibration fixtures: an independent user-level funnel simulator (known parameters, one
row per event, everything after the data's end unseen: censored), and its exports."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from opssim.calibrate.events import Events
from opssim.calibrate.mapping import FunnelMap

START_US = 1_704_067_200 * 1_000_000  # 2024-01-01 00:00 UTC, a Monday


@dataclass(frozen=True)
class Move:
    """The move into a stage: a chance and a delay (family and its parameters, in hours)."""

    p: float
    family: str
    a: float  # exponential: mean; weibull: shape; lognormal: mean
    b: float = 0.0  # weibull: scale; lognormal: sd

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.family == "exponential":
            return rng.exponential(self.a, n)
        if self.family == "weibull":
            return self.b * rng.weibull(self.a, n)
        s2 = np.log1p((self.b / self.a) ** 2)
        return rng.lognormal(np.log(self.a) - s2 / 2, np.sqrt(s2), n)

    @property
    def mean(self) -> float:
        if self.family == "weibull":
            from math import gamma

            return self.b * gamma(1 + 1 / self.a)
        return self.a


@dataclass(frozen=True)
class World:
    stages: tuple[str, ...]
    moves: tuple[Move, ...]  # moves[s - 1]: into stages[s]
    channels: dict[str, float]  # users a week, all entering the first stage
    weeks: float
    churn_per_week: float = 0.0


def simulate(world: World, seed: int) -> dict[str, np.ndarray]:
    """Columns ``user, stage, t_h, channel`` of every event seen before the data ends."""
    rng = np.random.default_rng(seed)
    end = world.weeks * 168
    users, stages, times, chans = [], [], [], []
    uid = 0
    for c, per_week in enumerate(world.channels.values()):
        n = rng.poisson(per_week * world.weeks)
        t = np.sort(rng.uniform(0, end, n))
        ids = np.arange(uid, uid + n)
        uid += n
        for s in range(len(world.stages)):
            seen = t < end
            users.append(ids[seen])
            stages.append(np.full(seen.sum(), s))
            times.append(t[seen])
            chans.append(np.full(seen.sum(), c))
            if s + 1 == len(world.stages):
                break
            move = world.moves[s]
            go = rng.random(len(t)) < move.p
            ids, t = ids[go], t[go] + move.draw(rng, int(go.sum()))
        if world.churn_per_week > 0:
            rate = -np.log1p(-world.churn_per_week) / 168
            t = t + rng.exponential(1 / rate, len(t))
            seen = t < end
            users.append(ids[seen])
            stages.append(np.full(seen.sum(), len(world.stages)))
            times.append(t[seen])
            chans.append(np.full(seen.sum(), c))
    return {"user": np.concatenate(users), "stage": np.concatenate(stages),
            "t_h": np.concatenate(times), "channel": np.concatenate(chans)}


def write_csv(world: World, cols: dict[str, np.ndarray], path: Path,
              churn_event: str = "cancel") -> Path:
    """The canonical CSV of simulated events (times to the microsecond, UTC)."""
    names = [*world.stages, churn_event]
    channels = list(world.channels)
    us = START_US + np.round(cols["t_h"] * 3.6e9).astype(np.int64)
    stamps = np.datetime_as_string(us.astype("datetime64[us]"), unit="us")
    order = np.argsort(us, kind="stable")
    with path.open("w", encoding="utf-8") as f:
        f.write("user_id,event,timestamp,channel\n")
        for i in order:
            f.write(f"u{cols['user'][i]},{names[cols['stage'][i]]},{stamps[i]}Z,"
                    f"{channels[cols['channel'][i]]}\n")
    return path


def events_of(world: World, cols: dict[str, np.ndarray]) -> Events:
    """The simulated events as the readers would give them (an export kept in memory)."""
    n_users = int(cols["user"].max()) + 1 if len(cols["user"]) else 0
    us = START_US + np.round(cols["t_h"] * 3.6e9).astype(np.int64)
    return Events("simulated", cols["user"].astype(np.int64), [f"u{i}" for i in range(n_users)],
                  cols["stage"].astype(np.int32), [*world.stages, "cancel"], us,
                  cols["channel"].astype(np.int32), list(world.channels),
                  np.arange(len(us), dtype=np.int64) + 2)


def funnel_map(world: World) -> FunnelMap:
    return FunnelMap.model_validate({"stages": [{"id": s, "events": [s]} for s in world.stages],
                                     "churn_events": ["cancel"] if world.churn_per_week else []})


MAP_YAML = """\
stages:
  - {id: visit, events: [visit]}
  - {id: signup, events: [signup]}
  - {id: paying, events: [paying]}
churn_events: [cancel]
"""

#: Three stages, a Weibull and a lognormal move, two channels, churn: ~3,000 users a seed.
WORLD = World(("visit", "signup", "paying"),
              (Move(0.3, "weibull", 1.5, 30.0), Move(0.25, "lognormal", 72.0, 40.0)),
              {"search": 700.0, "social": 300.0}, 3.0, churn_per_week=0.1)


@pytest.fixture(scope="session")
def world() -> World:
    return WORLD


@pytest.fixture(scope="session")
def sim() -> Callable[..., object]:
    """The simulator's functions, for tests (no test imports conftest)."""
    class Sim:
        simulate = staticmethod(simulate)
        events_of = staticmethod(events_of)
        funnel_map = staticmethod(funnel_map)
        write_csv = staticmethod(write_csv)
        World = World
        Move = Move

    return Sim


@pytest.fixture
def events_csv(tmp_path: Path) -> Path:
    """A simulated canonical CSV (seed 1) and its map, map.yaml, beside it."""
    (tmp_path / "map.yaml").write_text(MAP_YAML, encoding="utf-8")
    return write_csv(WORLD, simulate(WORLD, 1), tmp_path / "events.csv")
