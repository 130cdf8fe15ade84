"""Exports of analytics tools, each read by a small adapter into :class:`Events`.

* ``canonical``: CSV or Parquet with ``user_id,event,timestamp[,channel]`` (ISO 8601, UTC);
* ``ga4``: GA4's BigQuery export (``user_pseudo_id``, ``event_name``, ``event_timestamp`` in
  µs; the channel from ``traffic_source.source``), as Parquet, CSV or JSON lines;
* ``mixpanel``: Mixpanel's raw export, JSON lines of ``event`` and ``properties`` (``time`` in
  seconds, ``distinct_id``, ``$insert_id`` — repeated ids are one event; ``utm_source``);
* ``amplitude``: Amplitude's export, JSON lines (``event_type``, ``user_id`` or else
  ``device_id``, ``event_time`` in UTC, ``$insert_id``; ``user_properties.utm_source``);
* ``posthog``: PostHog's events export as CSV (``distinct_id``, ``event``, ``timestamp``;
  ``properties.utm_source``).
"""

import gzip
import json
from collections.abc import Callable, Iterator
from pathlib import Path

from opssim.calibrate.errors import CalibrationError
from opssim.calibrate.events import Events, from_rows
from opssim.calibrate.tabular import Columns, header_of, read_tabular
from opssim.calibrate.timeparse import iso_us, number_us

SOURCES = ("canonical", "ga4", "mixpanel", "amplitude", "posthog")

TABLES = {
    "canonical": Columns("user_id", "event", "timestamp", "channel", "iso"),
    "ga4": Columns("user_pseudo_id", "event_name", "event_timestamp", "traffic_source.source",
                   "us"),
    "posthog": Columns("distinct_id", "event", "timestamp", "properties.utm_source", "iso"),
}
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")


def _get(record: dict, path: str) -> object:
    """``record['a']['b']`` for ``a.b`` (None when any step is missing)."""
    value: object = record
    for key in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _mixpanel(rec: dict) -> tuple[object, object, int | None, object, object]:
    props = rec.get("properties") if isinstance(rec.get("properties"), dict) else {}
    assert isinstance(props, dict)
    return (props.get("distinct_id"), rec.get("event"), number_us(props.get("time"), 1),
            props.get("utm_source"), props.get("$insert_id"))


def _amplitude(rec: dict) -> tuple[object, object, int | None, object, object]:
    user = rec.get("user_id") or rec.get("device_id")
    return (user, rec.get("event_type"), iso_us(rec.get("event_time")),
            _get(rec, "user_properties.utm_source"), rec.get("$insert_id"))


def _ga4(rec: dict) -> tuple[object, object, int | None, object, object]:
    return (rec.get("user_pseudo_id"), rec.get("event_name"),
            number_us(rec.get("event_timestamp"), 1_000_000),
            _get(rec, "traffic_source.source"), None)


JSON_READERS: dict[str, Callable[[dict], tuple[object, object, int | None, object, object]]] = {
    "mixpanel": _mixpanel,
    "amplitude": _amplitude,
    "ga4": _ga4,
}


def _is_json(path: Path) -> bool:
    name = path.name.lower().removesuffix(".gz")
    return name.endswith(JSON_SUFFIXES)


def _open_text(path: Path):
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def detect(path: Path) -> str:
    """The export a file looks like, from its first record or header."""
    if _is_json(path):
        try:
            with _open_text(path) as f:
                first = next((line for line in f if line.strip()), "")
            rec = json.loads(first) if first else {}
        except (OSError, ValueError) as exc:
            raise CalibrationError(f"{path.name}:1: not JSON lines ({exc})") from None
        if not isinstance(rec, dict):
            raise CalibrationError(f"{path.name}:1: a JSON line must be an object")
        if "properties" in rec and "event" in rec:
            return "mixpanel"
        if "event_type" in rec:
            return "amplitude"
        if "event_name" in rec:
            return "ga4"
        raise CalibrationError(f"{path.name}:1: not a Mixpanel, Amplitude or GA4 record "
                               f"(keys: {', '.join(list(rec)[:8])}); give --source")
    have = header_of(path)
    for source in ("canonical", "ga4", "posthog"):
        cols = TABLES[source]
        if {cols.user, cols.event, cols.time} <= set(have):
            return source
    raise CalibrationError(
        f"{path.name}: columns {', '.join(have[:8])} match no known export; the canonical "
        "columns are user_id,event,timestamp[,channel]")


def read_events(path: Path, source: str = "auto", drop_bad: bool = False) -> Events:
    """Every event of ``path``, read by the adapter for ``source`` (``auto``: detected)."""
    if path.is_dir():
        raise CalibrationError(f"{path}: is a directory, not an event log")
    if not path.is_file():
        raise CalibrationError(f"{path}: no such file")
    try:
        return _read(path, source, drop_bad)
    except OSError as exc:  # unreadable: permissions, an I/O error
        raise CalibrationError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise CalibrationError(f"{path}: not UTF-8 text ({exc.reason})") from None


def _read(path: Path, source: str, drop_bad: bool) -> Events:
    if source == "auto":
        source = detect(path)
    if source not in SOURCES:
        raise CalibrationError(f"--source: {source!r} is not one of {', '.join(SOURCES)}")
    if _is_json(path):
        if source not in JSON_READERS:
            raise CalibrationError(f"{path.name}: {source} exports are tables, not JSON lines")
        return _read_json_lines(path, source, drop_bad)
    if source not in TABLES:
        raise CalibrationError(f"{path.name}: {source} exports are JSON lines (.json, .jsonl)")
    return read_tabular(path, TABLES[source], drop_bad)


def _read_json_lines(path: Path, source: str, drop_bad: bool) -> Events:
    fields = JSON_READERS[source]
    skipped: dict[str, tuple[int, int]] = {}  # reason → (count, first line)

    def skip(reason: str, line: int) -> None:
        n, first = skipped.get(reason, (0, line))
        skipped[reason] = (n + 1, first)

    def rows() -> Iterator[tuple[int, object, object, int | None, object]]:
        seen: set[tuple] = set()
        with _open_text(path) as f:
            for line, text in enumerate(f, start=1):
                if not text.strip():
                    continue
                try:
                    rec = json.loads(text)
                except ValueError as exc:
                    if not drop_bad:
                        raise CalibrationError(f"{path.name}:{line}: not JSON ({exc.args[0]}) "
                                               "(--drop-bad drops such lines)") from None
                    skip("lines that are not JSON", line)
                    continue
                if not isinstance(rec, dict):
                    skip("lines that are not JSON objects", line)
                    continue
                user, event, t_us, channel, insert_id = fields(rec)
                if t_us is None and event is not None and user is not None:
                    if not drop_bad:
                        raise CalibrationError(f"{path.name}:{line}: unreadable time in a "
                                               f"{source} record (--drop-bad drops such lines)")
                    skip("rows with an unreadable time", line)
                    continue
                if insert_id is not None:
                    key = (user, event, t_us, insert_id)
                    if key in seen:
                        skip("rows repeating an $insert_id", line)
                        continue
                    seen.add(key)
                yield line, user, event, t_us, channel

    try:
        ev = from_rows(path.name, rows())
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise CalibrationError(f"{path.name}: cannot read ({exc})") from None
    assert ev.dropped is not None
    for reason, (n, first) in skipped.items():
        ev.dropped.add(reason, n, f"{path.name}:{first}")
    return ev
