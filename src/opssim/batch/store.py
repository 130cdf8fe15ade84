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
"""

import csv
import io
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from opssim.atomic import replace_atomically, write_text_atomically

from .rows import Kind, Row, key_of

FORMATS = {".csv": "csv", ".parquet": "parquet"}


class StoreError(ValueError):
    """A results file that cannot be written or resumed."""


class RowStore:
    """Rows of finished runs, in memory and (with a ``path``) streamed to a file."""

    def __init__(self, path: Path | None, columns: dict[str, Kind], resume: bool = False) -> None:
        self.path = path
        self.columns = columns
        self.rows: list[Row] = []
        self._sink: _CsvSink | _ParquetSink | None = None
        if path is not None:
            kind = FORMATS.get(path.suffix.lower())
            if kind is None:
                raise StoreError(f"{path}: use a .csv or .parquet file name")
            if not path.parent.is_dir():
                raise StoreError(f"{path}: folder {path.parent} does not exist")
            sink = _CsvSink(path, columns) if kind == "csv" else _ParquetSink(path, columns)
            self.rows = _dedupe(sink.open(resume))
            self._sink = sink
        self.resumed = len(self.rows)

    def done(self) -> set[tuple[str, str, int]]:
        """Keys (scenario hash, policy, seed) of the runs already stored."""
        return {key_of(r) for r in self.rows}

    def add(self, rows: list[Row]) -> None:
        """Keep ``rows`` and write them through to the file at once."""
        rows = [_normalize(r, self.columns) for r in rows]
        self.rows.extend(rows)
        if self._sink is not None:
            self._sink.write(rows)

    def finish(self, order: Callable[[Row], Any]) -> None:
        """Sort the rows by ``order`` and write the final file atomically."""
        self.rows.sort(key=order)
        if self._sink is not None:
            self._sink.finish(self.rows)
            self._sink = None

    def close(self) -> None:
        """Stop writing (after an interruption): every row added so far is on disk."""
        if self._sink is not None:
            self._sink.close()
            self._sink = None


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
                raise StoreError(f"{self.path}: cannot write it ({exc.strerror})") from None
            self.writer = csv.writer(self.fh)
            self.writer.writerow(self.columns)
            _sync(self.fh)
        return rows

    def _read(self) -> list[Row]:
        raw = self.path.read_bytes()
        if raw and not raw.endswith(b"\n"):
            # The last line was cut short by a crash: drop it, the run is redone.
            raw = raw[: raw.rfind(b"\n") + 1]
            with self.path.open("r+b") as fh:
                fh.truncate(len(raw))
        lines = raw.decode("utf-8").splitlines(keepends=True)
        reader = csv.reader(lines)
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
                raise StoreError(f"{self.path}:{n}: expected {len(header)} values, "
                                 f"found {len(values)}")
            try:
                rows.append({c: _parse(v, self.columns[c]) for c, v in zip(header, values,
                                                                           strict=True)})
            except ValueError as exc:
                raise StoreError(f"{self.path}:{n}: {exc}") from None
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
            f"{path}: its columns do not match these runs ({detail}): "
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
            raise StoreError(f"{self.journal}: cannot write it ({exc.strerror})") from None
        return rows

    def _read_parquet(self) -> list[Row]:
        try:
            table = self.pa.parquet.read_table(self.path)
        except Exception as exc:
            raise StoreError(f"{self.path}: not a readable Parquet file ({exc})") from None
        _check_columns(self.path, table.column_names, self.columns)
        return table.to_pylist()

    def _read_journal(self) -> list[Row]:
        raw = self.journal.read_bytes()
        if raw and not raw.endswith(b"\n"):
            raw = raw[: raw.rfind(b"\n") + 1]
            with self.journal.open("r+b") as fh:
                fh.truncate(len(raw))
        rows = []
        for n, line in enumerate(raw.decode("utf-8").splitlines(), start=1):
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                raise StoreError(f"{self.journal}:{n}: not a JSON row") from None
            _check_columns(self.journal, list(row), self.columns)
            rows.append(row)
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
