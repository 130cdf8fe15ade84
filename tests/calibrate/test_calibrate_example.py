"""docs/calibration.md's worked example: the shipped log is what the engine writes for the
documented command, and calibrating it finds every parameter that made it."""

from pathlib import Path

from opssim.calibrate.mapping import load_map
from opssim.calibrate.pipeline import calibrate
from opssim.scenario import load_scenario
from opssim.sim.delays import mean

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "calibration"


def test_the_shipped_log_is_the_engines_output(cli, tmp_path) -> None:
    out = tmp_path / "events.csv"
    res = cli("run", EXAMPLE / "made-by.yaml", "--policy", "fixed:support=20", "--seed", "7",
              "--events-out", out)
    assert res.code == 0, res.err
    assert out.read_bytes() == (EXAMPLE / "events.csv").read_bytes()


def test_calibrating_the_example_finds_the_parameters_that_made_it() -> None:
    truth = load_scenario(EXAMPLE / "made-by.yaml")
    load_map(EXAMPLE / "map.yaml")
    cal = calibrate(EXAMPLE / "events.csv", EXAMPLE / "map.yaml")
    for stage, fit in zip(truth.funnel.stages[1:], cal.stages, strict=True):
        d = stage.delay_hours
        assert fit.p.covers(stage.convert), (stage.id, fit.p)
        assert fit.mean_h.covers(mean(d)), (stage.id, fit.mean_h)
        family = next(f for f in ("exponential", "weibull", "lognormal") if getattr(d, f))
        assert fit.family == family, stage.id
        if family == "weibull":
            assert fit.params["shape"].covers(d.weibull.shape)
            assert fit.params["scale"].covers(d.weibull.scale)
        if family == "lognormal":
            assert fit.params["sd"].covers(d.lognormal.sd)
        assert fit.naive_p < stage.convert
    rates = {a.channel: a.per_week for a in cal.arrivals}
    for channel in truth.channels:
        assert rates[channel.id].covers(channel.per_week), channel.id
