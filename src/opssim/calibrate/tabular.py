"""CSV and Parquet events, read column by column with pyarrow (or, for CSV without pyarrow,
row by row with the standard library: slower, the same result).

pyarrow reads in batches (a CSV is never held whole as text), parses ISO 8601 times in C++,
and dictionary-encodes the user and event columns, so ten million events take seconds and
well under a gigabyte. A bad value is found by halving the batch it spoiled, so the error
can name its line.
"""

import csv
import difflib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from opssim.calibrate.errors import CalibrationError, Dropped
from opssim.calibrate.events import Events, from_rows
from opssim.calibrate.timeparse import iso_us, number_us

BATCH_BYTES = 16 << 20


@dataclass(frozen=True)
class Columns:
    """Which columns hold the user, the event, the time and (optionally) the channel, and how
    the time is written: ``iso`` text, or a number of ``s``, ``ms`` or ``us`` since the epoch."""

    user: str
    event: str
    time: str
    channel: str | None = None
    time_kind: str = "iso"

    def roles(self) -> dict[str, str]:
        """Column name by role, the channel only when one is named."""
        out = {"user": self.user, "event": self.event, "time": self.time}
        if self.channel:
            out["channel"] = self.channel
        return out


PER_SECOND = {"s": 1, "ms": 1000, "us": 1_000_000}


def have_pyarrow() -> bool:
    """Whether the fast reader is installed (the ``calibrate`` extra)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def header_of(path: Path) -> list[str]:
    """The column names of a CSV (its first line) or a Parquet file."""
    if path.suffix.lower() == ".parquet":
        if not have_pyarrow():
            raise CalibrationError(
                f"{path.name}: reading Parquet needs pyarrow: pip install 'opssim[calibrate]'")
        import pyarrow.parquet as pq

        try:
            return list(pq.read_schema(path).names)
        except Exception as exc:  # pyarrow raises its own errors for a file that is not Parquet
            raise CalibrationError(f"{path.name}: not a Parquet file ({exc})") from None
    with path.open(encoding="utf-8-sig", newline="") as f:
        try:
            return next(csv.reader(f), [])
        except (csv.Error, UnicodeDecodeError) as exc:
            raise CalibrationError(f"{path.name}:1: not a CSV header ({exc})") from None


def check_columns(path: Path, have: list[str], cols: Columns) -> Columns:
    """``cols`` if every named column is there (a missing channel is dropped); else an error
    naming the missing column and the nearest one present."""
    for role, name in cols.roles().items():
        if name in have:
            continue
        if role == "channel":
            return Columns(cols.user, cols.event, cols.time, None, cols.time_kind)
        near = difflib.get_close_matches(name, have, n=1)
        hint = f"; did you mean {near[0]!r}?" if near else f" (it has: {', '.join(have[:12])})"
        raise CalibrationError(f"{path.name}: no {role} column {name!r}{hint}")
    return cols


def read_tabular(path: Path, cols: Columns, drop_bad: bool = False) -> Events:
    """The events of a CSV or Parquet file with these columns."""
    cols = check_columns(path, header_of(path), cols)
    if have_pyarrow():
        return _Arrow(path, cols, drop_bad).read()
    if path.suffix.lower() == ".parquet":
        raise CalibrationError(f"{path.name}: reading Parquet needs pyarrow")
    return _read_csv_stdlib(path, cols, drop_bad)


def _bad_time(where: str, value: object, cols: Columns) -> CalibrationError:
    kind = "an ISO 8601 time" if cols.time_kind == "iso" else f"a number of {cols.time_kind}"
    return CalibrationError(
        f"{where}: {cols.time} {value!r} is not {kind} (--drop-bad drops such rows and goes on)")


def _read_csv_stdlib(path: Path, cols: Columns, drop_bad: bool) -> Events:
    dropped = Dropped()

    def rows():
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            for row in reader:
                line = reader.line_num
                raw = row.get(cols.time)
                t = (iso_us(raw) if cols.time_kind == "iso"
                     else number_us(raw, PER_SECOND[cols.time_kind]))
                if t is None and raw not in (None, ""):
                    if not drop_bad:
                        raise _bad_time(f"{path.name}:{line}", raw, cols)
                    dropped.add("rows with an unreadable time", 1, f"{path.name}:{line}")
                    continue
                yield (line, row.get(cols.user), row.get(cols.event), t,
                       row.get(cols.channel) if cols.channel else None)

    try:
        ev = from_rows(path.name, rows())
    except (csv.Error, UnicodeDecodeError) as exc:
        raise CalibrationError(f"{path.name}: not a readable CSV ({exc})") from None
    assert ev.dropped is not None
    for reason, n in dropped.reasons.items():
        ev.dropped.add(reason, n, dropped.examples.get(reason, ""))
    return ev


class _Arrow:
    """One pass over a file in record batches; codes unified across batches at the end."""

    def __init__(self, path: Path, cols: Columns, drop_bad: bool) -> None:
        self.path, self.cols, self.drop_bad = path, cols, drop_bad
        self.parquet = path.suffix.lower() == ".parquet"
        self.first_line = 1 if self.parquet else 2  # CSV: line 1 is the header
        self.dropped = Dropped()
        self.bad_rows: list[int] = []  # dropped with --drop-bad: counted once, not as empty

    def batches(self):
        import pyarrow as pa
        import pyarrow.csv as pv
        import pyarrow.parquet as pq

        names = list(self.cols.roles().values())
        if self.parquet:
            yield from pq.ParquetFile(self.path).iter_batches(batch_size=1 << 20, columns=names)
            return
        text = pa.dictionary(pa.int32(), pa.string())
        # Users as plain text: millions of distinct ids make per-batch dictionaries (and
        # unifying them) cost more than one dictionary encoding of the whole column.
        types = {self.cols.user: pa.string(), self.cols.event: text,
                 self.cols.time: pa.string() if self.cols.time_kind == "iso" else pa.float64()}
        if self.cols.channel:
            types[self.cols.channel] = text
        reader = pv.open_csv(
            self.path,
            read_options=pv.ReadOptions(block_size=BATCH_BYTES, encoding="utf8"),
            convert_options=pv.ConvertOptions(column_types=types, include_columns=names,
                                              strings_can_be_null=True),
        )
        yield from reader

    def read(self) -> Events:
        import pyarrow as pa

        parts: dict[str, list] = {"user": [], "event": [], "channel": [], "time": []}
        row = 0
        try:
            for batch in self.batches():
                for role, name in self.cols.roles().items():
                    col = batch.column(batch.schema.get_field_index(name))
                    if role == "time":
                        parts[role].append(self._times(col, row))
                    elif role == "user":
                        parts[role].append(_as_text(col))
                    else:
                        parts[role].append(_as_dictionary(col))
                row += batch.num_rows
        except pa.ArrowInvalid as exc:
            raise CalibrationError(f"{self.path.name}: {_first_line(exc)}") from None
        except (OSError, pa.ArrowException) as exc:
            raise CalibrationError(f"{self.path.name}: cannot read ({_first_line(exc)})") from None
        users, user_names = _user_codes(parts["user"])
        events, event_names = _codes(parts["event"])
        if parts["channel"]:
            channels, channel_names = _codes(parts["channel"])
        else:
            channels, channel_names = np.full(row, -1, dtype=np.int64), []
        t = np.concatenate(parts["time"]) if parts["time"] else np.zeros(0, dtype=np.int64)
        t[self.bad_rows] = np.iinfo(np.int64).min + 1
        ev = Events(self.path.name, users, user_names, events.astype(np.int32), event_names,
                    t, channels.astype(np.int32), channel_names, None,
                    "row" if self.parquet else "line", self.dropped, self.first_line)
        t_ok = t > np.iinfo(np.int64).min + 1
        ok = (users >= 0) & (events >= 0) & t_ok
        if not ok.all():
            for what, missing in (("user", users < 0), ("event", events < 0),
                                  ("time", (t == np.iinfo(np.int64).min) & (users >= 0)
                                   & (events >= 0))):
                if missing.any():
                    self.dropped.add(f"rows without a {what}", int(missing.sum()),
                                     ev.where(int(np.argmax(missing))))
            ev = ev.keep(ok)
        return ev

    def _times(self, col, row0: int) -> np.ndarray:
        """µs since the epoch; int64 min where the cell is empty (or bad, with --drop-bad)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if isinstance(col, pa.ChunkedArray):
            col = col.combine_chunks()
        if pa.types.is_timestamp(col.type):
            us = col.cast(pa.timestamp("us", col.type.tz)).cast(pa.int64())
        elif pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
            if self.cols.time_kind == "iso":
                raise CalibrationError(f"{self.path.name}: column {self.cols.time!r} holds "
                                       "numbers, not ISO 8601 times")
            scale = 1_000_000 // PER_SECOND[self.cols.time_kind]
            us = pc.multiply(col.cast(pa.float64()), float(scale))
            if pc.any(pc.is_nan(us)).as_py():
                raise CalibrationError(f"{self.path.name}: column {self.cols.time!r} has NaN")
            us = pc.round(us).cast(pa.int64())
        else:
            if self.cols.time_kind != "iso":
                col = col.cast(pa.string())
                return self._numbers_from_text(col, row0)
            us = self._parse_iso(col.cast(pa.string()), row0).cast(pa.int64())
        return us.fill_null(np.iinfo(np.int64).min).to_numpy(zero_copy_only=False)

    def _numbers_from_text(self, col, row0: int) -> np.ndarray:
        scale = PER_SECOND[self.cols.time_kind]
        out = np.empty(len(col), dtype=np.int64)
        for i, v in enumerate(col.to_pylist()):
            us = number_us(v, scale) if v is not None else None
            if us is None and v is not None:
                self._bad(row0 + i, v)
            out[i] = np.iinfo(np.int64).min if us is None else us
        return out

    def _parse_iso(self, col, row0: int):
        """Cast text to UTC times (a zone offset or none, meaning UTC); a value neither cast
        takes is found by halving, and named by its line (or made null with --drop-bad)."""
        import pyarrow as pa

        for target in (pa.timestamp("us", "UTC"), pa.timestamp("us")):
            try:
                return col.cast(target).cast(pa.timestamp("us"))
            except pa.ArrowInvalid:
                continue
        if len(col) == 1:
            self._bad(row0, col[0].as_py())
            return pa.nulls(1, pa.timestamp("us"))
        half = len(col) // 2
        return pa.concat_arrays([self._parse_iso(col.slice(0, half), row0),
                                 self._parse_iso(col.slice(half), row0 + half)])

    def _bad(self, row: int, value: object) -> None:
        where = (f"{self.path.name} row {row + self.first_line}" if self.parquet
                 else f"{self.path.name}:{row + self.first_line}")
        if not self.drop_bad:
            raise _bad_time(where, value, self.cols)
        self.bad_rows.append(row)
        self.dropped.add("rows with an unreadable time", 1, where)


def _as_dictionary(col):
    import pyarrow as pa

    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    if pa.types.is_dictionary(col.type):
        if not pa.types.is_string(col.type.value_type):
            col = col.cast(pa.dictionary(col.type.index_type, pa.string()))
        return col
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        col = col.cast(pa.string())
    return col.dictionary_encode()


def _as_text(col):
    import pyarrow as pa

    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    if pa.types.is_dictionary(col.type):
        col = col.dictionary_decode()
    if not pa.types.is_string(col.type):
        col = col.cast(pa.string())
    return col


FNV_OFFSET, FNV_PRIME = np.uint64(0xCBF29CE484222325), np.uint64(0x100000001B3)


def hash_strings(arr) -> np.ndarray:
    """64-bit FNV-1a of each string of an Arrow string array, computed byte position by
    byte position over all strings at once (numpy, no Python loop per string); 0 for null.

    Two distinct ids share a hash with a probability of about n² / 2⁶⁵ (2e-7 for 2.5M users),
    a risk taken for memory: Arrow's dictionary encoding of millions of ids needed ~700 MB."""
    n = len(arr)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset:arr.offset + n + 1]
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8) if arr.buffers()[2] else \
        np.zeros(0, np.uint8)
    lengths = np.diff(offsets)
    h = np.full(n, FNV_OFFSET, dtype=np.uint64)
    rows = np.arange(n)
    for k in range(int(lengths.max()) if n else 0):
        rows = rows[lengths[rows] > k]
        h[rows] = (h[rows] ^ data[offsets[rows] + k]) * FNV_PRIME
    h[lengths == 0] = 0
    if arr.null_count:
        h[~np.asarray(arr.is_valid())] = 0
    return h


class HashedNames:
    """User ids by code, looked up only for messages: the first row with that code."""

    def __init__(self, chunks: list, codes: np.ndarray, n: int) -> None:
        self.chunks, self.codes, self.n = chunks, codes, n
        self.starts = np.cumsum([0] + [len(c) for c in chunks])

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, code: int) -> str:
        row = int(np.argmax(self.codes == code))
        b = int(np.searchsorted(self.starts, row, side="right")) - 1
        return str(self.chunks[b][row - int(self.starts[b])].as_py())


def _user_codes(chunks: list) -> tuple[np.ndarray, HashedNames]:
    """Dense codes of the user ids of every batch: hashed, then ranked by one sort."""
    if not chunks:
        return np.zeros(0, dtype=np.int64), HashedNames([], np.zeros(0, np.int64), 0)
    h = np.concatenate([hash_strings(c) for c in chunks])
    if len(h) == 0:
        return np.zeros(0, dtype=np.int32), HashedNames([], np.zeros(0, np.int32), 0)
    # Rank by one argsort (a searchsorted of every row took longer than the sort).
    order = np.argsort(h)
    ranked = h[order]
    new = np.empty(len(h), dtype=bool)
    new[0] = True
    np.not_equal(ranked[1:], ranked[:-1], out=new[1:])
    none = bool(ranked[0] == 0)  # null or empty: no user
    del ranked, h
    codes = np.empty(len(order), dtype=np.int32)
    codes[order] = np.cumsum(new, dtype=np.int32) - (1 + int(none))
    return codes, HashedNames(chunks, codes, int(new.sum()) - int(none))


def _codes(chunks: list) -> tuple[np.ndarray, list[str]]:
    """Unified dense codes (-1 for null or empty) and their names, over every batch."""
    import pyarrow as pa

    if not chunks:
        return np.zeros(0, dtype=np.int64), []
    chunks = [c.cast(pa.dictionary(pa.int32(), pa.string())) for c in chunks]
    unified = pa.chunked_array(chunks).unify_dictionaries()
    names = unified.chunk(0).dictionary.to_pylist()
    codes = np.concatenate([
        c.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        for c in unified.chunks
    ])
    if "" in names:  # an empty string is no value, as a missing one
        codes[codes == names.index("")] = -1
    return codes, names


def _first_line(exc: Exception) -> str:
    return " ".join(str(exc).split("\n")[0].split())
