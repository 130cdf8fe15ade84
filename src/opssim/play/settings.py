"""The player's settings between sessions: language, reduced motion and the last speed, kept in
``<data>/settings.json`` (no pygame here).

A missing file means the defaults; a file that cannot be read or does not validate also means
the defaults, with a one-line note saying so, never a crash. Writes are atomic, so a crash
mid-write leaves the old file.
"""

import errno
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from opssim.atomic import write_text_atomically
from opssim.play.userdata import data_dir
from opssim.safeio import display_path, loads_json, read_regular

FILE_NAME = "settings.json"

#: A settings file larger than this is not ours (ours is under 100 bytes).
MAX_BYTES = 64_000


class Settings(BaseModel):
    """What the window remembers: ``lang`` (en or zh), ``reduced_motion``, ``speed`` (1–3)."""

    # Unknown keys are ignored so a newer version's file still loads here.
    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)

    lang: Literal["en", "zh"] = "en"
    reduced_motion: bool = False
    speed: Literal[1, 2, 3] = 1


def settings_path() -> Path:
    """Where the settings live (not created here)."""
    return data_dir() / FILE_NAME


def load_settings(path: Path | None = None) -> tuple[Settings, str | None]:
    """The stored settings and ``None``, or the defaults and one line saying why the file at
    ``path`` (default :func:`settings_path`) was not used; a missing file is no problem."""
    path = path or settings_path()
    try:
        raw = read_regular(path, MAX_BYTES)  # a FIFO or a link to /dev/zero is refused
        if len(raw) > MAX_BYTES:
            raise OSError(errno.EFBIG, f"larger than {MAX_BYTES:,} bytes")
        text = raw.decode("utf-8")
    except FileNotFoundError:
        return Settings(), None
    except (OSError, UnicodeDecodeError) as exc:
        return Settings(), (f"{display_path(path)}: cannot be read ({_reason(exc)}); "
                            "using the default settings")
    try:
        return Settings.model_validate(loads_json(text)), None
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "top level"
        reason = f"{where}: {err['msg']}"
    except ValueError as exc:  # not JSON, too deep, a number too long
        reason = f"not JSON: {exc}"
    return Settings(), f"{path}: ignored ({reason}); using the default settings"


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write ``settings`` to ``path`` (default :func:`settings_path`) atomically, creating its
    folder; raises ``OSError`` when it cannot."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomically(path, settings.model_dump_json(indent=2) + "\n")


class SettingsStore:
    """The settings file of a window session: what it holds (``stored``) and one field at a
    time written back when the player changes it."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or settings_path()
        self.stored, self.note = load_settings(self.path)

    def remember(self, **changes: object) -> str | None:
        """Store ``changes`` (field=value) over what is stored; ``None``, or one line saying
        why the file could not be written (the session goes on without it)."""
        new = Settings.model_validate({**self.stored.model_dump(), **changes})
        if new == self.stored:
            return None
        self.stored = new
        try:
            save_settings(new, self.path)
        except OSError as exc:
            return f"{display_path(self.path)}: cannot be written ({_reason(exc)})"
        return None


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or type(exc).__name__
