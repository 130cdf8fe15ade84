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
from opssim.scenario import Scenario, ScenarioError, default_scenario_path, load_scenario
from opssim.scenario.schema.base import Text
from opssim.sim.record import Recording, RecordingError

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
        return ScenarioEntry(path, Text(en=path.stem), "", Text(en=""), 0, bundled, first)
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


def list_saves(folder: Path | None = None) -> list[SaveEntry]:
    """Saves in ``folder`` (default: :func:`saves_dir`), newest first."""
    folder = folder or saves_dir()
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.json"), key=lambda p: (p.stat().st_mtime, p.name), reverse=True)
    titles: dict[str, Text] = {}
    out = []
    for p in files:
        date = datetime.fromtimestamp(p.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        try:
            rec = Recording.load(p)
        except (RecordingError, OSError) as exc:
            out.append(SaveEntry(p, None, Text(en=p.stem), 0, date, str(exc)))
            continue
        if rec.scenario not in titles:
            try:
                titles[rec.scenario] = load_scenario(rec.scenario).title
            except ScenarioError:
                titles[rec.scenario] = Text(en=Path(rec.scenario).stem or p.stem)
        out.append(SaveEntry(p, rec, titles[rec.scenario], rec.weeks + 1, date))
    return out


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
    """The scenario a save was made on (read from where the save says), the save, and the
    scenario's path. Raises :class:`RecordingError` (or ``OSError``) with a one-line reason."""
    rec = Recording.load(path)
    where = Path(rec.scenario) if rec.scenario else default_scenario_path()
    try:
        sc = load_scenario(where)
    except ScenarioError as exc:
        raise RecordingError(f"its scenario does not load: {exc.errors[0]}") from None
    return sc, rec, where


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
