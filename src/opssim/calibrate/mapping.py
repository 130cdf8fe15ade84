"""The map: which events mean which stage, how the data's channels are named, and the
conversion window. Without a map every event name is a stage, ordered by how many users
reach it."""

import difflib
import re
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from opssim.calibrate.errors import CalibrationError

_ID = r"^[a-z][a-z0-9_-]{0,47}$"
MAX_MAP_BYTES = 1 << 20
MAX_STAGES = 12


class StageMap(BaseModel):
    """A stage and the events that mean a user reached it (the first of them counts)."""

    model_config = ConfigDict(extra="forbid")
    id: Annotated[str, Field(pattern=_ID)]
    events: Annotated[list[str], Field(min_length=1, max_length=100)]
    label: str | None = None


class FunnelMap(BaseModel):
    """What a ``--map`` file holds."""

    model_config = ConfigDict(extra="forbid")
    stages: Annotated[list[StageMap], Field(min_length=2, max_length=MAX_STAGES)]
    #: The data's channel values → scenario channel ids; values not listed go to ``other``.
    channels: dict[str, Annotated[str, Field(pattern=_ID)]] = {}
    #: Conversions later than this many days after reaching the stage before do not count.
    window_days: Annotated[float, Field(gt=0, le=3650)] | None = None
    #: Events meaning a user at the last stage left it (a cancelled subscription, say).
    churn_events: list[str] = []


def load_map(path: Path) -> FunnelMap:
    """Read and check a map file; any problem is one line naming the file and the key."""
    from ruamel.yaml import YAML, YAMLError

    if not path.is_file():
        raise CalibrationError(f"--map: no such file {path}")
    if path.stat().st_size > MAX_MAP_BYTES:
        raise CalibrationError(f"{path.name}: a map is at most {MAX_MAP_BYTES} bytes")
    try:
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    except (YAMLError, UnicodeDecodeError) as exc:
        raise CalibrationError(f"{path.name}: not YAML ({' '.join(str(exc).split())})") from None
    try:
        fmap = FunnelMap.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "(top)"
        raise CalibrationError(f"{path.name}: {where}: {err['msg']}") from None
    ids = [s.id for s in fmap.stages]
    dup = next((i for i in ids if ids.count(i) > 1), None)
    if dup:
        raise CalibrationError(f"{path.name}: stage {dup!r} is named twice")
    seen: dict[str, str] = {}
    for stage in fmap.stages:
        for name in stage.events:
            if name in seen:
                raise CalibrationError(f"{path.name}: event {name!r} is in stages "
                                       f"{seen[name]!r} and {stage.id!r}")
            seen[name] = stage.id
    return fmap


def check_names(fmap: FunnelMap, present: list[str], source: str) -> None:
    """Every event the map names must be in the data: else a did-you-mean."""
    have = set(present)
    for stage in fmap.stages:
        for name in stage.events:
            if name not in have:
                near = difflib.get_close_matches(name, present, n=1, cutoff=0.5)
                hint = f"; did you mean {near[0]!r}?" if near else ""
                raise CalibrationError(f"map: stage {stage.id!r}: event {name!r} is not in "
                                       f"{source}{hint}")
    for name in fmap.churn_events:
        if name not in have:
            near = difflib.get_close_matches(name, present, n=1, cutoff=0.5)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise CalibrationError(f"map: churn_events: {name!r} is not in {source}{hint}")


def as_id(name: str, taken: set[str]) -> str:
    """A scenario id made from any name: lowercase, other characters as ``_``, unique."""
    base = re.sub(r"[^a-z0-9_-]+", "_", name.lower()).strip("_-") or "x"
    if not base[0].isalpha():
        base = "e_" + base
    base = base[:44]
    out, n = base, 2
    while out in taken:
        out, n = f"{base}-{n}", n + 1
    taken.add(out)
    return out


def map_from_counts(users_per_event: dict[str, int]) -> FunnelMap:
    """No map given: each event name is a stage, the one most users reach first."""
    if len(users_per_event) < 2:
        raise CalibrationError("the data has fewer than two event names: no funnel to fit")
    if len(users_per_event) > MAX_STAGES:
        raise CalibrationError(f"the data has {len(users_per_event)} event names and a funnel "
                               f"has at most {MAX_STAGES} stages: give --map")
    order = sorted(users_per_event, key=lambda e: (-users_per_event[e], e))
    taken: set[str] = set()
    return FunnelMap(stages=[StageMap(id=as_id(e, taken), events=[e], label=e) for e in order])
