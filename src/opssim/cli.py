"""The ``opssim`` command line: one thin layer over scenarios, runs and the window.

Every failure a user can cause ends in one line on stderr and a non-zero exit, never a
traceback: 2 for bad input (a flag, a scenario, a policy), 3 when no display is available.
"""

import dataclasses
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from opssim.batch import PolicyError, parse_policy, run_one
from opssim.scenario import (
    Scenario,
    ScenarioError,
    default_scenario_path,
    load_located,
    load_scenario,
)

app = typer.Typer(
    name="opssim",
    help="An operations-simulation game: a funnel, a specialist's hours, and the blame.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

ScenarioArg = Annotated[
    Path | None,
    typer.Argument(help="scenario YAML file (default: the bundled starter scenario)",
                   show_default=False),
]


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``opssim: message`` on stderr and exit with ``code``."""
    print(f"opssim: {message}", file=sys.stderr)
    raise SystemExit(code)


def _load(path: Path | None) -> Scenario:
    try:
        return load_scenario(path or default_scenario_path())
    except ScenarioError as exc:
        for line in exc.errors:
            print(line, file=sys.stderr)
        raise SystemExit(2) from None


@app.command()
def run(
    scenario: ScenarioArg = None,
    seed: Annotated[int, typer.Option(min=0, max=2**63 - 1, help="root random seed")] = 0,
    policy: Annotated[str, typer.Option(help="plan | even | fixed:copy=10,events=8,...")] = "plan",
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Run a scenario headless to the end and print the result."""
    sc = _load(scenario)
    try:
        pol = parse_policy(policy, sc)
    except PolicyError as exc:
        fail(f"--policy: {exc}")
    summary = run_one(sc, seed, pol)
    if as_json:
        print(json.dumps(summary.data, ensure_ascii=False, sort_keys=False))
    else:
        from opssim.report import print_summary

        print_summary(summary.data, sc)


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="scenario files to check")],
    fmt: Annotated[
        str, typer.Option("--format", help="text, or json: one JSON document on stdout")
    ] = "text",
) -> None:
    """Check scenario files; print every problem as FILE:LINE:COL: path: message."""
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
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"--out: cannot write {out}: {exc.strerror or exc}")
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
    """Write a commented scenario NAME.yaml that validates and plays (never overwrites)."""
    from opssim.scenario.scaffold import ScaffoldError, write_new_scenario

    try:
        path = write_new_scenario(name, archetype, out)
    except ScaffoldError as exc:
        fail(f"new: {exc}")
    print(f"wrote {path}; next: opssim validate {path} && opssim run {path}")


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
    lang: Annotated[str, typer.Option(help="en or zh")] = "en",
    frames: Annotated[
        int | None, typer.Option(min=1, help="run this many frames on the plan, then quit")
    ] = None,
    screenshot: Annotated[
        Path | None, typer.Option(help="save the last frame as PNG (with --frames)")
    ] = None,
) -> None:
    """Play a scenario in a window."""
    if lang not in ("en", "zh"):
        fail(f"--lang: expected en or zh, got {lang!r}")
    if screenshot is not None and frames is None:
        frames = 120
    if screenshot is not None and not screenshot.parent.is_dir():
        fail(f"--screenshot: folder {screenshot.parent} does not exist")
    sc = _load(scenario)
    if frames is not None and not _has_display():
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # scripted frames need no screen
    elif not _has_display():
        fail("play: no display found (DISPLAY is not set); to run headless use: opssim run", 3)
    from opssim.render import play as play_window

    raise SystemExit(
        play_window(sc, seed=seed, lang=lang, frames=frames, screenshot=screenshot)
    )


# -- the balancing lab ---------------------------------------------------------------------

SeedsOpt = Annotated[
    int, typer.Option(min=1, max=1_000_000, help="runs per policy: seeds S..S+N-1 "
                      "(S: --seed-start)")
]
SeedStartOpt = Annotated[
    int, typer.Option(min=0, max=2**62, help="first seed: runs seeds S..S+N-1")
]
JobsOpt = Annotated[
    int | None,
    typer.Option(min=1, max=512, help="local worker processes (default: one per core)",
                 show_default=False),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(help="run on the Dask cluster at this address, e.g. tcp://HOST:8786 "
                      "(needs: pip install 'opssim[cluster]')", show_default=False),
]
OutOpt = Annotated[
    Path | None,
    typer.Option(help="write one row per run to this .csv or .parquet file, as runs finish",
                 show_default=False),
]
ResumeOpt = Annotated[
    bool, typer.Option(help="keep the runs already in --out and run only the missing ones")
]


class _LabRef:
    """The lab of the command running, for the message after an interruption."""

    def __init__(self, out: Path | None = None) -> None:
        self.lab: Any = None
        self.note = (f"the finished runs are in {out}: add --resume to go on" if out
                     else "nothing was saved (no --out)")

    def saved(self) -> str:
        """What is on disk: the lab's rows, or the command's own note."""
        from opssim.batch.runner import saved_note

        return saved_note(self.lab) if self.lab is not None else self.note


@contextmanager
def _lab_errors(ref: _LabRef) -> Iterator[None]:
    """Turn the lab's failures into one line each: bad input 2, lost workers 1, Ctrl-C 130."""
    from opssim.batch.executor import ExecutorError
    from opssim.batch.params import ParamError
    from opssim.batch.runner import LabError
    from opssim.batch.store import StoreError

    try:
        yield
    except (PolicyError, ParamError, StoreError, ExecutorError) as exc:
        fail(str(exc))
    except LabError as exc:
        fail(f"{exc}; {ref.saved()}", 1)
    except KeyboardInterrupt:
        fail(f"interrupted; {ref.saved()}", 130)


def _on_path() -> None:
    """Let ``module:function`` policies name modules in the current folder (as python -m)."""
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())


@app.command()
def batch(
    scenario: ScenarioArg = None,
    seeds: SeedsOpt = 100,
    policy: Annotated[
        list[str] | None,
        typer.Option("--policy", help="a policy SPEC; repeat for several (default: plan, even)",
                     show_default=False),
    ] = None,
    seed_start: SeedStartOpt = 0,
    jobs: JobsOpt = None,
    scheduler: SchedulerOpt = None,
    out: OutOpt = None,
    resume: ResumeOpt = False,
) -> None:
    """Run many seeds under each policy: win rate, fired rate, KPI means with 95% CIs."""
    from opssim.batch.montecarlo import (
        check_resumable,
        monte_carlo,
        parse_policies,
        summarize_policies,
    )
    from opssim.batch.rows import columns
    from opssim.batch.runner import open_lab
    from opssim.batch.summary import console, summary_table
    from opssim.scenario import scenario_hash

    if resume and out is None:
        fail("--resume needs --out FILE")
    sc = _load(scenario)
    _on_path()
    ref = _LabRef(out)
    with _lab_errors(ref):
        policies = parse_policies(policy or ["plan", "even"], sc)
        seed_list = list(range(seed_start, seed_start + seeds))
        with open_lab(out, columns(sc), resume=resume, jobs=jobs, scheduler=scheduler) as lab:
            ref.lab = lab
            check_resumable(lab.store, [scenario_hash(sc)])
            _say(f"{sc.id}: {seeds} seeds x {len(policies)} policies on {lab.pool.where}"
                 + (f" ({lab.store.resumed} runs already in {out})" if lab.store.resumed else ""))
            results = monte_carlo(lab, sc, policies, seed_list)
    console().print(summary_table(summarize_policies(results, sc), sc,
                                  f"{sc.id}: {seeds} seeds per policy"))
    if out is not None:
        _say(f"wrote {out} ({len(lab.store.rows)} rows)")


@app.command()
def sweep(
    scenario: ScenarioArg = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", help="PATH=V1,V2,...: a numeric scenario field by dotted path "
                     "(funnel.stages.visit.convert) or hours.DUTY; repeat for a grid",
                     show_default=False),
    ] = None,
    seeds: SeedsOpt = 50,
    policy: Annotated[str, typer.Option(help="the policy every point runs")] = "plan",
    oat: Annotated[bool, typer.Option("--oat", help="one at a time (tornado) instead of "
                                      "the full grid")] = False,
    seed_start: SeedStartOpt = 0,
    jobs: JobsOpt = None,
    scheduler: SchedulerOpt = None,
    out: OutOpt = None,
    resume: ResumeOpt = False,
) -> None:
    """Sweep scenario parameters and/or hours: a table per point and a sensitivity ranking."""
    from opssim.batch.montecarlo import check_resumable
    from opssim.batch.params import parse_param
    from opssim.batch.rows import columns
    from opssim.batch.runner import open_lab
    from opssim.batch.summary import (
        console,
        sensitivity_table,
        summarize_rows,
        summary_table,
    )
    from opssim.batch.sweep import design, sensitivity

    if resume and out is None:
        fail("--resume needs --out FILE")
    sc = _load(scenario)
    _on_path()
    ref = _LabRef(out)
    mode = "oat" if oat else "grid"
    with _lab_errors(ref):
        pol = parse_policy(policy, sc)
        params = [parse_param(p, sc, pol.constant_hours) for p in param or []]
        points = design(sc, pol, params, mode)
        cols = columns(sc, [p.path for p in params])
        with open_lab(out, cols, resume=resume, jobs=jobs, scheduler=scheduler) as lab:
            ref.lab = lab
            check_resumable(lab.store, {pt.job.scenario_hash for pt in points})
            _say(f"{sc.id}: {len(points)} points x {seeds} seeds ({mode}) on {lab.pool.where}")
            results = lab.run([pt.job for pt in points],
                              range(seed_start, seed_start + seeds), label="sweep")
    out_console = console()
    summaries = [summarize_rows(pt.label(params), rows, sc)
                 for pt, rows in zip(points, results, strict=True)]
    out_console.print(summary_table(
        summaries, sc, f"{sc.id}: sweep under {policy!r}, {seeds} seeds per point",
        keys=[[f"{v:g}" for v in pt.values] for pt in points],
        key_headers=[p.path for p in params],
    ))
    ranking = sensitivity(params, points, results, mode)
    how = "main effects over the grid" if mode == "grid" else "one at a time"
    out_console.print(sensitivity_table(ranking, f"Sensitivity of the win rate ({how})"))
    if out is not None:
        _say(f"wrote {out} ({len(lab.store.rows)} rows)")


@app.command()
def optimize(
    scenario: ScenarioArg = None,
    seeds: SeedsOpt = 50,
    budget: Annotated[int, typer.Option(min=1, max=10_000,
                                        help="candidate allocations to try")] = 24,
    phases: Annotated[int, typer.Option(min=1, max=12, help="1: the same hours every week; "
                                        "N: hours per phase (the weeks cut in N parts)")] = 1,
    holdout: Annotated[bool, typer.Option(help="check best, plan and even on fresh seeds")
                       ] = True,
    seed_start: SeedStartOpt = 0,
    jobs: JobsOpt = None,
    scheduler: SchedulerOpt = None,
    out: OutOpt = None,
    resume: ResumeOpt = False,
) -> None:
    """Search the hours per duty for the best win rate, on common random numbers."""
    from opssim.batch.montecarlo import check_resumable
    from opssim.batch.optimize import search
    from opssim.batch.rows import columns
    from opssim.batch.runner import open_lab
    from opssim.batch.show import print_search
    from opssim.batch.summary import console
    from opssim.scenario import scenario_hash

    if resume and out is None:
        fail("--resume needs --out FILE")
    sc = _load(scenario)
    ref = _LabRef(out)
    with _lab_errors(ref), open_lab(out, columns(sc), resume=resume, jobs=jobs,
                                    scheduler=scheduler) as lab:
        ref.lab = lab
        check_resumable(lab.store, [scenario_hash(sc)])
        _say(f"{sc.id}: {budget} candidates x {seeds} seeds, plus the standard policies, "
             f"on {lab.pool.where}")
        result = search(lab, sc, range(seed_start, seed_start + seeds), budget, phases,
                        holdout)
    print_search(result, sc, console(), budget)
    if out is not None:
        _say(f"wrote {out} ({len(lab.store.rows)} rows)")


@app.command()
def balance(
    scenario: ScenarioArg = None,
    seeds: SeedsOpt = 50,
    out: Annotated[Path, typer.Option(help="folder for report.md, the charts and the runs")
                   ] = Path("balance"),
    budget: Annotated[int, typer.Option(min=1, max=10_000,
                                        help="candidate allocations the search tries")] = 16,
    phases: Annotated[int, typer.Option(min=1, max=12, help="search hours per phase "
                                        "(1: the same every week)")] = 1,
    sensitivity_seeds: Annotated[
        int | None, typer.Option(min=1, max=1_000_000,
                                 help="seeds per tornado point (default: half of --seeds)",
                                 show_default=False)] = None,
    seed_start: SeedStartOpt = 0,
    jobs: JobsOpt = None,
    scheduler: SchedulerOpt = None,
    resume: ResumeOpt = False,
) -> None:
    """Standard policies, a strategy search and a tornado: OUT/report.md with charts."""
    from opssim.batch.balance import run_balance
    from opssim.batch.executor import open_pool
    from opssim.batch.report import write_report

    sc = _load(scenario)
    if out.exists() and not out.is_dir():
        fail(f"--out: {out} is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"--out: cannot create {out} ({exc.strerror})")
    ref = _LabRef()
    ref.note = f"the finished runs are saved in {out}/: add --resume to go on"
    seed_list = range(seed_start, seed_start + seeds)
    sens = range(seed_start, seed_start + (sensitivity_seeds or max(1, seeds // 2)))
    with _lab_errors(ref), open_pool(jobs, scheduler) as pool:
        _say(f"{sc.id}: balancing with {seeds} seeds on {pool.where}; "
             f"writing {out}/")
        result = run_balance(sc, seed_list, out, budget=budget, phases=phases,
                             sensitivity_seeds=sens, resume=resume, pool=pool)
    command = " ".join(["opssim balance", str(scenario or "(starter)"), f"--seeds {seeds}",
                        f"--budget {budget}"] + ([f"--phases {phases}"] if phases > 1 else []))
    path = write_report(result, out, command)
    _say(f"wrote {path}")


def _say(message: str) -> None:
    """A progress note on stderr (stdout carries the results)."""
    print(f"opssim: {message}", file=sys.stderr)


def _has_display() -> bool:
    if os.environ.get("SDL_VIDEODRIVER") in ("dummy", "offscreen"):
        return True
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def main() -> None:
    """Entry point: run the app, turning usage errors into one line."""
    command = typer.main.get_command(app)
    args = sys.argv[1:] or ["--help"]
    try:
        code = command.main(args=args, prog_name="opssim", standalone_mode=False)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except BrokenPipeError:
        code = 0
    except Exception as exc:
        # Usage errors come from click (vendored by newer typer, so matched by shape, not class).
        if type(exc).__name__ == "Abort":
            fail("interrupted", 130)
        if not callable(getattr(exc, "format_message", None)):
            raise
        ctx = getattr(exc, "ctx", None)
        path = ctx.command_path.removeprefix("opssim").strip() if ctx is not None else ""
        where = f"{path}: " if path else ""
        message = " ".join(exc.format_message().split())
        fail(f"{where}{message} (see --help)", getattr(exc, "exit_code", 2) or 2)
    raise SystemExit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
