"""Write a calibration: the scenario (checked by the scenario loader before it replaces
anything) and its report beside it."""

from pathlib import Path

from opssim.calibrate.errors import CalibrationError
from opssim.calibrate.mapping import as_id
from opssim.calibrate.pipeline import Calibration
from opssim.calibrate.report import write_report
from opssim.calibrate.write import scenario_text


def write_outputs(cal: Calibration, out: Path, report: Path | None = None) -> list[Path]:
    """Write the scenario to ``out`` and the report (default ``calibration.md`` beside it);
    return the files written. Nothing is replaced unless the scenario validates."""
    from opssim.atomic import write_text_atomically
    from opssim.scenario import ScenarioError, load_scenario

    folder = out.parent
    if not folder.is_dir():
        raise CalibrationError(f"--out: folder {folder} does not exist")
    if out.is_dir():
        raise CalibrationError(f"--out: {out} is a folder, not a file")
    text = scenario_text(cal, as_id(out.stem, set()), folder)
    probe = folder / f".{out.name}.check.yaml"
    try:
        probe.write_text(text, encoding="utf-8")
        load_scenario(probe)
    except ScenarioError as exc:
        raise CalibrationError(f"the calibrated scenario does not validate: {exc.errors[0]}"
                               ) from None
    except OSError as exc:
        raise CalibrationError(f"--out: cannot write in {folder}: {exc.strerror or exc}"
                               ) from None
    finally:
        probe.unlink(missing_ok=True)
    write_text_atomically(out, text)
    return [out, *write_report(cal, report or folder / "calibration.md", out.name)]
