"""Events as columns: every reader and adapter ends here, whatever the export looked like."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from opssim.calibrate.errors import CalibrationError, Dropped

#: Timestamps outside [2000-01-01, 2100-01-01) UTC are out of range (a zero epoch, a year typo).
EARLIEST_US = 946_684_800 * 1_000_000
LATEST_US = 4_102_444_800 * 1_000_000
US_PER_HOUR = 3_600_000_000


@dataclass
class Events:
    """One row per event: integer codes into name tables, times in µs since the Unix epoch.

    A code of -1 means the row had no value (no channel, say). ``lines[i]`` is where row ``i``
    was in the file (a line for text, a row number for Parquet), for error messages.
    """

    source: str
    users: np.ndarray  # int64 codes into user_names
    user_names: Sequence[str]
    events: np.ndarray  # int32 codes into event_names
    event_names: list[str]
    t_us: np.ndarray  # int64
    channels: np.ndarray  # int32 codes into channel_names, -1 when the row has none
    channel_names: list[str]
    lines: np.ndarray | None  # int64; None: row i is at line i + first_line
    unit: str = "line"  # "line" or "row"
    dropped: Dropped | None = None
    first_line: int = 2

    def __post_init__(self) -> None:
        if self.dropped is None:
            self.dropped = Dropped()

    def __len__(self) -> int:
        return len(self.t_us)

    def where(self, i: int) -> str:
        """``events.csv:12`` (a text line) or ``events.parquet row 12``."""
        n = int(self.lines[i]) if self.lines is not None else i + self.first_line
        return f"{self.source}:{n}" if self.unit == "line" else f"{self.source} row {n}"

    def keep(self, mask: np.ndarray) -> "Events":
        """These events, rows where ``mask`` is true only (the name tables are shared)."""
        lines = (self.lines[mask] if self.lines is not None
                 else np.flatnonzero(mask) + self.first_line)
        return Events(self.source, self.users[mask], self.user_names, self.events[mask],
                      self.event_names, self.t_us[mask], self.channels[mask],
                      self.channel_names, lines, self.unit, self.dropped)


class Coder:
    """Strings to dense integer codes in order of first sight (None and "" → -1)."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}

    def __call__(self, value: object) -> int:
        if value is None or value == "":
            return -1
        key = str(value)
        code = self.codes.get(key)
        if code is None:
            code = self.codes[key] = len(self.codes)
        return code

    @property
    def names(self) -> list[str]:
        return list(self.codes)


def from_rows(source: str, rows: Iterable[tuple[int, object, object, int | None, object]],
              unit: str = "line") -> Events:
    """Events from ``(line, user, event, t_us or None, channel)`` tuples (the JSON adapters).

    Rows missing a user, an event or a time are dropped and counted.
    """
    users, events, chans = Coder(), Coder(), Coder()
    cols: tuple[list[int], list[int], list[int], list[int], list[int]] = ([], [], [], [], [])
    dropped = Dropped()
    for line, user, event, t_us, channel in rows:
        u, e = users(user), events(event)
        if u < 0 or e < 0 or t_us is None:
            missing = "user" if u < 0 else "event" if e < 0 else "time"
            dropped.add(f"rows without a {missing}", 1, f"{source}:{line}")
            continue
        for col, v in zip(cols, (line, u, e, t_us, chans(channel)), strict=True):
            col.append(v)
    lines, u, e, t, c = (np.asarray(col, dtype=np.int64) for col in cols)
    ev = Events(source, u, users.names, e.astype(np.int32), events.names, t,
                c.astype(np.int32), chans.names, lines, unit, dropped)
    return ev


def check_range(ev: Events, drop_bad: bool) -> Events:
    """Stop at the first timestamp outside the allowed years, or drop them all (counted)."""
    bad = (ev.t_us < EARLIEST_US) | (ev.t_us >= LATEST_US)
    if not bad.any():
        return ev
    i = int(np.argmax(bad))
    stamp = np.datetime_as_string(np.datetime64(int(ev.t_us[i]), "us"), unit="s")
    if not drop_bad:
        raise CalibrationError(
            f"{ev.where(i)}: timestamp {stamp}Z is out of range (2000 to 2099); "
            f"{int(bad.sum()):,} such row(s) (--drop-bad drops them and goes on)"
        )
    assert ev.dropped is not None
    ev.dropped.add("rows with a timestamp out of range (2000 to 2099)", int(bad.sum()),
                   ev.where(i))
    return ev.keep(~bad)
