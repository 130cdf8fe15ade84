"""A run as data: the scenario's hash, the seed, the hours played week by week, the answers
given to incident cards, and a checksum of the state at the end of each week.

A run is a pure function of (scenario, seed, hours per week, answers), so a :class:`Recording` is
enough to rebuild it: :func:`restore` replays it to where it stopped (the window's load), and
:func:`replay` checks it week by week and names the first week that differs (``opssim replay``).
Recordings are JSON, written atomically; reading one never runs code.
"""

import hashlib
import json
import math
import platform
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import simpy

import opssim
from opssim.atomic import write_text_atomically
from opssim.model import AllocationError
from opssim.safeio import loads_json, read_regular
from opssim.scenario import Scenario, scenario_hash
from opssim.scenario.loader import MAX_FILE_BYTES
from opssim.scenario.schema import Incident
from opssim.sim.clock import HOURS_PER_WEEK
from opssim.sim.engine import ENGINE_VERSION, Engine

#: The format's name and version, the first thing a reader checks. Version 2 added the
#: week count, the outcome and the scenario file's SHA-256; version 3 the incident answers.
FORMAT = "opssim-recording/3"

#: Older formats, and why they cannot be read (one line each).
OLDER = {
    "opssim-recording/1": "no week count or outcome",
    "opssim-recording/2": "no incident answers",
}

#: One incident answer: (hour, card id, choice id).
Answer = tuple[int, str, str]

#: How a run stands at the end of a recording: an engine outcome, or not over yet.
UNFINISHED = "unfinished"
OUTCOMES = ("promoted", "kept", "fired", UNFINISHED)

#: A recording larger than this is not one of ours (a year of weekly hours is a few kB).
MAX_BYTES = 4_000_000


class RecordingError(ValueError):
    """A recording that cannot be read or does not fit the scenario (a one-line message)."""


def versions() -> dict[str, str]:
    """Versions that a run's numbers depend on."""
    return {
        "engine": str(ENGINE_VERSION),
        "opssim": opssim.__version__,
        "numpy": np.__version__,
        "simpy": simpy.__version__,
        "python": platform.python_version(),
    }


def state_checksum(engine: Engine) -> str:
    """A short hash of everything the run is at this moment: the exact state the player could
    be shown, the users hour by hour up to now, and the log."""
    now = int(engine.now)
    h = hashlib.sha256()
    h.update(repr(engine.truth()).encode())
    f = engine.funnel
    for arr in (f.entered, f.moves, f.drops):
        h.update(np.ascontiguousarray(arr[:, :, :now], dtype=np.int64).tobytes())
    h.update(repr(engine.events).encode())
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class Recording:
    """One run's inputs and its checksums.

    ``inputs[w]`` are the hours per duty played in week ``w + 1``, ``choices[w]`` the incident
    cards answered in it as ``(hour, card, choice)``; ``checksums[w]`` is
    :func:`state_checksum` after that week's review. A run that stopped at a week boundary
    (a save) has as many checksums as inputs. ``outcome`` is how the run stood after its last
    week (:data:`OUTCOMES`); ``scenario_sha256`` is the hash of the scenario file's bytes, so
    the file the recording names is read only if it is the one recorded.
    """

    scenario_hash: str
    seed: int
    inputs: tuple[Mapping[str, float], ...]
    checksums: tuple[str, ...]
    versions: Mapping[str, str] = field(default_factory=versions)
    scenario: str = ""  # where the scenario was read from, for the reader's information
    policy: str = ""  # how the hours were chosen (``plan``, ``window``…), likewise
    outcome: str = UNFINISHED
    scenario_sha256: str = ""
    choices: tuple[tuple[Answer, ...], ...] = ()

    def answers(self, week: int) -> tuple[Answer, ...]:
        """The incident answers of 1-based ``week`` (none when not recorded)."""
        return self.choices[week - 1] if week <= len(self.choices) else ()

    @property
    def weeks(self) -> int:
        """Weeks played."""
        return len(self.inputs)

    def to_json(self) -> str:
        """The recording as a JSON document."""
        return json.dumps(
            {
                "format": FORMAT,
                "scenario": self.scenario,
                "scenario_sha256": self.scenario_sha256,
                "scenario_hash": self.scenario_hash,
                "seed": self.seed,
                "policy": self.policy,
                "versions": dict(self.versions),
                "week_count": self.weeks,
                "outcome": self.outcome,
                "weeks": [
                    {"week": w + 1, "hours": dict(hours),
                     "incidents": [list(a) for a in self.answers(w + 1)],
                     "checksum": self.checksums[w]}
                    for w, hours in enumerate(self.inputs)
                ],
            },
            indent=1,
        ) + "\n"

    def save(self, path: Path) -> None:
        """Write the recording to ``path`` atomically."""
        write_text_atomically(path, self.to_json())

    @classmethod
    def from_json(cls, text: str) -> "Recording":
        """Read a recording (raises :class:`RecordingError` saying what is wrong)."""
        if len(text) > MAX_BYTES:
            raise RecordingError(f"larger than {MAX_BYTES:,} bytes")
        try:
            data = loads_json(text)
        except ValueError as exc:
            raise RecordingError(str(exc)) from None
        if isinstance(data, dict) and data.get("format") in OLDER:
            old = data["format"]
            raise RecordingError(f"an older recording ({old}: {OLDER[old]}): record the run "
                                 "again")
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise RecordingError(f"not an opssim recording (expected format {FORMAT!r})")
        try:
            weeks = data["weeks"]
            if not isinstance(weeks, list):
                raise RecordingError("weeks: must be a list")
            inputs = tuple(_hours(w["hours"]) for w in weeks)
            checksums = tuple(str(w["checksum"]) for w in weeks)
            choices = tuple(_answers(w.get("incidents", []), i + 1)
                            for i, w in enumerate(weeks))
            seed = data["seed"]
            if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**63:
                raise RecordingError("seed: must be a whole number from 0 to 2**63 - 1")
            count = data.get("week_count")
            if count != len(weeks) or isinstance(count, bool):
                raise RecordingError(f"week_count: says {_brief(count)}, the file holds "
                                     f"{len(weeks)} weeks (cut short or edited)")
            outcome = data.get("outcome")
            if outcome not in OUTCOMES:
                raise RecordingError(f"outcome: expected one of {', '.join(OUTCOMES)}, "
                                     f"got {_brief(outcome)}")
            return cls(
                scenario_hash=str(data["scenario_hash"]),
                seed=seed,
                inputs=inputs,
                checksums=checksums,
                versions={str(k): str(v) for k, v in dict(data.get("versions", {})).items()},
                scenario=str(data.get("scenario", "")),
                policy=str(data.get("policy", "")),
                outcome=outcome,
                scenario_sha256=str(data.get("scenario_sha256", "")),
                choices=choices,
            )
        except RecordingError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise RecordingError(f"malformed recording ({type(exc).__name__}: {exc})") from None

    @classmethod
    def load(cls, path: Path) -> "Recording":
        """Read the recording at ``path`` (raises :class:`RecordingError` or ``OSError``;
        a FIFO, a device or a file over :data:`MAX_BYTES` is refused before reading)."""
        raw = read_regular(path, MAX_BYTES)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RecordingError(f"not UTF-8 (byte {exc.start})") from None
        return cls.from_json(text)

    @classmethod
    def of(cls, engine: Engine, checksums: list[str], **info: Any) -> "Recording":
        """The recording of ``engine`` so far; ``checksums`` were taken after each week.
        With ``scenario`` (the file's path) in ``info``, that file's SHA-256 is recorded."""
        if info.get("scenario") and "scenario_sha256" not in info:
            info["scenario_sha256"] = file_sha256(Path(info["scenario"]))
        return cls(
            scenario_hash=scenario_hash(engine.scenario),
            seed=engine.seed,
            inputs=tuple(dict(a) for a in engine.allocations[: len(checksums)]),
            checksums=tuple(checksums),
            choices=tuple(tuple(engine.incidents.choices_in_week(w + 1))
                          for w in range(len(checksums))),
            outcome=ended(engine),
            **info,
        )


def ended(engine: Engine) -> str:
    """How ``engine``'s run stands: its outcome once over, else :data:`UNFINISHED`."""
    return str(engine.outcome) if engine.finished else UNFINISHED


def file_sha256(path: Path) -> str:
    """The SHA-256 of the scenario file at ``path`` ('' when it cannot be read)."""
    try:
        return hashlib.sha256(read_regular(path, MAX_FILE_BYTES)).hexdigest()
    except (OSError, ValueError):
        return ""


def _brief(value: object) -> str:
    return repr(value)[:40]


def _hours(raw: object) -> dict[str, float]:
    if not isinstance(raw, dict):
        raise RecordingError("hours: must be a mapping of duty to hours")
    out = {}
    for duty, value in raw.items():
        number = isinstance(value, int | float) and not isinstance(value, bool)
        try:
            hours = float(value) if number else math.nan
        except OverflowError:  # an integer with hundreds of digits
            hours = math.inf
        if not math.isfinite(hours):
            raise RecordingError(f"hours.{str(duty)[:40]}: must be a finite number")
        out[str(duty)] = hours
    return out


def _answers(raw: object, week: int) -> tuple[Answer, ...]:
    if not isinstance(raw, list):
        raise RecordingError(f"week {week}: incidents: must be a list")
    out = []
    for item in raw:
        ok = (isinstance(item, list) and len(item) == 3 and isinstance(item[0], int)
              and not isinstance(item[0], bool) and isinstance(item[1], str)
              and isinstance(item[2], str))
        if not ok:
            raise RecordingError(f"week {week}: incidents: each is [hour, card, choice], got "
                                 f"{_brief(item)}")
        out.append((item[0], item[1], item[2]))
    return tuple(out)


class Replayed:
    """A chooser that gives each card the answer recorded at its hour (the card's default
    when none is: the week's comparison then tells the difference)."""

    def __init__(self, choices: tuple[tuple[Answer, ...], ...]) -> None:
        self.at = {hour: (card, choice) for week in choices for hour, card, choice in week}

    def __call__(self, card: Incident, engine: Engine) -> int:
        card_id, choice = self.at.get(engine.hour, ("", ""))
        ids = [c.id for c in card.choices]
        if card_id == card.id and choice in ids:
            return ids.index(choice)
        return card.default_index


def weeks_of(scenario: Scenario, seed: int, inputs: tuple[Mapping[str, float], ...],
             choices: tuple[tuple[Answer, ...], ...] = ()) -> Iterator[tuple[int, Engine]]:
    """Play ``inputs`` week by week, answering incident cards as ``choices`` recorded (else
    with their defaults); yield (week, engine) after each week's review.

    Stops early if the run ends (fired) before the inputs do. Raises ``AllocationError`` for
    hours the week cannot hold.
    """
    engine = Engine(scenario, seed=seed)
    engine.incidents.chooser = Replayed(choices)
    for w, hours in enumerate(inputs):
        if engine.finished:
            return
        engine.set_allocation(hours)
        engine.advance_to((w + 1) * HOURS_PER_WEEK)
        yield w + 1, engine


def _check_fits(scenario: Scenario, recording: Recording) -> None:
    made_by = recording.versions.get("engine", "1")  # engine 1 did not say
    if made_by != str(ENGINE_VERSION):
        opssim_version = recording.versions.get("opssim", "?")
        raise RecordingError(
            f"made by engine {made_by} (opssim {opssim_version}); this is engine "
            f"{ENGINE_VERSION}, whose runs differ: record it again with this version"
        )
    if recording.scenario_hash != scenario_hash(scenario):
        raise RecordingError(
            f"recorded on scenario {recording.scenario_hash}, this one is "
            f"{scenario_hash(scenario)} (the scenario changed)"
        )
    if recording.weeks > scenario.weeks:
        raise RecordingError(f"{recording.weeks} weeks recorded, the scenario has {scenario.weeks}")


def _answered(engine: Engine, week: int) -> tuple[Answer, ...]:
    return tuple(engine.incidents.choices_in_week(week))


def _said(answers: tuple[Answer, ...]) -> str:
    """Incident answers in a line: ``incidents h50 flyers-short=yourself``."""
    return "incidents " + (" ".join(f"h{h} {c}={k}" for h, c, k in answers) or "none")


def restore(scenario: Scenario, recording: Recording) -> Engine:
    """The run ``recording`` describes, replayed to where it stopped (a week boundary).

    Raises :class:`RecordingError` when the recording is of another scenario or its state
    differs from the checksums (another version of the engine, or an edited file).
    """
    _check_fits(scenario, recording)
    engine = Engine(scenario, seed=recording.seed)  # what an empty recording restores to
    played = 0
    try:
        for week, engine in weeks_of(scenario, recording.seed, recording.inputs,
                                     recording.choices):
            played = week
            if _answered(engine, week) != recording.answers(week):
                raise RecordingError(f"week {week}: the incidents answered differ from the "
                                     "recording")
            got = state_checksum(engine)
            if got != recording.checksums[week - 1]:
                raise RecordingError(f"week {week}: state differs from the recording")
    except (AllocationError, KeyError, ValueError) as exc:
        if isinstance(exc, RecordingError):
            raise
        message = " ".join(str(exc).split())[:200]
        raise RecordingError(f"week {played + 1}: hours refused ({message})") from None
    if played < recording.weeks or ended(engine) != recording.outcome:
        raise RecordingError(f"the run ended {ended(engine)} after week {played}, the "
                             f"recording says {recording.outcome} after week "
                             f"{recording.weeks}")
    return engine


@dataclass(frozen=True)
class ReplayResult:
    """What a replay found: the first week whose state differs, if any."""

    weeks_checked: int
    first_difference: int | None  # 1-based week
    expected: str = ""
    got: str = ""
    ending: str = ""  # set when every week matched but the run ended otherwise

    @property
    def identical(self) -> bool:
        """Whether every recorded week matched and the run ended as recorded."""
        return self.first_difference is None and not self.ending


def replay(scenario: Scenario, recording: Recording) -> ReplayResult:
    """Re-run ``recording`` and compare the state after each week with its checksum.

    Hours the week cannot hold (an edited file) make that week the first difference.
    """
    _check_fits(scenario, recording)
    checked = 0
    engine = Engine(scenario, seed=recording.seed)
    try:
        for week, engine in weeks_of(scenario, recording.seed, recording.inputs,
                                     recording.choices):
            answered, want_answers = _answered(engine, week), recording.answers(week)
            if answered != want_answers:
                return ReplayResult(checked, week, _said(want_answers), _said(answered))
            got, want = state_checksum(engine), recording.checksums[week - 1]
            if got != want:
                return ReplayResult(checked, week, want, got)
            checked = week
    except AllocationError as exc:
        return ReplayResult(checked, checked + 1, recording.checksums[checked],
                            f"(hours rejected: {exc})")
    if checked < recording.weeks:  # the run ended before the recording did
        return ReplayResult(checked, checked + 1, recording.checksums[checked], "(run over)")
    if ended(engine) != recording.outcome:  # weeks cut from the end, or an edited outcome
        return ReplayResult(checked, None, ending=(
            f"after week {checked} the run is {ended(engine)}, the recording says "
            f"{recording.outcome}"))
    return ReplayResult(checked, None)
