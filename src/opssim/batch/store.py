"""Stores: rows of finished runs, streamed to a CSV or Parquet file as they arrive.

Nothing finished is lost to a crash or Ctrl-C:

* **CSV** rows are appended and flushed to disk as each task finishes; a torn last line
  (the process killed mid-write) is dropped when the file is resumed.
* **Parquet** cannot be appended to, so rows stream to a journal beside it
  (``FILE.parquet.partial.jsonl``, one JSON object a line) and the Parquet file is written at
  the end, atomically (a temporary file renamed over it); ``--resume`` reads both.

When a batch completes, the file is rewritten in a fixed order (atomically), so the same
scenario, seeds and policies give the same file whatever the number of workers or the order
in which runs finished. Parquet needs ``pyarrow`` (``pip install 'opssim[parquet]'``).

A file has one writer at a time: a lock (``.FILE.lock`` beside it, held with ``flock``) makes
a second batch on the same ``--out`` fail at once. Only a regular file (or a new path) is
written or read; a damaged file (not UTF-8, a huge field, NUL bytes) is refused in one line,
and a full disk stops the batch with one line, every row written before it kept.
"""

import contextlib
import csv
import errno
import io
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from opssim.atomic import replace_atomically, write_text_atomically
from opssim.safeio import check_output, display_path, loads_json, read_regular

from .rows import Kind, Row, key_of

FORMATS = {".csv": "csv", ".parquet": "parquet"}

#: Largest results file read back on ``--resume`` (a million runs are about 1 GB).
MAX_RESUME_BYTES = 8_000_000_000

#: Longest CSV field read back (the weekly series of a two-year run is about 15 kB).
MAX_FIELD = 100_000


class StoreError(ValueError):
    """A results file that cannot be written or resumed."""


class StoreWriteError(StoreError):
    """Rows could not be written (a full disk, a lost device): every row written before is
    in the file, and ``--resume`` goes on from there."""


def _write_failed(path: Path, exc: OSError, written: int) -> StoreWriteError:
    return StoreWriteError(
        f"cannot write {display_path(path)} ({exc.strerror or exc}); {written} runs are saved "
        f"in it: make room and add --resume to go on"
    )


class RowStore:
    """Rows of finished runs, in memory and (with a ``path``) streamed to a file."""

    def __init__(self, path: Path | None, columns: dict[str, Kind], resume: bool = False) -> None:
        self.path = path
        self.columns = columns
        self.rows: list[Row] = []
        self._sink: _CsvSink | _ParquetSink | None = None
        self._lock: _Lock | None = None
        self.written = 0  # rows on disk
        if path is not None:
            kind = FORMATS.get(path.suffix.lower())
            shown = display_path(path)
            if kind is None:
                raise StoreError(f"{shown}: use a .csv or .parquet file name")
            if not path.parent.is_dir():
                raise StoreError(f"{shown}: folder {display_path(path.parent)} does not exist")
            sink = _CsvSink(path, columns) if kind == "csv" else _ParquetSink(path, columns)
            for target in sink.files():
                try:
                    check_output(target)
                except OSError as exc:
                    raise StoreError(f"{display_path(target)}: {exc.strerror}") from None
            self._lock = _Lock(path)
            try:
                self.rows = _dedupe(sink.open(resume))
            except BaseException:
                self._lock.release()
                raise
            self._sink = sink
        self.resumed = self.written = len(self.rows)

    def done(self) -> set[tuple[str, str, int]]:
        """Keys (scenario hash, policy, seed) of the runs already stored."""
        return {key_of(r) for r in self.rows}

    def add(self, rows: list[Row]) -> None:
        """Keep ``rows`` and write them through to the file at once."""
        rows = [_normalize(r, self.columns) for r in rows]
        self.rows.extend(rows)
        if self._sink is not None:
            try:
                self._sink.write(rows)
            except OSError as exc:
                assert self.path is not None
                raise _write_failed(self.path, exc, self.written) from None
            self.written += len(rows)

    def finish(self, order: Callable[[Row], Any]) -> None:
        """Sort the rows by ``order`` and write the final file atomically."""
        self.rows.sort(key=order)
        if self._sink is not None:
            try:
                self._sink.finish(self.rows)
            except OSError as exc:  # the appended file stays whole; the sorted copy is lost
                assert self.path is not None
                self.close()
                raise _write_failed(self.path, exc, self.written) from None
            self._sink = None
        self._release()

    def close(self) -> None:
        """Stop writing (after an interruption): every row added so far is on disk."""
        if self._sink is not None:
            with contextlib.suppress(OSError):  # a full disk: what was written stays
                self._sink.close()
            self._sink = None
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None


class _Lock:
    """An exclusive ``flock`` on ``.NAME.lock`` beside ``path``, or :class:`StoreError`
    naming the process that holds it."""

    def __init__(self, path: Path) -> None:
        self.path = path.with_name(f".{path.name}.lock")
        self.fd: int | None = None
        try:
            import fcntl
        except ImportError:  # not POSIX (Windows): no lock
            return
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW
                             | os.O_CLOEXEC | os.O_NONBLOCK, 0o644)
            except OSError as exc:
                raise StoreError(f"{display_path(self.path)}: cannot lock it "
                                 f"({exc.strerror})") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                holder = _read_pid(fd)
                os.close(fd)
                if exc.errno not in (errno.EWOULDBLOCK, errno.EACCES):
                    raise StoreError(f"{display_path(self.path)}: cannot lock it "
                                     f"({exc.strerror})") from None
                raise StoreError(
                    f"{display_path(path)} is being written by another opssim"
                    f"{f' (process {holder})' if holder else ''}: wait for it, or use "
                    "another --out") from None
            # The holder before us may have removed the file after we opened it: lock the
            # file that is there now, or try again.
            try:
                same = os.stat(self.path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd

    def release(self) -> None:
        """Remove the lock file and let go of the lock."""
        if self.fd is not None:
            with contextlib.suppress(OSError):
                self.path.unlink()
            os.close(self.fd)
            self.fd = None


def _read_pid(fd: int) -> str:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return text if text.isdigit() else ""


def _dedupe(rows: Iterable[Row]) -> list[Row]:
    seen: set[tuple[str, str, int]] = set()
    out = []
    for row in rows:
        key = key_of(row)
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


def _normalize(row: Row, columns: dict[str, Kind]) -> Row:
    """``row`` with every column present and each value of its column's type."""
    out: Row = {}
    for c, kind in columns.items():
        v = row.get(c)
        if v is not None and kind != "str":
            v = int(v) if kind == "int" else float(v)
        out[c] = v
    return out


def _parse(value: str, kind: Kind) -> Any:
    if kind == "str":
        return value
    if value == "":
        return None
    return int(value) if kind == "int" else float(value)


def _sync(fh: IO[Any]) -> None:
    fh.flush()
    os.fsync(fh.fileno())


class _CsvSink:
    def __init__(self, path: Path, columns: dict[str, Kind]) -> None:
        self.path = path
        self.columns = columns
        self.fh: IO[str] | None = None
        self.writer: Any = None

    def files(self) -> list[Path]:
        return [self.path]

    def open(self, resume: bool) -> list[Row]:
        rows: list[Row] = []
        if resume and self.path.exists():
            rows = self._read()
            self.fh = self.path.open("a", newline="", encoding="utf-8")
            self.writer = csv.writer(self.fh)
        else:
            try:
                self.fh = self.path.open("w", newline="", encoding="utf-8")
            except OSError as exc:
                raise StoreError(f"{display_path(self.path)}: cannot write it "
                                 f"({exc.strerror})") from None
            self.writer = csv.writer(self.fh)
            try:
                self.writer.writerow(self.columns)
                _sync(self.fh)
            except OSError as exc:
                raise _write_failed(self.path, exc, 0) from None
        return rows

    def _read(self) -> list[Row]:
        shown = display_path(self.path)
        raw = _read_back(self.path)
        if raw and not raw.endswith(b"\n"):
            # The last line was cut short by a crash: drop it, the run is redone.
            raw = raw[: raw.rfind(b"\n") + 1]
            with self.path.open("r+b") as fh:
                fh.truncate(len(raw))
        if b"\0" in raw:  # two writers at once, or a damaged disk
            line = raw[: raw.index(b"\0")].count(b"\n") + 1
            raise StoreError(f"{shown}:{line}: damaged (NUL bytes): use another --out, or "
                             "drop --resume to replace it")
        try:
            lines = raw.decode("utf-8").splitlines(keepends=True)
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise StoreError(f"{shown}:{line}: not UTF-8: use another --out, or drop "
                             "--resume to replace it") from None
        reader = csv.reader(lines)
        limit = csv.field_size_limit()
        csv.field_size_limit(MAX_FIELD)
        try:
            return self._rows(reader, shown)
        except csv.Error as exc:
            raise StoreError(f"{shown}:{reader.line_num}: not a readable CSV row ({exc}): use "
                             "another --out, or drop --resume to replace it") from None
        finally:
            csv.field_size_limit(limit)

    def _rows(self, reader: Any, shown: str) -> list[Row]:
        header = next(reader, None)
        if header is None:  # an empty file: give it its header, atomically like every rewrite
            line = io.StringIO(newline="")
            csv.writer(line).writerow(self.columns)
            write_text_atomically(self.path, line.getvalue())
            return []
        _check_columns(self.path, header, self.columns)
        rows = []
        for n, values in enumerate(reader, start=2):
            if len(values) != len(header):
                raise StoreError(f"{shown}:{n}: expected {len(header)} values, "
                                 f"found {len(values)}")
            try:
                rows.append({c: _parse(v, self.columns[c]) for c, v in zip(header, values,
                                                                           strict=True)})
            except ValueError as exc:
                raise StoreError(f"{shown}:{n}: {str(exc)[:200]}") from None
        return rows

    def write(self, rows: list[Row]) -> None:
        assert self.fh is not None
        self.writer.writerows([_csv_values(r, self.columns) for r in rows])
        _sync(self.fh)

    def finish(self, rows: list[Row]) -> None:
        self.close()

        def write(tmp: Path) -> None:
            with tmp.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(self.columns)
                writer.writerows([_csv_values(r, self.columns) for r in rows])
                _sync(fh)

        replace_atomically(self.path, write)

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()
            self.fh = None


def _csv_values(row: Row, columns: dict[str, Kind]) -> list[Any]:
    return ["" if row.get(c) is None else row[c] for c in columns]


def _read_back(path: Path) -> bytes:
    """The bytes of a results file to resume (a regular file only)."""
    try:
        return read_regular(path, MAX_RESUME_BYTES)
    except OSError as exc:
        raise StoreError(f"{display_path(path)}: cannot read it ({exc.strerror})") from None


def _check_columns(path: Path, found: list[str], columns: dict[str, Kind]) -> None:
    if list(found) != list(columns):
        missing = [c for c in columns if c not in found]
        extra = [c for c in found if c not in columns]
        detail = "; ".join(
            part for part in (
                f"missing {', '.join(missing[:4])}" if missing else "",
                f"unexpected {', '.join(extra[:4])}" if extra else "",
            ) if part
        ) or "in another order"
        raise StoreError(
            f"{display_path(path)}: its columns do not match these runs ({detail}): "
            "use another --out, or drop --resume to replace it"
        )


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise StoreError(
            "Parquet files need pyarrow, which is not installed: "
            "pip install 'opssim[parquet]' (or write a .csv file)"
        ) from None
    return pyarrow


class _ParquetSink:
    def __init__(self, path: Path, columns: dict[str, Kind]) -> None:
        self.pa = _pyarrow()
        self.path = path
        self.columns = columns
        self.journal = path.with_name(path.name + ".partial.jsonl")
        self.fh: IO[str] | None = None

    def files(self) -> list[Path]:
        return [self.path, self.journal]

    def open(self, resume: bool) -> list[Row]:
        rows: list[Row] = []
        if resume:
            if self.path.exists():
                rows.extend(self._read_parquet())
            if self.journal.exists():
                rows.extend(self._read_journal())
        else:
            self.path.unlink(missing_ok=True)
            self.journal.unlink(missing_ok=True)
        try:
            self.fh = self.journal.open("a", encoding="utf-8")
        except OSError as exc:
            raise StoreError(f"{display_path(self.journal)}: cannot write it "
                             f"({exc.strerror})") from None
        return rows

    def _read_parquet(self) -> list[Row]:
        raw = _read_back(self.path)  # a regular file, read once
        try:
            table = self.pa.parquet.read_table(self.pa.BufferReader(raw))
        except Exception as exc:
            message = " ".join(str(exc).split())[:200]
            raise StoreError(f"{display_path(self.path)}: not a readable Parquet file "
                             f"({message})") from None
        _check_columns(self.path, table.column_names, self.columns)
        return table.to_pylist()

    def _read_journal(self) -> list[Row]:
        shown = display_path(self.journal)
        raw = _read_back(self.journal)
        if raw and not raw.endswith(b"\n"):
            raw = raw[: raw.rfind(b"\n") + 1]
            with self.journal.open("r+b") as fh:
                fh.truncate(len(raw))
        rows = []
        for n, line in enumerate(raw.split(b"\n")[:-1], start=1):
            try:
                row = loads_json(line.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise StoreError(f"{shown}:{n}: not a JSON row: use another --out, or drop "
                                 "--resume to replace it") from None
            if not isinstance(row, dict):
                raise StoreError(f"{shown}:{n}: not a JSON row (an object)")
            _check_columns(self.journal, list(row), self.columns)
            try:
                rows.append(_normalize(row, self.columns))
            except (TypeError, ValueError, OverflowError):
                raise StoreError(f"{shown}:{n}: a value of the wrong type") from None
        return rows

    def write(self, rows: list[Row]) -> None:
        assert self.fh is not None
        self.fh.writelines(json.dumps({c: r.get(c) for c in self.columns}) + "\n" for r in rows)
        _sync(self.fh)

    def finish(self, rows: list[Row]) -> None:
        self.close()
        pa = self.pa
        types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64()}
        schema = pa.schema([(c, types[k]) for c, k in self.columns.items()])
        table = pa.Table.from_pylist([{c: r.get(c) for c in self.columns} for r in rows],
                                     schema=schema)
        replace_atomically(self.path, lambda tmp: pa.parquet.write_table(table, tmp))
        self.journal.unlink(missing_ok=True)

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()
            self.fh = None
