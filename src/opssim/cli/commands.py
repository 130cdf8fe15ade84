"""Playing, running and authoring: run, replay, play, validate, schema, new, lint."""

import dataclasses
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer

from opssim.atomic import write_text_atomically
from opssim.cli.common import BotTimeOpt, ScenarioArg, _has_display, _load, app, fail, on_path
from opssim.limits import DEFAULT_TIME_LIMIT
from opssim.safeio import check_output, display_path


@app.command()
def run(
    scenario: ScenarioArg = None,
    seed: Annotated[int, typer.Option(min=0, max=2**63 - 1, help="root random seed")] = 0,
    policy: Annotated[str, typer.Option(help="plan | even | fixed:copy=10,events=8,...")] = "plan",
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    record: Annotated[
        Path | None,
        typer.Option(help="also write the run as a recording (scenario hash, seed, versions, "
                     "hours and a state checksum per week) for opssim replay", metavar="FILE",
                     show_default=False),
    ] = None,
    bot_time_limit: BotTimeOpt = DEFAULT_TIME_LIMIT,
    events_out: Annotated[
        Path | None,
        typer.Option("--events-out", help="also write a user-level event log of the run "
                     "(user_id,event,timestamp,channel; run hour 0 is 2024-01-01 00:00 UTC), as "
                     "opssim calibrate reads it", metavar="FILE", show_default=False),
    ] = None,
) -> None:
    """Run a scenario headless to the end and print the result."""
    from opssim.batch import PolicyError, parse_policy
    from opssim.batch.run import RunSummary, run_engine, summarize
    from opssim.scenario import default_scenario_path
    from opssim.sim.record import Recording, state_checksum

    if record is not None:
        _writable(record, "--record")
    if events_out is not None:
        _writable(events_out, "--events-out")
    sc = _load(scenario)
    on_path()
    try:
        pol = parse_policy(policy, sc, bot_time_limit)
    except PolicyError as exc:
        fail(f"--policy: {exc}")
    checksums: list[str] = []
    logs = []

    def hook(engine) -> None:
        from opssim.sim.events_out import attach

        logs.append(attach(engine))

    try:
        engine = run_engine(sc, seed, pol,
                            on_week=lambda e: checksums.append(state_checksum(e)),
                            on_start=hook if events_out is not None else None)
    except PolicyError as exc:  # a bot that failed after the trial week
        fail(str(exc))
    if events_out is not None:
        from opssim.sim.events_out import finish

        finish(engine, logs[0])
        try:
            logs[0].write_csv(events_out)
        except OSError as exc:
            fail(f"--events-out: cannot write {events_out}: {exc.strerror or exc}")
    summary = RunSummary(summarize(engine, pol.spec))
    if record is not None:
        rec = Recording.of(engine, checksums, policy=pol.spec,
                           scenario=str(scenario or default_scenario_path()))
        try:
            rec.save(record)
        except OSError as exc:
            fail(f"--record: cannot write {display_path(record)}: {exc.strerror or exc}", 1)
    if as_json:
        print(json.dumps(summary.data, ensure_ascii=False, sort_keys=False))
    else:
        from opssim.report import print_summary

        print_summary(summary.data, sc)


def _writable(path: Path, flag: str) -> None:
    """Fail now, before the work, if ``path`` cannot be written: no folder, or something
    other than a regular file there (a folder, a device such as /dev/full, a FIFO)."""
    shown = display_path(path)
    try:
        if path.is_dir():
            fail(f"{flag}: {shown} is a folder, not a file")
        if not path.parent.is_dir():
            fail(f"{flag}: folder {display_path(path.parent)} does not exist")
        check_output(path)
    except (OSError, ValueError) as exc:
        fail(f"{flag}: {shown}: {getattr(exc, 'strerror', None) or exc}")


@app.command()
def replay(
    recording: Annotated[Path, typer.Argument(help="a recording written by run --record "
                                              "(or saved from the window)")],
    scenario: Annotated[
        Path | None,
        typer.Option(help="the scenario to replay on (default: the one the recording names, "
                     "beside the recording or from the current folder)", show_default=False),
    ] = None,
) -> None:
    """Re-run a recording and check it week by week: exit 0 when every week's state checksum
    matches, 1 naming the first week that differs (or when the scenario changed)."""
    from opssim.sim.record import Recording, RecordingError
    from opssim.sim.record import replay as replay_run
    from opssim.sim.recorded import read_recorded_scenario

    shown = display_path(recording)
    try:
        rec = Recording.load(recording)
    except FileNotFoundError:
        fail(f"{shown}: no such file")
    except OSError as exc:
        fail(f"{shown}: cannot read it ({exc.strerror or exc})")
    except RecordingError as exc:
        fail(f"{shown}: {exc}")
    if scenario is not None:
        path, sc = scenario, _load(scenario)
    else:
        if not rec.scenario:
            fail(f"{shown}: names no scenario: give one with --scenario PATH")
        try:
            located, path = read_recorded_scenario(rec, recording.parent)
        except RecordingError as exc:
            fail(f"{shown}: {exc}: give it with --scenario PATH")
        sc = located.scenario
    try:
        result = replay_run(sc, rec)
    except RecordingError as exc:  # another scenario, or more weeks than it has
        fail(f"{shown}: {exc} ({display_path(path)})", 1)
    if result.identical:
        print(f"{shown}: {result.weeks_checked} weeks replayed on {display_path(path)} with "
              f"seed {rec.seed}: every checksum matches and the run ends {rec.outcome}")
        return
    note = _versions_note(rec.versions)
    if result.ending:
        fail(f"{shown}: every week's checksum matches, but {result.ending}{note}", 1)
    week = result.first_difference
    fail(f"{shown}: week {week} differs: recorded state {result.expected}, replayed "
         f"{result.got}{note}", 1)


def _versions_note(recorded: Mapping[str, str]) -> str:
    """'' when the versions match this process's, else which differ (a likely cause)."""
    from opssim.sim.record import versions

    now = versions()
    changed = [f"{k} {recorded[k]} then, {now[k]} now" for k in now
               if k in recorded and recorded[k] != now[k]]
    return f" (recorded with other versions: {'; '.join(changed)})" if changed else ""


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="scenario files to check")],
    fmt: Annotated[
        str, typer.Option("--format", help="text, or json: one JSON document on stdout")
    ] = "text",
) -> None:
    """Check scenario files; print every problem as FILE:LINE:COL: path: message."""
    from opssim.scenario import ScenarioError, load_scenario
    if fmt not in ("text", "json"):
        fail(f"validate: --format: expected text or json, got {fmt!r}")
    bad = 0
    report: dict[str, list] = {"files": [], "errors": []}
    for f in files:
        try:
            load_scenario(f)
        except ScenarioError as exc:
            bad += 1
            report["files"].append({"file": str(f), "ok": False})
            report["errors"] += [dataclasses.asdict(e) for e in exc.errors]
            if fmt == "text":
                for line in exc.errors:
                    print(line, file=sys.stderr)
        else:
            report["files"].append({"file": str(f), "ok": True})
            if fmt == "text":
                print(f"{f}: ok")
    if fmt == "json":
        print(json.dumps(report, ensure_ascii=False))
    if bad:
        raise SystemExit(2)


@app.command()
def schema(
    out: Annotated[
        Path | None, typer.Option(help="write to FILE instead of printing", metavar="FILE")
    ] = None,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="the reference page (Markdown) instead")
    ] = False,
) -> None:
    """Print the JSON Schema (draft-07) of the scenario format, for editors and tools."""
    from opssim.scenario.jsonschema import schema_text
    from opssim.scenario.reference import reference_markdown

    _emit(reference_markdown() if markdown else schema_text(), out)


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    try:
        write_text_atomically(out, text)
    except OSError as exc:
        fail(f"--out: cannot write {display_path(out)}: {exc.strerror or exc}")
    print(f"wrote {out}")


@app.command()
def new(
    name: Annotated[str, typer.Argument(help="the scenario's id, e.g. spring-sale")],
    archetype: Annotated[str, typer.Option(help="small or big: the company to start from")] = (
        "small"
    ),
    out: Annotated[Path, typer.Option(help="folder to write NAME.yaml into", metavar="DIR")] = (
        Path(".")
    ),
) -> None:
    """Write a commented scenario NAME.yaml that validates and plays (never overwrites), and
    the schema beside it for editors."""
    from opssim.scenario.jsonschema import SCHEMA_FILE
    from opssim.scenario.scaffold import ScaffoldError, write_new_scenario

    try:
        path, schema = write_new_scenario(name, archetype, out)
    except ScaffoldError as exc:
        fail(f"new: {exc}")
    print(f"wrote {path} ({schema} {out / SCHEMA_FILE} beside it, for your editor); "
          f"next: opssim validate {path} && opssim run {path}")


@app.command()
def lint(
    files: Annotated[list[Path], typer.Argument(help="scenario files to lint")],
    expect: Annotated[
        bool, typer.Option("--expect", help="also check the scenario's expect: section")
    ] = False,
    only_expect: Annotated[
        bool, typer.Option("--only-expect", help="check the expect: section only")
    ] = False,
    seeds: Annotated[int, typer.Option(min=1, max=500, help="seeds for the plan's win rate")] = 12,
    workers: Annotated[
        int | None, typer.Option(min=1, max=64, help="processes (default: cores, at most 4)")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="exit 1 on warnings too")] = False,
) -> None:
    """Balance lint in seconds: reachable targets, duties that pay, the difficulty band, a
    dominant single duty; with --expect, the scenario's own expectations. Exit 1 when an
    expectation fails (or, with --strict, on any warning)."""
    from opssim.batch.lint import default_workers
    from opssim.batch.lint import lint as lint_scenario
    from opssim.scenario import ScenarioError, load_located

    located, broken = [], False
    for f in files:
        try:
            located.append(load_located(f))
        except ScenarioError as exc:
            broken = True
            for line in exc.errors:
                print(line, file=sys.stderr)
    if broken:
        raise SystemExit(2)
    bad = False
    for loc in located:
        report = lint_scenario(loc, balance=not only_expect, expect=expect or only_expect,
                               seeds=seeds, workers=workers or default_workers())
        for line in report.lines():
            print(line)
        print(f"{loc.name}: {report.warnings} warning(s), {len(report.failed)} failed "
              f"expectation(s), {report.runs} runs")
        bad = bad or bool(report.failed) or (strict and report.warnings > 0)
    if bad:
        raise SystemExit(1)


@app.command()
def play(
    scenario: ScenarioArg = None,
    seed: Annotated[int, typer.Option(min=0, max=2**63 - 1, help="root random seed")] = 0,
    lang: Annotated[
        str | None, typer.Option(help="en or zh, for this session [default: the last chosen, "
                                      "else en]", show_default=False)
    ] = None,
    frames: Annotated[
        int | None, typer.Option(min=1, help="run this many frames on the plan, then quit")
    ] = None,
    screenshot: Annotated[
        Path | None, typer.Option(help="save the last frame as PNG (with --frames)")
    ] = None,
    load: Annotated[
        Path | None, typer.Option(help="open a save (a recording) at its week")
    ] = None,
    size: Annotated[str, typer.Option(help="window size, 4:3 to 21:9, such as 1920x1080 "
                                           "(the window can be resized)")] = "1280x720",
    week: Annotated[
        int | None, typer.Option(min=1, help="start at week N: the weeks before it are "
                                             "played on the manager's plan")
    ] = None,
    title: Annotated[
        bool, typer.Option("--title", help="with --frames or --screenshot: show (and capture) "
                                           "the title screen instead of a run")
    ] = False,
    reduced_motion: Annotated[
        bool | None, typer.Option("--reduced-motion/--no-reduced-motion",
                                  help="no moving dots or animations, for this session "
                                       "[default: the last chosen, else off]",
                                  show_default=False)
    ] = None,
    policy: Annotated[
        str | None, typer.Option(help="with --frames: the hours played (as for run)")
    ] = None,
    bot_time_limit: BotTimeOpt = DEFAULT_TIME_LIMIT,
) -> None:
    """Play in a window: the title screen, or SCENARIO directly, or a save with --load."""
    from opssim.batch import PolicyError, parse_policy
    from opssim.batch.policy import choose_incident, decide_week
    from opssim.scenario import default_scenario_path
    from opssim.scenario.schema import Incident
    from opssim.sim import Snapshot
    if lang is not None and lang not in ("en", "zh"):
        fail(f"--lang: expected en or zh, got {lang!r}")
    if title and (scenario is not None or load is not None or week is not None):
        fail("--title: shows the title screen, so no SCENARIO, --load or --week with it")
    if week is not None and load is not None:
        fail("--week: a save already starts at its own week; not with --load")
    if screenshot is not None and frames is None:
        frames = 120
    if screenshot is not None:
        _writable(screenshot, "--screenshot")
    from opssim.render.game import parse_size

    try:
        window = parse_size(size)
    except ValueError as exc:
        fail(f"--size: {exc}")
    from opssim.play.session import Session

    loaded = at = None
    if load is not None:
        from opssim.sim.record import RecordingError

        try:
            loaded = Session.load(load)  # restored once, here: a bad save is one line
        except (RecordingError, OSError) as exc:
            fail(f"--load: {display_path(load)}: {getattr(exc, 'strerror', None) or exc}")
    sc = None
    path = scenario
    if (scenario is not None or frames is not None or week is not None) and not title:
        path = scenario or default_scenario_path()
        sc = _load(path)
    if week is not None and sc is not None:
        if week > sc.weeks:
            fail(f"--week: {path} has {sc.weeks} weeks, got {week}")
        at = Session.at_week(sc, path, seed, week)
    decide = None
    if policy is not None:
        if frames is None or sc is None:
            fail("--policy: only with --frames (a scripted run)")
        on_path()
        try:
            pol = parse_policy(policy, sc, bot_time_limit)
            rule, played = pol.start(seed), sc
        except PolicyError as exc:
            fail(f"--policy: {exc}")

        def decide(snapshot: Snapshot) -> dict[str, float]:
            return decide_week(rule, snapshot, played, policy, seed, bot_time_limit)

        bot_choose = getattr(rule, "choose", None)
        if callable(bot_choose):  # the bot answers the incident cards (else their defaults)
            def choose(card: Incident, snapshot: Snapshot) -> int:
                return choose_incident(bot_choose, card, snapshot, policy, seed,
                                       bot_time_limit)

            decide.choose = choose  # type: ignore[attr-defined]

    if frames is not None and not _has_display():
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # scripted frames need no screen
    elif not _has_display():
        fail("play: no display found (DISPLAY is not set); to run headless use: opssim run", 3)
    from opssim.render import play as play_window

    try:
        code = play_window(sc, seed=seed, lang=lang, frames=frames, screenshot=screenshot,
                           path=path, size=window, load=loaded, reduced_motion=reduced_motion,
                           decide=decide, at=at)
    except PolicyError as exc:  # a bot that raised or returned nonsense mid-run
        fail(str(exc))
    raise SystemExit(code)
