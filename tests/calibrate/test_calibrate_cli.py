"""``opssim calibrate`` as a user runs it: a scenario that validates and plays, the report and
its plots beside it; bad input is one line and writes nothing; ``--help`` stays light."""

import json

from ruamel.yaml import YAML

from opssim.scenario import load_scenario


def test_calibrate_writes_a_scenario_that_validates_and_plays(cli, events_csv) -> None:
    folder = events_csv.parent
    out = folder / "ours.yaml"
    res = cli("calibrate", events_csv, "--map", folder / "map.yaml", "--out", out)
    assert res.code == 0, res.err
    assert res.out.splitlines() == [f"wrote {out}", f"wrote {folder / 'calibration.md'}",
                                    f"wrote {folder / 'calibration-conversion.png'}",
                                    f"wrote {folder / 'calibration-arrivals.png'}"]
    assert "visit → signup: convert" in res.err
    sc = load_scenario(out)
    assert [s.id for s in sc.funnel.stages] == ["visit", "signup", "paying"]
    assert sc.funnel.stages[1].delay_hours.weibull is not None
    assert sc.funnel.churn is not None and sc.funnel.churn.stage == "paying"
    assert {c.id for c in sc.channels} == {"search", "social"}
    text = out.read_text()
    assert "# convert 0.2" in text and "(95%: " in text and "2024-01-01 00:0" in text
    assert cli("validate", out).code == 0
    run = cli("run", out, "--json")
    assert run.code == 0 and json.loads(run.out)["outcome"] in ("promoted", "kept", "fired")
    report = (folder / "calibration.md").read_text()
    assert "![Kaplan–Meier against the fit](calibration-conversion.png)" in report
    for png in ("calibration-conversion.png", "calibration-arrivals.png"):
        assert (folder / png).read_bytes()[:4] == b"\x89PNG"


def test_without_a_map_stages_are_ordered_by_users(cli, events_csv) -> None:
    out = events_csv.parent / "nomap.yaml"
    assert cli("calibrate", events_csv, "--out", out).code == 0
    ids = [s["id"] for s in YAML(typ="safe").load(out.read_text())["funnel"]["stages"]]
    # visit > signup > paying > cancel: most users reach visit first.
    assert ids == ["visit", "signup", "paying", "cancel"]


def test_bad_map_is_one_line_and_writes_nothing(cli, events_csv) -> None:
    folder = events_csv.parent
    (folder / "map.yaml").write_text("stages:\n  - {id: visit, events: [visit]}\n"
                                     "  - {id: signup, events: [sigup]}\n")
    res = cli("calibrate", events_csv, "--map", folder / "map.yaml", "--out", folder / "x.yaml")
    assert res.code == 2 and res.out == ""
    assert res.err_lines == ["opssim: map: stage 'signup': event 'sigup' is not in events.csv; "
                             "did you mean 'signup'?"]
    assert not (folder / "x.yaml").exists() and not (folder / "calibration.md").exists()


def test_missing_file_and_bad_source(cli, tmp_path, events_csv) -> None:
    res = cli("calibrate", tmp_path / "nope.csv")
    assert res.code == 2 and len(res.err_lines) == 1 and "no such file" in res.err
    res = cli("calibrate", events_csv, "--source", "segment")
    assert res.code == 2 and res.err_lines == [
        "opssim: --source: 'segment' is not one of canonical, ga4, mixpanel, amplitude, posthog"]


HELP_PROBE = """
import sys
from opssim.cli import main
sys.argv = ["opssim", "--help"]
try:
    main()
except SystemExit:
    pass
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("scipy", "pandas", "pyarrow")
               or m.startswith("opssim.calibrate"))
print("HEAVY", heavy, file=sys.stderr)
"""


def test_help_imports_neither_scipy_nor_the_calibration(python_subprocess) -> None:
    proc = python_subprocess(HELP_PROBE)
    assert proc.returncode == 0, proc.stderr
    assert "calibrate" in proc.stdout
    assert "HEAVY []" in proc.stderr, proc.stderr
