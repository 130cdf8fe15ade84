"""Timestamps of one value at a time (JSON exports, and CSV without pyarrow)."""

from datetime import UTC, datetime

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def iso_us(text: object) -> int | None:
    """µs since the epoch of an ISO 8601 time (no zone means UTC); None if it is not one."""
    if not isinstance(text, str):
        return None
    try:
        dt = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    delta = dt - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def number_us(value: object, per_second: int) -> int | None:
    """µs since the epoch of a number of seconds (``per_second=1``), ms (1000) or µs (10**6)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value) if "." in value else int(value)
        except ValueError:
            return None
    if isinstance(value, int):
        return value * (1_000_000 // per_second)
    if isinstance(value, float) and value == value and abs(value) < 1e18:
        return round(value * 1_000_000 / per_second)
    return None
