"""Checks across sections of a validated scenario: ids that must exist, be unique, or add up.

Each finding is ``(path, message)`` so the loader can point at the offending line.
"""

from collections.abc import Iterator

from opssim.model import DUTY_IDS
from opssim.scenario.positions import KeyPath, Path
from opssim.scenario.schema import Scenario

#: Users a scenario may send in over its whole run (a cap against exhausting memory).
MAX_TOTAL_USERS = 200_000_000


def cross_checks(sc: Scenario) -> Iterator[tuple[Path, str]]:
    """Yield every cross-reference problem of ``sc``."""
    stage_ids = [s.id for s in sc.funnel.stages]
    known = set(stage_ids)
    present = sc.duties.present()

    def stage_ref(path: Path, stage: str) -> Iterator[tuple[Path, str]]:
        if stage not in known:
            yield path, f"unknown stage {stage!r} (stages: {', '.join(stage_ids)})"

    def department_ref(path: Path, dept: str) -> Iterator[tuple[Path, str]]:
        if dept not in sc.departments:
            names = ", ".join(sc.departments) or "none declared"
            yield path, f"unknown department {dept!r} (departments: {names})"

    def duty_ref(path: Path, duty: str) -> Iterator[tuple[Path, str]]:
        if duty not in DUTY_IDS:
            yield path, f"unknown duty {duty!r} (duties: {', '.join(DUTY_IDS)})"
        elif duty not in present:
            yield path, f"duty {duty!r} is not in this scenario's duties"

    yield from _duplicates(("funnel", "stages"), stage_ids)
    yield from _duplicates(("channels",), [c.id for c in sc.channels])
    for i, stage in enumerate(sc.funnel.stages):
        if i == 0 and stage.convert is not None:
            yield ("funnel", "stages", 0, "convert"), "the first stage has no conversion"
        if i > 0 and stage.convert is None:
            yield ("funnel", "stages", i), f"stage {stage.id!r} needs convert (0..1)"
    if sc.funnel.churn:
        yield from stage_ref(("funnel", "churn", "stage"), sc.funnel.churn.stage)
    for i, ch in enumerate(sc.channels):
        yield from stage_ref(("channels", i, "enters"), ch.enters)

    d = sc.duties
    for i, lift in enumerate(d.copy_.lifts):
        yield from stage_ref(("duties", "copy", "lifts", i, "stage"), lift.stage)
    if d.copy_.reach:
        yield from stage_ref(("duties", "copy", "reach", "enters"), d.copy_.reach.enters)
    if d.events.spike:
        yield from stage_ref(("duties", "events", "spike", "enters"), d.events.spike.enters)
    for i, el in enumerate(d.events.lifts):
        yield from stage_ref(("duties", "events", "lifts", i, "stage"), el.stage)
    for i, src in enumerate(d.support.tickets):
        yield from stage_ref(("duties", "support", "tickets", i, "from"), src.from_)
    yield from stage_ref(("duties", "ground", "enters"), d.ground.enters)
    if d.partners:
        yield from stage_ref(("duties", "partners", "deal", "enters"), d.partners.deal.enters)
        if d.partners.chance.max > 1:
            yield ("duties", "partners", "chance", "max"), "a weekly chance is at most 1"
    if d.analysis and d.analysis.noise.reduction.max > 1:
        yield ("duties", "analysis", "noise", "reduction", "max"), "a share is at most 1"
    if d.coordination and d.coordination.speedup.max > 1:
        yield ("duties", "coordination", "speedup", "max"), "a share is at most 1"
    for duty in ("copy", "events", "analysis"):
        spec = d.get(duty)
        need = getattr(spec, "needs", None)
        if need is not None:
            yield from department_ref(("duties", duty, "needs", "department"), need.department)

    for duty in sc.company.locked:
        yield from duty_ref(KeyPath(("company", "locked", duty)), duty)
    for duty in sc.specialist.skills:
        yield from duty_ref(KeyPath(("specialist", "skills", duty)), duty)
    for duty in sc.blame.promotion.skills:
        yield from duty_ref(KeyPath(("blame", "promotion", "skills", duty)), duty)
    for i, h in enumerate(sc.calendar):
        for stage in h.convert_x:
            yield from stage_ref(KeyPath(("calendar", i, "convert_x", stage)), stage)
        if h.tickets_from is not None:
            yield from stage_ref(("calendar", i, "tickets_from"), h.tickets_from)
        if h.week > sc.weeks:
            yield ("calendar", i, "week"), f"week {h.week} is after the last week ({sc.weeks})"

    yield from _duplicates(("reviews", "targets"), [t.kpi for t in sc.reviews.targets], "kpi")
    for i, target in enumerate(sc.reviews.targets):
        yield from stage_ref(("reviews", "targets", i, "stage"), target.stage)
        if target.from_week > sc.weeks:
            yield ("reviews", "targets", i, "from_week"), (
                f"from_week {target.from_week} is after the last week ({sc.weeks})"
            )

    for duty in sc.plan:
        yield from duty_ref(KeyPath(("plan", duty)), duty)
        if duty in sc.company.locked:
            yield KeyPath(("plan", duty)), f"duty {duty!r} is locked (done by colleagues)"
    total = sum(sc.plan.values())
    if total > sc.specialist.max_hours:
        yield ("plan",), (
            f"the plan allocates {total:g} hours but the week allows at most "
            f"{sc.specialist.max_hours:g} (contract_hours + overtime_cap)"
        )
    users = sc.weeks * sum(c.per_week for c in sc.channels)
    if users > MAX_TOTAL_USERS:
        yield ("channels",), (
            f"channels send {users:,.0f} users over {sc.weeks} weeks; the cap is "
            f"{MAX_TOTAL_USERS:,}"
        )


def _duplicates(path: Path, ids: list[str], field: str = "id") -> Iterator[tuple[Path, str]]:
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            yield (*path, i, field), f"duplicate {field} {ident!r}"
        seen.add(ident)
