"""Reading files a user (or an attacker) hands us: regular files only, capped before reading,
and JSON whose depth or numbers cannot crash the reader.

A FIFO would block ``open()`` forever and a link to ``/dev/zero`` never ends, so a file is
opened without blocking, checked with ``fstat`` to be a regular file, and its size compared
with the cap before a byte is read. Every failure is an :class:`OSError` with a one-line
``strerror``, so existing ``except OSError`` handlers report it.
"""

import errno
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

#: Deepest JSON nesting accepted (our files nest at most a few levels).
MAX_JSON_DEPTH = 64

#: Longest path shown in a message (a 100,000-character name is cut).
MAX_SHOWN = 200


class NotRegularFile(OSError):
    """A path that is a FIFO, a device, a socket or a folder instead of a regular file."""


def kind_of(mode: int) -> str:
    """A short name for the file type of ``mode`` (``a FIFO``, ``a device``, ...)."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_regular(path: str | os.PathLike[str], cap: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``cap + 1`` of them (so a caller
    can tell "too large" by the length). Raises :class:`OSError` (``FileNotFoundError``,
    :class:`NotRegularFile`, ...) with a one-line ``strerror``; a file larger than ``cap``
    raises ``EFBIG`` before anything is read."""
    name = os.fspath(path)
    if "\0" in name:
        raise OSError(errno.EINVAL, "the path contains a NUL byte")
    # O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting forever.
    fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            err = errno.EISDIR if stat.S_ISDIR(info.st_mode) else errno.EINVAL
            raise NotRegularFile(err, f"is {kind_of(info.st_mode)}, not a regular file")
        if info.st_size > cap:
            raise OSError(errno.EFBIG, f"larger than {cap:,} bytes")
        chunks, left = [], cap + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def check_output(path: str | os.PathLike[str]) -> None:
    """Refuse to write over anything but a regular file (a new path is fine): a device
    such as ``/dev/full``, a FIFO or a folder raises :class:`NotRegularFile`."""
    name = os.fspath(path)
    if "\0" in name:
        raise OSError(errno.EINVAL, "the path contains a NUL byte")
    try:
        info = os.stat(name)
    except FileNotFoundError:
        if os.path.islink(name):  # a dangling link: writing would create its target
            raise NotRegularFile(errno.EINVAL, "is a broken link") from None
        return
    if not stat.S_ISREG(info.st_mode):
        err = errno.EISDIR if stat.S_ISDIR(info.st_mode) else errno.EINVAL
        raise NotRegularFile(err, f"is {kind_of(info.st_mode)}, not a regular file")


def loads_json(text: str | bytes) -> Any:
    """``json.loads`` that fails with one ``ValueError`` line for anything it cannot take:
    bad JSON, nesting deeper than :data:`MAX_JSON_DEPTH`, integers too long to convert."""
    depth = _depth(text)
    if depth > MAX_JSON_DEPTH:
        raise ValueError(f"nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"line {exc.lineno}: not JSON ({exc.msg})") from None
    except (RecursionError, ValueError) as exc:  # e.g. a 5,000-digit integer
        first = " ".join(str(exc).split())[:120]
        raise ValueError(f"not readable JSON ({first})") from None


def _depth(text: str | bytes) -> int:
    """The deepest bracket nesting in ``text``, ignoring brackets inside strings (a fast
    scan: only the characters that matter are visited)."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    # Strings are removed first (escaped quotes included), then brackets counted.
    stripped = re.sub(rb'"(?:[^"\\]|\\.)*"', b'""', data)
    depth = deepest = 0
    for token in re.findall(rb"[\[\]{}]", stripped):
        if token in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def display_path(path: str | os.PathLike[str]) -> str:
    """``path`` as printable text: undecodable bytes (``\\xff``) shown as ``\\xff``, so a
    name that is not UTF-8 can be printed or drawn."""
    name = os.fspath(path)
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def is_regular(path: Path) -> bool:
    """Whether ``path`` is (or links to) a regular file; False for broken links, loops,
    FIFOs, devices and anything ``stat`` refuses."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except (OSError, ValueError):
        return False


class DataFileError(ValueError):
    """A small data file (a schedule, a bot) that cannot be read: a one-line message that
    starts with its path."""


def read_yaml_data(path: str | os.PathLike[str], cap: int, what: str) -> Any:
    """The plain data (safe YAML: no tags, no objects) of the file at ``path``, at most
    ``cap`` bytes; ``what`` names the file in messages (``schedule``: "no such schedule
    file"). Raises :class:`DataFileError`."""
    from ruamel.yaml import YAML  # only the commands that read such files pay for it
    from ruamel.yaml.error import YAMLError

    p = display_path(path)
    try:
        raw = read_regular(path, cap)  # a FIFO or a device is refused
    except FileNotFoundError:
        raise DataFileError(f"{p}: no such {what} file") from None
    except OSError as exc:
        raise DataFileError(f"{p}: cannot read it ({exc.strerror or exc})") from None
    if len(raw) > cap:
        raise DataFileError(f"{p}: larger than {cap:,} bytes")
    try:
        return YAML(typ="safe", pure=True).load(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise DataFileError(f"{p}: not valid UTF-8") from None
    except (YAMLError, ValueError, RecursionError) as exc:
        first = " ".join(str(exc).split())[:200]
        raise DataFileError(f"{p}: not valid YAML ({first})") from None
