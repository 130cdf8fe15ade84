"""``opssim calibrate``: fit a scenario's funnel to real event data.

The calibration package (scipy, pyarrow) is imported inside the command, so ``opssim --help``
and every other command start without it.
"""

from pathlib import Path
from typing import Annotated

import typer

from opssim.cli.common import _say, app, fail


@app.command()
def calibrate(
    events: Annotated[Path, typer.Argument(
        help="the event log: a canonical CSV or Parquet (user_id,event,timestamp[,channel]), "
             "or a GA4, Mixpanel, Amplitude or PostHog export", show_default=False)],
    out: Annotated[Path, typer.Option(help="the scenario to write", metavar="FILE")] = Path(
        "calibrated.yaml"),
    map_file: Annotated[Path | None, typer.Option(
        "--map", help="which events mean which stage, the channels, the conversion window "
        "(without it: each event name is a stage, ordered by how many users reach it)",
        metavar="MAP.yaml", show_default=False)] = None,
    source: Annotated[str, typer.Option(
        help="auto | canonical | ga4 | mixpanel | amplitude | posthog")] = "auto",
    report: Annotated[Path | None, typer.Option(
        help="the report to write (default: calibration.md beside --out)", metavar="FILE",
        show_default=False)] = None,
    drop_bad: Annotated[bool, typer.Option(
        "--drop-bad", help="drop rows with unreadable or out-of-range times (counted in the "
        "report) instead of stopping at the first")] = False,
) -> None:
    """Fit a funnel to real events and write it as a scenario, with a report of the fit."""
    from opssim.calibrate import CalibrationError
    from opssim.calibrate.output import write_outputs
    from opssim.calibrate.pipeline import calibrate as run_calibration

    try:
        cal = run_calibration(events, map_file, source, drop_bad)
        written = write_outputs(cal, out, report)
    except CalibrationError as exc:
        fail(str(exc))
    j = cal.journeys
    _say(f"{cal.events_read:,} events, {j.n_users:,} users, {cal.date_range}")
    for line in j.dropped.lines():
        _say(f"dropped {line}")
    for s, fit in enumerate(cal.stages):
        mean = f", mean delay {fit.mean_h.fmt()} h" if fit.mean_h else ""
        _say(f"{j.stage_ids[s]} → {j.stage_ids[s + 1]}: convert {fit.p.fmt()}, "
             f"{fit.family}{mean}")
    for path in written:
        print(f"wrote {path}")
