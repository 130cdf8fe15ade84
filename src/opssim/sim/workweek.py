"""The working week: where a week's hours per duty fall on the clock.

A week's allocation becomes working blocks: on each working day every duty gets a block of
``hours / days``, the duties one after another from the day's start hour, so contract hours come
first and overtime runs into the evening. Nothing is worked on the other days. Duties act in
their blocks: support answers tickets, flyers bring people in, pieces of copy are finished.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from opssim.scenario.schema import Workweek
from opssim.sim.clock import HOURS_PER_DAY, HOURS_PER_WEEK


@dataclass(frozen=True, slots=True)
class Block:
    """``duty`` is worked from ``start`` to ``end`` (clock hours since the run began)."""

    duty: str
    start: float
    end: float

    @property
    def hours(self) -> float:
        """The block's length in hours."""
        return self.end - self.start

    def __deepcopy__(self, memo: dict) -> "Block":
        return self  # immutable: copies of a run may share it


def layout(hours: Mapping[str, float], week: int, pattern: Workweek) -> tuple[Block, ...]:
    """The blocks of week ``week`` (0-based) for ``hours`` per duty, in clock order."""
    blocks = []
    for day in range(pattern.days):
        t = week * HOURS_PER_WEEK + day * HOURS_PER_DAY + pattern.start_hour
        for duty, h in hours.items():
            share = h / pattern.days
            if share > 0:
                blocks.append(Block(duty, t, t + share))
                t += share
    return tuple(blocks)


def on_day(blocks: Iterable[Block], day: int) -> dict[str, list[Block]]:
    """The blocks that begin on ``day`` (a run's day count), by duty."""
    lo, hi = day * HOURS_PER_DAY, (day + 1) * HOURS_PER_DAY
    out: dict[str, list[Block]] = {}
    for b in blocks:
        if lo <= b.start < hi:
            out.setdefault(b.duty, []).append(b)
    return out


def worked(blocks: Iterable[Block]) -> float:
    """Total hours of ``blocks``."""
    return sum(b.hours for b in blocks)


def finishing(progress: float, blocks: Iterable[Block], each: float) -> tuple[list[float], float]:
    """Units of ``each`` hours finished while working ``blocks``, ``progress`` hours already
    done on the next: the clock hours at which each is finished, and the new progress."""
    done: list[float] = []
    for b in blocks:
        t = b.start
        while progress + (b.end - t) >= each - 1e-9:
            t += each - progress
            progress = 0.0
            done.append(min(t, b.end))
        progress += b.end - t
    return done, progress


def coverage(blocks: Iterable[Block], t0: int, t1: int) -> list[tuple[int, float]]:
    """For each clock hour in ``[t0, t1)`` that ``blocks`` touch, the share of it worked."""
    share: dict[int, float] = {}
    for b in blocks:
        h = int(b.start)
        while h < b.end and h < t1:
            if h >= t0:
                part = min(b.end, h + 1) - max(b.start, h)
                share[h] = share.get(h, 0.0) + part
            h += 1
    return sorted(share.items())


def after(blocks: Iterable[Block], skip: float) -> list[Block]:
    """``blocks`` without their first ``skip`` hours."""
    out = []
    for b in blocks:
        if skip >= b.hours:
            skip -= b.hours
            continue
        out.append(Block(b.duty, b.start + max(0.0, skip), b.end))
        skip = 0.0
    return out
