"""The balancing lab: batch, sweep, optimize, balance (many runs, in parallel)."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from opssim.cli.common import BotTimeOpt, ScenarioArg, _load, _say, app, fail, on_path
from opssim.limits import DEFAULT_TIME_LIMIT
from opssim.safeio import display_path

if TYPE_CHECKING:  # the help imports no lab machinery
    from opssim.batch.families import Families
    from opssim.scenario import Scenario

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
    from opssim.batch import PolicyError
    from opssim.batch.executor import ExecutorError
    from opssim.batch.params import ParamError
    from opssim.batch.runner import LabError
    from opssim.batch.store import StoreError, StoreWriteError

    try:
        yield
    except StoreWriteError as exc:  # a full disk: the rows written are kept
        fail(str(exc), 1)
    except (PolicyError, ParamError, StoreError, ExecutorError) as exc:
        fail(str(exc))
    except LabError as exc:
        fail(f"{exc}; {ref.saved()}", 1)
    except KeyboardInterrupt:
        fail(f"interrupted; {ref.saved()}", 130)
    except OSError as exc:  # a chart or report that cannot be written (a full disk)
        where = f"{display_path(exc.filename)}: " if exc.filename else ""
        fail(f"cannot write {where}{exc.strerror or exc}; {ref.saved()}", 1)


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
    bot_time_limit: BotTimeOpt = DEFAULT_TIME_LIMIT,
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
    on_path()
    ref = _LabRef(out)
    with _lab_errors(ref):
        policies = parse_policies(policy or ["plan", "even"], sc, bot_time_limit)
        seed_list = list(range(seed_start, seed_start + seeds))
        with open_lab(out, columns(sc), resume=resume, jobs=jobs, scheduler=scheduler) as lab:
            ref.lab = lab
            check_resumable(lab.store, [scenario_hash(sc)], [p.spec for p in policies],
                            seed_list)
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
    bot_time_limit: BotTimeOpt = DEFAULT_TIME_LIMIT,
) -> None:
    """Sweep scenario parameters and/or hours: a table per point and a sensitivity ranking."""
    from opssim.batch import parse_policy
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
    on_path()
    ref = _LabRef(out)
    mode = "oat" if oat else "grid"
    with _lab_errors(ref):
        pol = parse_policy(policy, sc, bot_time_limit)
        params = [parse_param(p, sc, pol.constant_hours) for p in param or []]
        points = design(sc, pol, params, mode)
        cols = columns(sc, [p.path for p in params])
        with open_lab(out, cols, resume=resume, jobs=jobs, scheduler=scheduler) as lab:
            ref.lab = lab
            check_resumable(lab.store, {pt.job.scenario_hash for pt in points}, [pol.spec],
                            range(seed_start, seed_start + seeds))
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
    adaptive: Annotated[bool, typer.Option(
        "--adaptive", help="also search phased schedules and adaptive rule tables (hours "
        "that react to the backlog, KPI pace, fatigue, events, the calendar), compare the "
        "three families on fresh seeds and write the best rule table as a bot file")] = False,
    bot: Annotated[Path | None, typer.Option(
        help="with --adaptive: the bot file to write (default: ID-adaptive.yaml here); "
        "play it with --policy adaptive:FILE", show_default=False)] = None,
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
    if bot is not None and not adaptive:
        fail("--bot needs --adaptive")
    sc = _load(scenario)
    bot_path = bot if bot is not None else Path(f"{sc.id}-adaptive.yaml")
    if adaptive:
        _check_writable(bot_path)
    ref = _LabRef(out)
    with _lab_errors(ref), open_lab(out, columns(sc), resume=resume, jobs=jobs,
                                    scheduler=scheduler) as lab:
        ref.lab = lab
        check_resumable(lab.store, [scenario_hash(sc)])
        _say(f"{sc.id}: {budget} candidates x {seeds} seeds, plus the standard policies, "
             f"on {lab.pool.where}")
        chosen = range(seed_start, seed_start + seeds)
        result = search(lab, sc, chosen, budget, 1 if adaptive else phases, holdout)
        families = None
        if adaptive:
            from opssim.batch.families import DEFAULT_PHASES, compare_families

            families = compare_families(lab, sc, chosen, budget,
                                        phases if phases > 1 else DEFAULT_PHASES,
                                        constant=result)
    print_search(result, sc, console(), budget)
    if families is not None:
        _write_bot(families, sc, bot_path)
    if out is not None:
        _say(f"wrote {out} ({len(lab.store.rows)} rows)")


def _check_writable(path: Path) -> None:
    """Fail now, before any run, when the bot file cannot be written there."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir() or not folder.is_dir():
        fail(f"--bot {path}: {'a folder' if path.is_dir() else 'no such folder'}")


def _write_bot(families: "Families", sc: "Scenario", path: Path) -> None:
    from opssim.atomic import write_text_atomically
    from opssim.batch.adaptive import to_yaml

    for line in families.lines():
        _say(line)
    for name, spec in families.specs()[:3]:
        _say(f"  best {name}: {spec}")
    fresh = families.fresh["adaptive"]
    note = (f"Found by opssim optimize --adaptive on {sc.id}: wins {fresh.win.pct()} on "
            f"{len(families.fresh_seeds)} fresh seeds.")
    try:
        write_text_atomically(path, to_yaml(families.adaptive.table, sc, note))
    except OSError as exc:
        fail(f"--bot {path}: cannot write it ({exc.strerror or exc})")
    _say(f"wrote {path}: play it with --policy adaptive:{path}")


@app.command()
def balance(
    scenario: ScenarioArg = None,
    seeds: SeedsOpt = 50,
    out: Annotated[Path, typer.Option(help="folder for report.md, the charts and the runs")
                   ] = Path("balance"),
    budget: Annotated[int, typer.Option(min=1, max=10_000,
                                        help="candidate allocations the search tries")] = 16,
    phases: Annotated[int, typer.Option(min=2, max=12, help="phases of the phased "
                                        "schedules searched (the weeks cut in N parts)")] = 3,
    sensitivity_seeds: Annotated[
        int | None, typer.Option(min=1, max=1_000_000,
                                 help="seeds per tornado point (default: half of --seeds)",
                                 show_default=False)] = None,
    seed_start: SeedStartOpt = 0,
    jobs: JobsOpt = None,
    scheduler: SchedulerOpt = None,
    resume: ResumeOpt = False,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", help="PATH (±20%) or PATH=V1,V2,...: what the tornado varies "
                     "instead of the usual parameters (calendar.ID.arrivals_x, hours.DUTY, "
                     "...); repeat for more", show_default=False),
    ] = None,
) -> None:
    """Standard policies, three strategy families (constant, phased, adaptive) and a
    tornado: OUT/report.md with charts."""
    from opssim.batch.balance import run_balance
    from opssim.batch.executor import open_pool
    from opssim.batch.report import write_report

    sc = _load(scenario)
    if param:
        from opssim.batch.balance import tornado_params

        with _lab_errors(_LabRef()):
            tornado_params(sc, chosen=param)  # a bad --param: one line, before any run
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
                             sensitivity_seeds=sens, resume=resume, pool=pool,
                             chosen_params=param)
    command = " ".join(["opssim balance", str(scenario or "(starter)"), f"--seeds {seeds}",
                        f"--budget {budget}"] + ([f"--phases {phases}"] if phases > 1 else [])
                        + [f"--param {p}" for p in param or []])
    with _lab_errors(ref):
        path = write_report(result, out, command)
    _say(f"wrote {path}")
