"""Cross-references between sections, checked on the plain data before (and whatever) pydantic
says: a target names a stage that exists, a locked duty exists, a need names a department, ids
are unique. Because they read plain data, these checks run even when other parts of the file
are invalid, so an author sees every problem at once. Parts too broken to read are skipped
(pydantic reports those). Each finding is ``(path, message)``; ids get a did-you-mean.
"""

from collections.abc import Iterator
from typing import Any

from opssim.model import CORE_DUTIES, DUTY_IDS
from opssim.scenario.positions import Path
from opssim.scenario.schema.scenario import week_key
from opssim.scenario.suggest import did_you_mean

Finding = tuple[Path, str]


def _get(node: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _items(node: Any) -> list[tuple[int, dict[str, Any]]]:
    """The mapping items of a list, with their indexes (nothing when it is not a list)."""
    return [(i, x) for i, x in enumerate(node) if isinstance(x, dict)] if isinstance(
        node, list) else []


def _keys(node: Any) -> list[str]:
    return [k for k in node if isinstance(k, str)] if isinstance(node, dict) else []


class _Refs:
    """The ids a scenario declares; ``None`` where a section is too broken to tell."""

    def __init__(self, data: dict[str, Any]) -> None:
        stages = _get(data, "funnel", "stages")
        self.stages = ([s["id"] for _, s in _items(stages) if isinstance(s.get("id"), str)]
                       if isinstance(stages, list) else None)
        departments = data.get("departments", {})
        self.departments = _keys(departments) if isinstance(departments, dict) else None
        duties = data.get("duties")
        self.duties = (
            [d for d in DUTY_IDS if d in CORE_DUTIES or duties.get(d) is not None]
            if isinstance(duties, dict) else None
        )

    def stage(self, path: Path, stage: Any) -> Iterator[Finding]:
        if self.stages is None or not isinstance(stage, str) or stage in self.stages:
            return
        yield path, (f"unknown stage {stage!r}{did_you_mean(stage, self.stages)} "
                     f"(stages: {', '.join(self.stages)})")

    def department(self, path: Path, dept: Any) -> Iterator[Finding]:
        if self.departments is None or not isinstance(dept, str) or dept in self.departments:
            return
        names = ", ".join(self.departments) or "none declared"
        yield path, (f"unknown department {dept!r}{did_you_mean(dept, self.departments)} "
                     f"(departments: {names})")

    def duty(self, path: Path, duty: str) -> Iterator[Finding]:
        if duty not in DUTY_IDS:
            yield path, (f"unknown duty {duty!r}{did_you_mean(duty, DUTY_IDS)} "
                         f"(duties: {', '.join(DUTY_IDS)})")
        elif self.duties is not None and duty not in self.duties:
            yield path, f"duty {duty!r} is not in this scenario's duties"


def reference_checks(data: Any) -> Iterator[Finding]:
    """Yield every cross-reference problem in the plain scenario ``data``."""
    if not isinstance(data, dict):
        return
    refs = _Refs(data)
    stages = _items(_get(data, "funnel", "stages"))
    yield from _duplicates(("funnel", "stages"), stages, "id")
    yield from _duplicates(("channels",), _items(data.get("channels")), "id")
    yield from _duplicates(("reviews", "targets"), _items(_get(data, "reviews", "targets")), "kpi")
    yield from _duplicates(("calendar",), _items(data.get("calendar")), "id")
    for i, stage in stages:
        if i == 0 and stage.get("convert") is not None:
            yield ("funnel", "stages", 0, "convert"), "the first stage has no conversion"
        if i > 0 and stage.get("convert") is None:
            yield ("funnel", "stages", i), f"stage {stage.get('id')!r} needs convert (0..1)"
    yield from refs.stage(("funnel", "churn", "stage"), _get(data, "funnel", "churn", "stage"))
    for i, ch in _items(data.get("channels")):
        yield from refs.stage(("channels", i, "enters"), ch.get("enters"))
    yield from _duty_refs(data, refs)
    yield from _calendar_refs(data, refs)
    yield from _incident_refs(data, refs)
    weeks = data.get("weeks", 12)
    for i, target in _items(_get(data, "reviews", "targets")):
        yield from refs.stage(("reviews", "targets", i, "stage"), target.get("stage"))
        start, stop = target.get("from_week"), target.get("to_week")
        if isinstance(weeks, int) and isinstance(start, int) and start > weeks:
            yield ("reviews", "targets", i, "from_week"), (
                f"from_week {start} is after the last week ({weeks})"
            )
        if isinstance(weeks, int) and isinstance(stop, int) and stop > weeks:
            yield ("reviews", "targets", i, "to_week"), (
                f"to_week {stop} is after the last week ({weeks})"
            )
        if isinstance(start, int) and isinstance(stop, int) and stop < start:
            yield ("reviews", "targets", i, "to_week"), (
                f"to_week {stop} is before from_week {start}"
            )
    kpis = [t.get("kpi") for _, t in _items(_get(data, "reviews", "targets"))]
    for i, exp in _items(data.get("expect")):
        yield from refs.stage(("expect", i, "stage"), exp.get("stage"))
        kpi = exp.get("kpi")
        if isinstance(kpi, str) and kpi not in kpis:
            known = [k for k in kpis if isinstance(k, str)]
            yield ("expect", i, "kpi"), (f"unknown kpi {kpi!r}{did_you_mean(kpi, known)} "
                                         f"(targets: {', '.join(known)})")
    locked = _keys(_get(data, "company", "locked"))
    for duty in locked:
        yield from refs.duty(("company", "locked", duty), duty)
    for duty in _keys(_get(data, "specialist", "skills")):
        yield from refs.duty(("specialist", "skills", duty), duty)
    for duty in _keys(_get(data, "blame", "promotion", "skills")):
        yield from refs.duty(("blame", "promotion", "skills", duty), duty)
    plan = data.get("plan")
    weeks = [k for k in plan if week_key(k) is not None] if isinstance(plan, dict) else []
    entries = [(("plan", w), plan[w]) for w in weeks] if weeks else [(("plan",), plan)]
    for key in [k for k in _keys(plan) if week_key(k) is None] if weeks else ():
        yield ("plan", key), (f"{key!r} beside week numbers: a plan by week gives each week's "
                              f"hours under its week ({weeks[0]}: {{{key}: ...}})")
    for at, hours in entries:  # a plan by week: each week's hours
        for duty in _keys(hours):
            yield from refs.duty((*at, duty), duty)
            if duty in locked:
                yield (*at, duty), f"duty {duty!r} is locked (done by colleagues)"


def _duty_refs(data: dict[str, Any], refs: _Refs) -> Iterator[Finding]:
    duties = data.get("duties")
    at = ("duties",)
    for i, lift in _items(_get(duties, "copy", "lifts")):
        yield from refs.stage((*at, "copy", "lifts", i, "stage"), lift.get("stage"))
    yield from refs.stage((*at, "copy", "reach", "enters"), _get(duties, "copy", "reach", "enters"))
    yield from refs.stage((*at, "events", "spike", "enters"),
                          _get(duties, "events", "spike", "enters"))
    for i, lift in _items(_get(duties, "events", "lifts")):
        yield from refs.stage((*at, "events", "lifts", i, "stage"), lift.get("stage"))
    for i, src in _items(_get(duties, "support", "tickets")):
        yield from refs.stage((*at, "support", "tickets", i, "from"), src.get("from"))
    yield from refs.stage((*at, "ground", "enters"), _get(duties, "ground", "enters"))
    yield from refs.stage((*at, "partners", "deal", "enters"),
                          _get(duties, "partners", "deal", "enters"))
    for duty in ("copy", "events", "analysis"):
        yield from refs.department((*at, duty, "needs", "department"),
                                   _get(duties, duty, "needs", "department"))


def _calendar_refs(data: dict[str, Any], refs: _Refs) -> Iterator[Finding]:
    weeks = data.get("weeks", 12)
    for i, h in _items(data.get("calendar")):
        for stage in _keys(h.get("convert_x")):
            yield from refs.stage(("calendar", i, "convert_x", stage), stage)
        yield from refs.stage(("calendar", i, "tickets_from"), h.get("tickets_from"))
        week = h.get("week")
        if isinstance(weeks, int) and isinstance(week, int) and week > weeks:
            yield ("calendar", i, "week"), f"week {week} is after the last week ({weeks})"


def _incident_refs(data: dict[str, Any], refs: _Refs) -> Iterator[Finding]:
    """Incidents: unique ids; the departments, stages and KPIs they name exist. (Weeks past
    the end are not an error: a scenario cut short keeps its cards, and lint says which can
    never fire.)"""
    cards = _items(data.get("incidents"))
    yield from _duplicates(("incidents",), cards, "id")
    kpis = [t.get("kpi") for _, t in _items(_get(data, "reviews", "targets"))]
    for i, card in cards:
        at = ("incidents", i)
        when = card.get("when")
        yield from refs.department((*at, "when", "department_stalled"),
                                   _get(when, "department_stalled"))
        kpi = _get(when, "kpi")
        if isinstance(kpi, str) and kpi not in kpis:
            known = [k for k in kpis if isinstance(k, str)]
            yield (*at, "when", "kpi"), (f"unknown kpi {kpi!r}{did_you_mean(kpi, known)} "
                                         f"(targets: {', '.join(known)})")
        choices = _items(card.get("choices"))
        yield from _duplicates((*at, "choices"), choices, "id")
        ids = [c["id"] for _, c in choices if isinstance(c.get("id"), str)]
        default = card.get("default")
        if isinstance(default, str) and isinstance(card.get("choices"), list) and \
                default not in ids:
            yield (*at, "default"), (f"default {default!r} is not one of the choices"
                                     f"{did_you_mean(default, ids)} ({', '.join(ids)})")
        for j, choice in choices:
            effects = choice.get("effects")
            where = (*at, "choices", j, "effects")
            yield from refs.department((*where, "department", "id"),
                                       _get(effects, "department", "id"))
            for stage in _keys(_get(effects, "funnel", "convert_x")):
                yield from refs.stage((*where, "funnel", "convert_x", stage), stage)


def _duplicates(path: Path, items: list[tuple[int, dict[str, Any]]], field: str
                ) -> Iterator[Finding]:
    seen: set[str] = set()
    for i, item in items:
        ident = item.get(field)
        if not isinstance(ident, str):
            continue
        if ident in seen:
            yield (*path, i, field), f"duplicate {field} {ident!r}"
        seen.add(ident)
