"""The calibrated scenario: the small-company template, its funnel and channels replaced by
the fit (each value commented with its interval and the data's dates), every stage the
duties, calendar and targets name moved to the calibrated stage at the same relative depth,
and user counts scaled by the flow at that stage."""

import io
import math
import os
from pathlib import Path

from opssim.calibrate.arrivals import WEEKDAYS
from opssim.calibrate.cure import StageFit
from opssim.calibrate.pipeline import Calibration

#: The small template's stages and its steady weekly flow into each (30000 a week arriving).
TEMPLATE_STAGES = ("aware", "visit", "signup", "active", "paying")
TEMPLATE_FLOW = (30000.0, 3000.0, 660.0, 297.0, 35.64)
STAGE_KEYS = ("stage", "enters", "from", "tickets_from")
#: Users a duty brings, and the stage key that says where: scaled by the flow there.
SCALED = {("duties", "copy", "reach"): ("enters", ("users", "max")),
          ("duties", "events", "spike"): ("enters", ("users",)),
          ("duties", "ground"): ("enters", ("users", "max")),
          ("duties", "partners", "deal"): ("enters", ("users_per_week",))}
MAX_HOURS = 10_000.0
MAX_CHANNELS = 20  # the format's limit
OTHER_ID = "smaller-sources"


def _g(x: float, digits: int = 4) -> float:
    """``x`` to ``digits`` significant digits, as a plain float."""
    if x == 0 or not math.isfinite(x):
        return 0.0
    return float(f"{x:.{digits}g}")


def delay_yaml(fit: StageFit) -> tuple[str, str]:
    """The scenario's delay for a fit, and a note when a value had to be clipped."""
    def cap(x: float) -> float:
        return min(max(_g(x), 0.01), MAX_HOURS)

    if fit.mean_h is None:
        return "{exponential: 24}", "no user moved on: delay not fitted (24 h placeholder)"
    note = ""
    if fit.mean_h.value > MAX_HOURS:
        note = f"mean delay {fit.mean_h.value:.0f} h clipped to the format's {MAX_HOURS:.0f}"
    if fit.family == "exponential":
        return f"{{exponential: {cap(fit.params['mean'].value)}}}", note
    if fit.family == "weibull":
        shape = min(max(_g(fit.params["shape"].value), 0.05), 50.0)
        return f"{{weibull: {{shape: {shape}, scale: {cap(fit.params['scale'].value)}}}}}", note
    return (f"{{lognormal: {{mean: {cap(fit.params['mean'].value)}, "
            f"sd: {cap(fit.params['sd'].value)}}}}}", note)


def _label(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"')[:200] + '"'


def funnel_block(cal: Calibration) -> str:
    """The ``funnel:`` and ``channels:`` sections, commented."""
    j = cal.journeys
    reached = (j.reached == j.reached).sum(axis=0)  # non-NaN per stage
    out = [
        "funnel:",
        f"  # Fitted by `opssim calibrate` from {cal.source}, {cal.date_range}: "
        f"{j.n_users:,} users.",
        "  # convert: the share who ever move on, fitted with the delay (a mixture-cure model:",
        "  # users still waiting when the data ends are censored, not lost); the delay family is",
        "  # the one with the lowest AIC. Intervals are 95%. Details and plots: calibration.md.",
        "  stages:",
    ]
    for s, sid in enumerate(j.stage_ids):
        head = f"    - {{id: {sid}, label: {{en: {_label(j.labels[s])}}}"
        if s == 0:
            out.append(head + f"}}   # {int(reached[0]):,} users reached it")
            continue
        fit = cal.stages[s - 1]
        delay, note = delay_yaml(fit)
        out.append(head + f", convert: {_g(fit.p.value)}, delay_hours: {delay}}}")
        out.append(f"      # convert {fit.p.fmt()} of {fit.n:,} users ({fit.converted:,} moved "
                   f"on; naive share {fit.naive_p:.3g})")
        if fit.mean_h is not None:
            params = ", ".join(f"{k} {v.fmt()}" for k, v in fit.params.items())
            others = ", ".join(f"{f} +{a - fit.aic[fit.family]:.1f}"
                               for f, a in sorted(fit.aic.items(), key=lambda kv: kv[1])
                               if f != fit.family)
            out.append(f"      # delay {fit.family}: {params}; mean {fit.mean_h.fmt()} h")
            out.append(f"      # AIC picked {fit.family} (ΔAIC {others})")
        for extra in ([note] if note else []) + fit.notes:
            out.append(f"      # {extra}")
    if cal.churn is not None:
        c = cal.churn
        out.append(f"  churn: {{stage: {j.stage_ids[-1]}, per_week: {_g(c.per_week.value)}}}"
                   f"   # {c.per_week.fmt()}: {c.churned:,} left in "
                   f"{c.user_weeks:,.0f} user-weeks")
    out.append("")
    out.append("channels:                     # users a week from each source, at the stage "
               "they enter")
    kept, rest = cal.arrivals[:MAX_CHANNELS - 1], cal.arrivals[MAX_CHANNELS - 1:]
    if len(rest) == 1:
        kept, rest = cal.arrivals, []
    for a in kept:
        cid = a.channel if a.enters == 0 else f"{a.channel}-at-{j.stage_ids[a.enters]}"[:48]
        out.append(f"  - {{id: {cid}, enters: {j.stage_ids[a.enters]}, "
                   f"per_week: {_g(a.per_week.value)}}}")
        disp = f", weekly counts vary {a.dispersion:.1f}× a Poisson's" if a.dispersion > 1.5 else ""
        out.append(f"    # {a.per_week.fmt()} users a week ({a.users:,} users){disp}")
        if a.weekday_index is not None:
            days = " ".join(f"{d} {x:.2f}" for d, x in zip(WEEKDAYS, a.weekday_index,
                                                          strict=True))
            out.append(f"    # weekday pattern (rate / mean; the format has no weekday rates): "
                       f"{days}")
    if rest:  # the format has at most 20 channels: the smallest share one
        stages = [a.enters for a in rest]
        at = max(set(stages), key=lambda s: sum(a.users for a in rest if a.enters == s))
        total = sum(a.per_week.value for a in rest)
        out.append(f"  - {{id: {OTHER_ID}, enters: {j.stage_ids[at]}, per_week: {_g(total)}}}")
        out.append(f"    # the {len(rest)} smallest sources together "
                   f"({sum(a.users for a in rest):,} users; see calibration.md)")
    out.append("")
    return "\n".join(out) + "\n"


def _depth(i: int, n: int) -> int:
    """The calibrated stage at the same relative depth as template stage ``i``; never the
    first for a later template stage (lifts and conversions need a stage with a convert)."""
    return 0 if i == 0 else max(1, round(i * (n - 1) / (len(TEMPLATE_STAGES) - 1)))


def scenario_text(cal: Calibration, scenario_id: str, folder: Path) -> str:
    """The calibrated scenario's YAML text."""
    from opssim.scenario.jsonschema import SCHEMA_FILE
    from opssim.scenario.loader import yaml_reader
    from opssim.scenario.scaffold import scaffold_text

    j = cal.journeys
    n = len(j.stage_ids)
    # The packaged schema, by a relative path (a calibration writes no schema file beside).
    text = scaffold_text(scenario_id, "small").replace(
        f"$schema={SCHEMA_FILE}", f"$schema={_schema_reference(folder)}", 1)
    head, rest = text.split("\nfunnel:\n", 1)
    _, tail = rest.split("\nduties:", 1)
    text = head + "\n" + funnel_block(cal) + "\nduties:" + tail
    text = text.replace(
        "a new scenario, scaffolded by `opssim new` for a small company.",
        f"calibrated by `opssim calibrate` from {cal.source} ({cal.date_range});\n# the "
        "duties, calendar and targets come from the small-company template, moved onto these "
        "stages and\n# scaled to their flow: a starting point to balance (`opssim balance`).")
    yaml = yaml_reader()  # the scenario loader's: plain data and comments, tags refused
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    data = yaml.load(text)
    new_ids = {t: j.stage_ids[_depth(i, n)] for i, t in enumerate(TEMPLATE_STAGES)}
    old_index = {t: i for i, t in enumerate(TEMPLATE_STAGES)}
    flow = cal.flow_per_week()

    def ratio(template_stage: str) -> float:
        k = _depth(old_index[template_stage], n)
        return float(flow[k] / TEMPLATE_FLOW[old_index[template_stage]])

    # Users a duty brings, scaled before the stage names move.
    for path, (key, target) in SCALED.items():
        node = data
        for p in path:
            node = node.get(p) if node is not None else None
        if node is None or node.get(key) not in old_index:
            continue
        leaf = node
        for p in target[:-1]:
            leaf = leaf[p]
        leaf[target[-1]] = max(1, round(leaf[target[-1]] * ratio(node[key])))
    for h in data.get("calendar", []):
        if "tickets" in h and h.get("tickets_from") in old_index:
            h["tickets"] = max(1, round(h["tickets"] * ratio(h["tickets_from"])))
    for t in data["reviews"]["targets"]:
        r = ratio(t["stage"])
        for k in ("per_week", "total_by_end"):
            if k in t:
                t[k] = max(1, round(t[k] * r))
    for section in ("duties", "calendar", "reviews"):
        _rename(data[section], new_ids)
    if "expect" in data:
        del data["expect"]  # the template's balance claims do not hold on another funnel
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def _schema_reference(folder: Path) -> str:
    from opssim.scenario.jsonschema import packaged_schema_path

    target = packaged_schema_path().resolve()
    try:
        return Path(os.path.relpath(target, folder.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return target.as_uri()


def _rename(node: object, new_ids: dict[str, str]) -> None:
    """Point every stage reference under ``node`` at the calibrated stage."""
    if isinstance(node, dict):
        for k in list(node):
            v = node[k]
            if k in STAGE_KEYS and isinstance(v, str) and v in new_ids:
                node[k] = new_ids[v]
            elif k == "convert_x" and isinstance(v, dict):
                for old in [x for x in v if x in new_ids]:
                    v[new_ids[old]] = v.pop(old)
            else:
                _rename(v, new_ids)
    elif isinstance(node, list):
        for v in node:
            _rename(v, new_ids)
