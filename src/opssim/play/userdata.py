"""The player's folders: scenarios to pick from and saved games (no pygame here).

Bundled scenarios ship in the package; the player's own go in ``<data>/scenarios/`` and saves
in ``<data>/saves/``, where ``<data>`` is the platform's user data folder (platformdirs), or
``$OPSSIM_DATA_DIR`` when set (tests and portable installs).
"""

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from opssim.model.difficulty import DIFFICULTY_ORDER
from opssim.safeio import display_path
from opssim.scenario import Scenario, ScenarioError, default_scenario_path, load_scenario
from opssim.scenario.schema.base import Text
from opssim.sim.record import Recording, RecordingError
from opssim.sim.recorded import read_recorded_scenario

#: The difficulties in the order the title screen lists them.


def data_dir() -> Path:
    """The user data folder (not created here)."""
    override = os.environ.get("OPSSIM_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs  # only the window needs it

    return Path(platformdirs.user_data_dir("opssim", appauthor=False))


def user_scenarios_dir() -> Path:
    """Where the player's own scenarios go."""
    return data_dir() / "scenarios"


def saves_dir() -> Path:
    """Where saves go."""
    return data_dir() / "saves"


@dataclass(frozen=True)
class ScenarioEntry:
    """A scenario file as the title screen lists it; ``error`` is set when it does not load."""

    path: Path
    title: Text
    difficulty: str
    description: Text
    weeks: int
    bundled: bool
    error: str = ""
    scenario: Scenario | None = None  # None when it does not load


def entry_of(path: Path, *, bundled: bool) -> ScenarioEntry:
    """Read ``path`` into an entry (an unreadable file becomes an entry with its first error)."""
    try:
        sc = load_scenario(path)
    except ScenarioError as exc:
        first = str(exc.errors[0]) if exc.errors else "cannot be read"
        return ScenarioEntry(path, Text(en=display_path(path.stem)), "", Text(en=""), 0,
                             bundled, first)
    return ScenarioEntry(path, sc.title, sc.difficulty, sc.description, sc.weeks, bundled,
                         scenario=sc)


def list_scenarios() -> list[ScenarioEntry]:
    """The bundled scenarios (easiest first), then the player's own (by file name)."""
    bundled = [entry_of(p, bundled=True)
               for p in sorted(default_scenario_path().parent.glob("*.yaml"))]
    bundled.sort(key=lambda e: (DIFFICULTY_ORDER.index(e.difficulty)
                                if e.difficulty in DIFFICULTY_ORDER else 9, e.title.en))
    own_dir = user_scenarios_dir()
    own = [entry_of(p, bundled=False) for p in sorted(own_dir.glob("*.y*ml"))] \
        if own_dir.is_dir() else []
    return bundled + own


@dataclass(frozen=True)
class SaveEntry:
    """A save as the save list shows it."""

    path: Path
    recording: Recording | None  # None: unreadable (``error`` says why)
    title: Text
    week: int  # the week the save resumes at (1-based)
    date: str
    error: str = ""

    @property
    def name(self) -> str:
        """The file name, printable (a name that is not UTF-8 is shown escaped)."""
        return display_path(self.path.name)


def list_saves(folder: Path | None = None) -> list[SaveEntry]:
    """Saves in ``folder`` (default: :func:`saves_dir`), newest first. Anything odd there (a
    broken link, a link loop, a FIFO, a file that is not a save) is listed with its error,
    never opened in a way that could hang."""
    folder = folder or saves_dir()
    try:
        files = [(_mtime(p), p) for p in folder.glob("*.json")] if folder.is_dir() else []
    except OSError:  # the folder vanished or cannot be listed
        return []
    files.sort(key=lambda f: (f[0], os.fsencode(f[1].name)), reverse=True)
    titles: dict[tuple[str, str], Text] = {}
    out = []
    for mtime, p in files:
        date = datetime.fromtimestamp(mtime).strftime("%Y-%m-%d %H:%M") if mtime else ""
        stem = Text(en=display_path(p.stem))
        try:
            rec = Recording.load(p)
        except (RecordingError, OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            out.append(SaveEntry(p, None, stem, 0, date, reason))
            continue
        key = (rec.scenario, rec.scenario_sha256)
        if key not in titles:  # only the very file recorded is read (its hash matches)
            try:
                titles[key] = read_recorded_scenario(rec, None)[0].scenario.title
            except RecordingError:
                titles[key] = Text(en=display_path(Path(rec.scenario).stem) or stem.en)
        out.append(SaveEntry(p, rec, titles[key], rec.weeks + 1, date))
    return out


def _mtime(path: Path) -> float:
    """When ``path`` was last written, 0 for a broken link or a link loop."""
    try:
        return path.stat().st_mtime
    except (OSError, ValueError):
        return 0.0


def write_save(recording: Recording, scenario: Scenario, over: Path | None = None,
               folder: Path | None = None) -> Path:
    """Write ``recording`` atomically as a new save (or over ``over``); returns its path."""
    if over is None:
        folder = folder or saves_dir()
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        over = folder / f"{scenario.id}-week{recording.weeks + 1:02d}-{stamp}.json"
        n = 2
        while over.exists():  # two saves in one second
            over = over.with_name(f"{scenario.id}-week{recording.weeks + 1:02d}-{stamp}-{n}.json")
            n += 1
    recording.save(over)
    return over


def load_save(path: Path) -> tuple[Scenario, Recording, Path]:
    """The scenario a save was made on (read from where the save says, only if its bytes
    are the ones recorded), the save, and the scenario's path. Raises
    :class:`RecordingError` (or ``OSError``) with a one-line reason."""
    rec = Recording.load(path)
    located, where = read_recorded_scenario(rec, None)
    return located.scenario, rec, where


def delete_save(path: Path, folder: Path | None = None) -> None:
    """Delete the save ``path``, which must be a ``.json`` file directly in ``folder``
    (default: :func:`saves_dir`); raises ``ValueError`` for anything else (nothing outside
    the saves folder is ever deleted) and ``OSError`` when the file system refuses.

    A link in the folder is removed itself, never what it points to."""
    folder = (folder or saves_dir()).resolve()
    if path.suffix != ".json" or path.parent.resolve() != folder:
        raise ValueError(f"{path} is not a save in {folder}")
    if not path.is_symlink() and not path.is_file():
        raise ValueError(f"{path} is not a file")
    path.unlink()
