"""Scenario fuzzing: mutate the shipped scenarios and check that every mutant either loads and
plays a week, or fails with ``FILE:LINE:COL`` error lines (exit code 2 on the command line).
Never a traceback, a hang or unbounded memory.

    python tools/fuzz.py -n 10000            # or: make fuzz N=10000
    python tools/fuzz.py --case 1234 --keep   # replay one case, keep its file

Case ``i`` is a pure function of ``(--seed, i)``, so a failure printed as ``case 1234`` is
reproduced by ``--case 1234``. Workers are separate processes with an address-space limit
(``--memory-mb``) and a per-case alarm (``--timeout``); every ``--subprocess-every``-th case
also runs ``opssim validate`` (and ``opssim run`` when it validates) as a real process, to check
the exit code and that stderr has no traceback. Exit status: 0 when nothing failed, 1 otherwise.

Hostile shapes beyond scenarios: one case in ten (``--recordings``) is a real recording with
hostile edits (weeks cut, counts and outcomes changed, the scenario path pointed at
``/etc/shadow``, a private file, ``/dev/zero``, a NUL byte or 100,000 characters; refused
hours; deep JSON and 5,000-digit numbers), replayed as ``opssim replay`` does: a one-line
error or a replay result, never a crash or a leaked line of another file. Before the cases,
every reader of user files (scenario, recording, schedule, settings) is handed a FIFO, a link
to ``/dev/zero``, a folder, a broken link and a link loop, and must refuse each at once.

``tests/scenario/test_scenario_fuzz.py`` drives the same mutations from hypothesis with a
modest example count inside ``make test``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import multiprocessing as mp
import os
import random
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "src" / "opssim" / "scenarios"

# -- mutations --------------------------------------------------------------------------------

#: Values that replace a scalar, a list or a mapping somewhere in the scenario.
ODD_VALUES: list[Callable[[random.Random], Any]] = [
    lambda r: None,
    lambda r: True,
    lambda r: "",
    lambda r: "x" * r.choice([1, 100, 10_000, 300_000]),
    lambda r: "日本語\u202e\x00",
    lambda r: [],
    lambda r: {},
    lambda r: [1, "a", None],
    lambda r: {"x": 1},
    lambda r: 0,
    lambda r: -1,
    lambda r: -1e9,
    lambda r: 1e308,
    lambda r: 10**30,
    lambda r: 2**63,
    lambda r: 2**64 + 1,
    lambda r: float("nan"),
    lambda r: float("inf"),
    lambda r: float("-inf"),
    lambda r: 1e-320,
    lambda r: r.choice([2, 3, 12, 20, 50, 104, 105, 1000, 10**6]),
    lambda r: r.uniform(-2, 2),
    lambda r: _deep(r.choice([5, 40, 200])),
]

#: Text spliced over a value in the YAML text itself.
ODD_TEXT: list[str] = [
    '!!python/object/apply:os.system ["echo pwned"]',
    "!!python/object/new:builtins.dict {}",
    "!!python/name:os.system",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!custom x",
    "!!float 1",
    "!!int 12",
    "!!bool 12",
    "!!set 12",
    "!!omap 12",
    "!!str 12",
    "! 12",
    "&a [*a]",
    "*nowhere",
    "{<<: {a: 1}}",
    "2024-01-01",
    "12:30:00",
    "0x7fffffffffffffffffff",
    ".nan",
    "-.inf",
    "1e400",
    "[" * 3000 + "]" * 3000,
    "{a: " * 300 + "1" + "}" * 300,
    "'unterminated",
    '"\\uD800"',
    "? complex\n: key",
    "\t",
    "|\n  block",
]

BILLION_LAUGHS = "".join(
    f"{k}: &{k} [{', '.join([f'*{p}'] * 9)}]\n" if p else f"{k}: &{k} [{', '.join(['lol'] * 9)}]\n"
    for p, k in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
)

BAD_BYTES = [b"\xff", b"\xfe\xff", b"\xc3(", b"\xed\xa0\x80", b"\x00", b"\xe2\x82", b"\x80"]


def _deep(n: int) -> Any:
    out: Any = 1
    for i in range(n):
        out = [out] if i % 2 else {"k": out}
    return out


def _paths(node: Any, path: tuple = ()) -> Iterator[tuple]:
    """Every path into ``node`` (the root included)."""
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*path, i))


def _get(node: Any, path: tuple) -> Any:
    for p in path:
        node = node[p]
    return node


def mutate_data(data: Any, r: random.Random) -> Any:
    """One structural change at a random place: a value replaced, a key dropped or added, a
    list emptied or grown, or the weeks/stages/users pushed past their caps."""
    paths = list(_paths(data))
    path = r.choice(paths)
    kind = r.randrange(9)
    if not path:
        return r.choice(ODD_VALUES)(r) if kind == 0 else data
    parent, key = _get(data, path[:-1]), path[-1]
    if kind <= 3:
        parent[key] = r.choice(ODD_VALUES)(r)
    elif kind == 4:  # a missing key or item
        del parent[key]
    elif kind == 5 and isinstance(parent, dict):  # an extra key
        parent[r.choice(["extra", "Weeks", "id ", "funnel", "<<", "x" * 500, "1"])] = (
            r.choice(ODD_VALUES)(r))
    elif kind == 6 and isinstance(parent[key], list) and parent[key]:  # a list grown
        parent[key] = parent[key] * r.choice([2, 10, 200, 5000])
    elif kind == 7:  # the known caps
        target = r.choice(["weeks", "stages", "users", "calendar"])
        if target == "weeks":
            data["weeks"] = r.choice([0, 1, 104, 105, 10**9, -5])
        elif target == "stages":
            stages = data["funnel"]["stages"]
            extra = [dict(stages[-1], id=f"s{i}") for i in range(r.choice([1, 8, 20, 2000]))]
            stages.extend(extra)
        elif target == "users":
            for ch in data.get("channels", []):
                ch["per_week"] = r.choice([5e6, 4.9e7, 5e7, 1e8, 1e15])
        else:
            data["calendar"] = (data.get("calendar") or [{"kind": "holiday", "week": 1}]) * 300
    elif isinstance(parent[key], int | float) and not isinstance(parent[key], bool):
        parent[key] = parent[key] * r.choice([-1, 0, 1e6, 1e300, float("nan")])
    else:
        parent[key] = str(parent[key])
    return data


def mutate_text(text: str, r: random.Random) -> bytes:
    """One change to the text: an odd value spliced over a value, a line dropped, doubled or
    cut, bad UTF-8, an alias bomb, a huge comment, or the file truncated."""
    lines = text.splitlines()
    i = r.randrange(len(lines))
    kind = r.randrange(8)
    if kind <= 2 and ": " in lines[i]:
        head, _, _ = lines[i].partition(": ")
        lines[i] = f"{head}: {r.choice(ODD_TEXT)}"
    elif kind == 3:
        r.choice([lambda: lines.pop(i), lambda: lines.insert(i, lines[i]),
                  lambda: lines.__setitem__(i, lines[i][: r.randrange(len(lines[i]) + 1)])])()
    elif kind == 4:
        raw = "\n".join(lines).encode()
        at = r.randrange(len(raw) + 1)
        return raw[:at] + r.choice(BAD_BYTES) + raw[at:]
    elif kind == 5:
        return (BILLION_LAUGHS if r.random() < 0.5 else "\n".join(lines) + "\n"
                + BILLION_LAUGHS.replace("a:", "zz:", 1)).encode()
    elif kind == 6:
        lines.append("# " + "x" * r.choice([1000, 999_000, 1_100_000]))
    else:
        raw = "\n".join(lines).encode()
        return raw[: r.randrange(len(raw) + 1)]
    return ("\n".join(lines) + "\n").encode()


def _dump(data: Any) -> str:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.width = 4096
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


_SOURCES: dict[str, tuple[str, Any]] = {}


def sources() -> dict[str, tuple[str, Any]]:
    """The shipped scenarios as (text, plain data), read once."""
    if not _SOURCES:
        from ruamel.yaml import YAML

        for path in sorted(SCENARIOS.glob("*.yaml")):
            text = path.read_text(encoding="utf-8")
            _SOURCES[path.name] = (text, YAML(typ="safe", pure=True).load(text))
    return _SOURCES


def make_case(seed: int, index: int) -> tuple[str, bytes]:
    """Case ``index``: (the scenario it started from, the mutated file's bytes)."""
    import copy

    r = random.Random(f"{seed}:{index}")
    name = r.choice(sorted(sources()))
    text, data = sources()[name]
    if r.random() < 0.55:
        data = copy.deepcopy(data)
        for _ in range(r.choice([1, 1, 1, 2, 3])):
            # An earlier mutation may have moved what this one looks for.
            with contextlib.suppress(KeyError, TypeError, IndexError, AttributeError):
                data = mutate_data(data, r)
        try:
            raw = _dump(data).encode("utf-8", "surrogatepass")
        except RecursionError:  # the dumper itself cannot write it: send the text instead
            raw = json.dumps(data, allow_nan=True).encode()
    else:
        raw = mutate_text(text, r)
        if r.random() < 0.2:
            raw = mutate_text(raw.decode("utf-8", "replace"), r)
    return name, raw


# -- checking one case ------------------------------------------------------------------------

ERROR_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<path>\S.*?): (?P<msg>.+)$")


class Hang(Exception):
    """A case ran past its alarm."""


@dataclass
class Outcome:
    """What one case did: ``ok`` (validated and played a week), ``error`` (clean error lines)
    or a failure kind (``crash``, ``hang``, ``memory``, ``bad-error``)."""

    index: int
    kind: str
    detail: str = ""
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        """Whether the case broke the rules."""
        return self.kind not in ("ok", "error")


def check_errors(errors: list[Any], name: str, raw: bytes) -> str:
    """'' when every error line is well formed and points inside the file, else what is not."""
    if not errors:
        return "ScenarioError with no error lines"
    n_lines = raw.count(b"\n") + 1
    for e in errors:
        text = str(e)
        m = ERROR_LINE.match(text)
        if "\n" in text or m is None or m["file"] != name:
            return f"malformed error line {text[:200]!r}"
        if not (1 <= e.line <= n_lines and e.col >= 1):
            return f"position {e.line}:{e.col} outside the file ({n_lines} lines): {text[:200]}"
    return ""


def play_week(scenario: Any) -> None:
    """One week of the engine on the scenario's plan, as ``opssim run`` would start it."""
    from opssim.sim import HOURS_PER_WEEK, Engine

    engine = Engine(scenario, seed=0)
    engine.set_allocation(scenario.plan_hours())
    engine.advance_to(HOURS_PER_WEEK)
    engine.truth()


def check_case(raw: bytes, name: str = "case.yaml") -> tuple[str, str]:
    """(kind, detail) of loading ``raw`` and, if it loads, playing a week."""
    from opssim.scenario import ScenarioError, parse_scenario

    try:
        scenario = parse_scenario(raw, name)
    except ScenarioError as exc:
        bad = check_errors(exc.errors, name, raw)
        return ("bad-error", bad) if bad else ("error", str(exc.errors[0])[:200])
    play_week(scenario)
    return "ok", ""


def run_case(seed: int, index: int, timeout: float) -> Outcome:
    """Make and check case ``index`` under an alarm; never raises."""
    start = time.perf_counter()

    def on_alarm(signum: int, frame: Any) -> None:
        raise Hang()

    old = signal.signal(signal.SIGALRM, on_alarm)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, timeout)
            _, raw = make_case(seed, index)
            kind, detail = check_case(raw)
        finally:  # the alarm off before any handler below runs (it may fire up to here)
            signal.signal(signal.SIGALRM, signal.SIG_IGN)
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
    except Hang:
        kind, detail = "hang", f"over {timeout:g} s"
    except MemoryError:
        kind, detail = "memory", "MemoryError (address-space limit reached)"
    except Exception as exc:  # any other exception is the bug looked for
        kind, detail = "crash", "".join(traceback.format_exception(exc))[-3000:]
    return Outcome(index, kind, detail, time.perf_counter() - start)


# -- hostile recordings and special files ------------------------------------------------------

#: What a recording's fields are replaced with (besides the scenario's own mutations).
ODD_RECORDING: list[Callable[[random.Random, dict], None]] = [
    lambda r, d: d.update(weeks=d["weeks"][: r.randrange(len(d["weeks"]) + 1)]),
    lambda r, d: d.update(weeks=[]),
    lambda r, d: d.update(week_count=r.choice([0, -1, 10**30, "3", None, True])),
    lambda r, d: d.update(outcome=r.choice(["promoted", "kept", "fired", "unfinished", "", 7])),
    lambda r, d: d.update(seed=r.choice([-1, 2**63, 10**4000, 1.5, "1", None])),
    lambda r, d: d.update(scenario=r.choice(["/etc/shadow", "/etc/passwd", "/dev/zero",
                                             "secret.txt", "a\0b", "x" * 100_000, "",
                                             "../../tutorial.yaml", "/proc/self/environ"])),
    lambda r, d: d.update(scenario_sha256=r.choice(["", "0" * 64, "zz", None])),
    lambda r, d: d["weeks"][r.randrange(len(d["weeks"]))]["hours"].update(
        {r.choice(["copy", "juggling", "support"]): r.choice(
            [1e308, -1, 10**400, float("nan"), "5", None, [], _deep(50)])}),
    lambda r, d: d["weeks"][r.randrange(len(d["weeks"]))].update(checksum=r.choice(
        ["0" * 16, "", None, 7])),
    lambda r, d: d.update(format=r.choice(["opssim-recording/1", "opssim-recording/2", "opssim-recording/4", None])),
    lambda r, d: d.update(versions=r.choice([None, [], {"a": _deep(30)}])),
]

_RECORDING: dict[str, Any] = {}


def base_recording(folder: Path) -> tuple[dict, Path]:
    """A real recording of the tutorial (seed 3, the plan) as JSON data, and the tutorial's
    copy in ``folder`` that it names (recorded once per process)."""
    scenario = folder / "tutorial.yaml"
    scenario.write_bytes((SCENARIOS / "tutorial.yaml").read_bytes())
    if not _RECORDING:
        from opssim.batch import parse_policy, run_engine
        from opssim.scenario import load_scenario
        from opssim.sim.record import Recording, state_checksum

        sc = load_scenario(scenario)
        sums: list[str] = []
        engine = run_engine(sc, 3, parse_policy("plan", sc),
                            on_week=lambda e: sums.append(state_checksum(e)))
        digest = hashlib.sha256(scenario.read_bytes()).hexdigest()
        _RECORDING.update(json.loads(Recording.of(engine, sums, scenario="tutorial.yaml",
                                                  scenario_sha256=digest,
                                                  policy="plan").to_json()))
    return json.loads(json.dumps(_RECORDING)), scenario


def make_recording_case(seed: int, index: int, folder: Path) -> bytes:
    """Recording case ``index``: a real recording with one to three hostile edits, or a
    hostile JSON shape (deep nesting, a 5,000-digit number, not UTF-8)."""
    r = random.Random(f"rec:{seed}:{index}")
    data, _ = base_recording(folder)
    (folder / "secret.txt").write_text("api_token: do-not-print-me\n")
    shape = r.randrange(10)
    if shape == 0:
        return r.choice([b"[" * 200_000 + b"]" * 200_000, b'{"a": ' + b"9" * 5000 + b"}",
                         b"\xff\xfe", b"", b"{" * 50 + b"}" * 50])
    for _ in range(r.choice([1, 1, 2, 3])):
        with contextlib.suppress(KeyError, TypeError, IndexError, ValueError):
            r.choice(ODD_RECORDING)(r, data)
    try:
        return json.dumps(data).encode()
    except (ValueError, RecursionError):
        return b"[]"


def check_recording(folder: Path, raw: bytes) -> tuple[str, str]:
    """(kind, detail) of reading and replaying a recording as ``opssim replay`` does: a
    one-line :class:`RecordingError` or a replay result, never a crash, and never a line of
    a file that is not the scenario recorded."""
    from opssim.sim.record import Recording, RecordingError, replay
    from opssim.sim.recorded import read_recorded_scenario

    path = folder / "rec.json"
    path.write_bytes(raw)
    try:
        rec = Recording.load(path)
        located, _ = read_recorded_scenario(rec, folder)
        result = replay(located.scenario, rec)
    except (RecordingError, OSError) as exc:
        text = str(exc)
        if "\n" in text or len(text) > 1000:
            return "bad-error", f"not one short line: {text[:200]!r}"
        if "do-not-print-me" in text or "root:" in text:
            return "bad-error", f"a file's contents leaked: {text[:200]!r}"
        return "error", text[:200]
    return "ok", "identical" if result.identical else "differs"


def check_special_files(folder: Path) -> list[str]:
    """Every reader of user files, given a FIFO, a link to /dev/zero, a folder, a broken
    link and a link loop: each must refuse at once (an alarm catches a hang). Returns the
    failures."""
    from opssim.batch.schedule import ScheduleError, load_schedule
    from opssim.play.settings import load_settings
    from opssim.scenario import ScenarioError, load_scenario
    from opssim.sim.record import Recording, RecordingError

    shapes: dict[str, Path] = {}
    shapes["fifo"] = folder / "fifo"
    os.mkfifo(shapes["fifo"])
    shapes["zero"] = folder / "zero"
    shapes["zero"].symlink_to("/dev/zero")
    shapes["folder"] = folder / "dir"
    shapes["folder"].mkdir()
    shapes["broken-link"] = folder / "broken"
    shapes["broken-link"].symlink_to(folder / "gone")
    shapes["loop"] = folder / "loop"
    shapes["loop"].symlink_to(shapes["loop"])
    readers: dict[str, Callable[[Path], Any]] = {
        "scenario": load_scenario, "recording": Recording.load, "schedule": load_schedule,
        "settings": lambda p: _settings_note(load_settings(p)),
    }
    refused = (ScenarioError, RecordingError, ScheduleError, OSError)
    failures = []

    def on_alarm(signum: int, frame: Any) -> None:
        raise Hang()

    old = signal.signal(signal.SIGALRM, on_alarm)
    try:
        for shape, path in shapes.items():
            for reader, read in readers.items():
                signal.setitimer(signal.ITIMER_REAL, 5)
                try:
                    read(path)
                    if reader != "settings":  # settings: a missing file is the defaults
                        failures.append(f"{reader} read a {shape}")
                except Hang:
                    failures.append(f"{reader} hung on a {shape}")
                except refused:
                    pass
                except Exception as exc:
                    failures.append(f"{reader} on a {shape}: {type(exc).__name__}: {exc}")
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, old)
    return failures


def _settings_note(loaded: tuple[Any, str | None]) -> None:
    """Settings are never an error: a refused file is the defaults and a note."""
    _, note = loaded
    if note is None:
        return
    raise OSError(note)


def run_recording_case(seed: int, index: int, timeout: float) -> Outcome:
    """Make and check recording case ``index`` under an alarm; never raises."""
    start = time.perf_counter()

    def on_alarm(signum: int, frame: Any) -> None:
        raise Hang()

    old = signal.signal(signal.SIGALRM, on_alarm)
    try:
        with tempfile.TemporaryDirectory(prefix="opssim-fuzz-rec-") as tmp:
            try:
                signal.setitimer(signal.ITIMER_REAL, timeout)
                raw = make_recording_case(seed, index, Path(tmp))
                kind, detail = check_recording(Path(tmp), raw)
            finally:
                signal.signal(signal.SIGALRM, signal.SIG_IGN)
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, old)
    except Hang:
        kind, detail = "hang", f"over {timeout:g} s"
    except MemoryError:
        kind, detail = "memory", "MemoryError (address-space limit reached)"
    except Exception as exc:
        kind, detail = "crash", "".join(traceback.format_exception(exc))[-3000:]
    return Outcome(index, kind, detail, time.perf_counter() - start)


# -- the subprocess sample ----------------------------------------------------------------------


def check_subprocess(seed: int, index: int, timeout: float) -> Outcome:
    """Case ``index`` through the real ``opssim validate`` (and ``opssim run`` when it
    validates): exit 0 or 2, one error line per problem on stderr, never a traceback."""
    _, raw = make_case(seed, index)
    with tempfile.TemporaryDirectory(prefix="opssim-fuzz-") as tmp:
        path = Path(tmp) / f"case{index}.yaml"
        path.write_bytes(raw)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
        commands = [["validate", str(path)]]
        for args in commands:
            try:
                proc = subprocess.run([sys.executable, "-m", "opssim.cli", *args], env=env,
                                      capture_output=True, timeout=timeout * 6)
            except subprocess.TimeoutExpired:
                return Outcome(index, "hang", f"opssim {args[0]} over {timeout * 6:g} s")
            err = proc.stderr.decode("utf-8", "replace")
            if "Traceback" in err or proc.returncode not in (0, 2):
                return Outcome(index, "crash", f"opssim {args[0]} exit {proc.returncode}: "
                               f"{err[-2000:]}")
            if proc.returncode == 2:
                lines = err.splitlines()
                bad = [ln for ln in lines if not (ERROR_LINE.match(ln)
                                                  and ln.startswith(f"{path}:"))]
                if not lines or bad:
                    return Outcome(index, "bad-error", f"opssim {args[0]}: {bad[:1]}")
            elif args[0] == "validate":
                commands.append(["run", str(path), "--json"])
        return Outcome(index, "ok" if proc.returncode == 0 else "error")


# -- workers -------------------------------------------------------------------------------------


def rss_mb() -> float:
    """This process's resident memory, in MB."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _init_worker(memory_mb: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    limit = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@dataclass
class Chunk:
    """What a worker found in a range of cases."""

    counts: Counter = field(default_factory=Counter)
    failures: list[Outcome] = field(default_factory=list)
    slowest: tuple[float, int] = (0.0, -1)
    rss_start: float = 0.0
    rss_end: float = 0.0


def _run_chunk(args: tuple[int, list[int], float, int]) -> Chunk:
    seed, indexes, timeout, every = args
    out = Chunk(rss_start=rss_mb())
    for i in indexes:
        if i < 0:  # recording case -i - 1
            o = run_recording_case(seed, -i - 1, timeout)
            out.counts[f"recording-{o.kind}"] += 1
            out.slowest = max(out.slowest, (o.seconds, i))
            if o.failed:
                out.failures.append(o)
            continue
        o = run_case(seed, i, timeout)
        if every and i % every == 0 and not o.failed:
            o = check_subprocess(seed, i, timeout)
            out.counts["subprocess"] += 1
        out.counts[o.kind] += 1
        out.slowest = max(out.slowest, (o.seconds, i))
        if o.failed:
            out.failures.append(o)
    out.rss_end = rss_mb()
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the fuzzer and print a summary; 1 when any case failed."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--cases", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--case", type=int, default=None, help="run only this case")
    ap.add_argument("--keep", action="store_true", help="with --case: write case-N.yaml here")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per case")
    ap.add_argument("--memory-mb", type=int, default=3000, help="address space per worker")
    ap.add_argument("--subprocess-every", type=int, default=100,
                    help="also run every Nth case through a real opssim process (0: never)")
    ap.add_argument("--json", type=Path, default=None, help="write the summary here too")
    ap.add_argument("--recordings", type=int, default=None,
                    help="hostile recordings to try too (default: one per ten cases); "
                    "listed as negative case numbers, -1 being recording 0")
    opts = ap.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # a smaller address space per worker

    if opts.case is not None and opts.case < 0:
        o = run_recording_case(opts.seed, -opts.case - 1, opts.timeout)
        print(f"recording case {opts.case}: {o.kind} in {o.seconds:.2f} s\n{o.detail}")
        return int(o.failed)
    if opts.case is not None:
        name, raw = make_case(opts.seed, opts.case)
        if opts.keep:
            Path(f"case-{opts.case}.yaml").write_bytes(raw)
        o = run_case(opts.seed, opts.case, opts.timeout)
        print(f"case {opts.case} (from {name}, {len(raw):,} bytes): {o.kind} in "
              f"{o.seconds:.2f} s\n{o.detail}")
        return int(o.failed)

    sources()  # read before forking
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="opssim-fuzz-special-") as tmp:
        special = check_special_files(Path(tmp))
    for line in special:
        print(f"special file: {line}")
    size = 50
    recordings = opts.cases // 10 if opts.recordings is None else opts.recordings
    indexes = [*range(opts.cases), *(-i - 1 for i in range(recordings))]
    chunks = [(opts.seed, indexes[a:a + size], opts.timeout, opts.subprocess_every)
              for a in range(0, len(indexes), size)]
    total, failures, rss = Counter(), [], []
    slowest = (0.0, -1)
    ctx = mp.get_context("fork")
    with ctx.Pool(opts.jobs, _init_worker, (opts.memory_mb,), maxtasksperchild=40) as pool:
        for n, chunk in enumerate(pool.imap_unordered(_run_chunk, chunks), start=1):
            total.update(chunk.counts)
            failures += chunk.failures
            slowest = max(slowest, chunk.slowest)
            rss.append((chunk.rss_start, chunk.rss_end))
            if n % 20 == 0 or n == len(chunks):
                done = sum(v for k, v in total.items() if k != "subprocess")
                print(f"{done:,}/{len(indexes):,} cases, {len(failures)} failed, "
                      f"{time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    cases = sum(v for k, v in total.items() if k != "subprocess")
    failures += [Outcome(-10**9, "special-file", line) for line in special]
    growth = max((b - a for a, b in rss), default=0.0)
    summary = {
        "cases": cases,
        "seed": opts.seed,
        "outcomes": dict(total),
        "failures": [{"case": f.index, "kind": f.kind, "detail": f.detail} for f in failures],
        "slowest_case": {"case": slowest[1], "seconds": round(slowest[0], 2)},
        "max_rss_growth_per_chunk_mb": round(growth, 1),
        "seconds": round(time.perf_counter() - start, 1),
    }
    for f in sorted(failures, key=lambda f: f.index)[:20]:
        print(f"case {f.index}: {f.kind}: {f.detail.strip().splitlines()[-1] if f.detail else ''}")
    print(f"{cases:,} cases in {summary['seconds']} s: "
          + ", ".join(f"{k} {v:,}" for k, v in sorted(total.items()))
          + f"; slowest case {slowest[1]} ({slowest[0]:.2f} s); "
          f"worst RSS growth over {size} cases {growth:.0f} MB")
    if opts.json:
        opts.json.write_text(json.dumps(summary, indent=1, default=str) + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
