"""The scenario a recording (or save) names, read only when it is the very file recorded.

A recording is data anyone can edit, so the path it names could be any file on the machine.
The file's bytes are hashed and compared with the recording's ``scenario_sha256`` *before*
they are parsed: a file that is not the one recorded is never parsed, so no error message can
show a line of it.
"""

import hashlib
from pathlib import Path

from opssim.safeio import display_path, is_regular, read_regular
from opssim.scenario import Located, ScenarioError, default_scenario_path
from opssim.scenario.loader import MAX_FILE_BYTES, parse_located
from opssim.sim.record import Recording, RecordingError


def candidates(named: str, base: Path | None) -> list[Path]:
    """Where the scenario ``named`` may be: as written if absolute, else beside the
    recording (in ``base``), then from the current folder. '' names the bundled default."""
    if not named:
        return [default_scenario_path()]
    p = Path(named)
    if p.is_absolute() or base is None:
        return [p]
    return [base / p, p]


def read_recorded_scenario(rec: Recording, base: Path | None) -> tuple[Located, Path]:
    """The scenario ``rec`` was recorded on, and its path. Raises :class:`RecordingError`
    (one line, never the file's contents) when no candidate file has the recorded hash."""
    named = rec.scenario
    shown = display_path(named) if named else "(the bundled starter)"
    if not rec.scenario_sha256:
        raise RecordingError(f"its scenario {shown} carries no checksum, so it is not read")
    try:
        found = [c for c in candidates(named, base) if is_regular(c)]
    except ValueError:  # a NUL byte in the name
        found = []
    if not found:
        raise RecordingError(f"its scenario {shown} is not found beside it or here")
    for path in found:
        try:
            raw = read_regular(path, MAX_FILE_BYTES)
        except (OSError, ValueError):
            continue
        if hashlib.sha256(raw).hexdigest() != rec.scenario_sha256:
            continue
        try:
            return parse_located(raw, display_path(path)), path
        except ScenarioError as exc:  # the very file recorded, which no longer loads
            raise RecordingError(f"its scenario does not load: {exc.errors[0]}") from None
    raise RecordingError(f"its scenario {display_path(found[0])} is not the file it was "
                         f"recorded on (its SHA-256 differs), so it is not read")
