"""Atomic file writes: a reader sees the old file or the new one, never half of either."""

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from opssim.safeio import check_output


def replace_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it over ``path``.

    The rename is atomic on one file system, so a crash or Ctrl-C mid-write leaves the old
    file (or none) in place, and the temporary file is removed. Only a regular file (or a
    new path) is replaced: a device, FIFO or folder at ``path`` raises ``OSError`` first.
    """
    check_output(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        # mkstemp makes the file private (0600): give it the mode a plain open() would.
        os.chmod(tmp, _mode_of(path))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _mode_of(path: Path) -> int:
    """The existing file's permissions, or those a new file gets under the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically, flushed to disk before the rename."""

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="") as fh:  # the same bytes everywhere
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())

    replace_atomically(path, write)


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, flushed to disk before the rename."""

    def write(tmp: Path) -> None:
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())

    replace_atomically(path, write)
