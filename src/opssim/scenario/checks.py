"""Checks on a validated scenario that need its typed values: shares at most 1, the plan fits
the week, the user cap. Cross-references between sections (ids that must exist or be unique)
live in :mod:`opssim.scenario.references`, which runs on plain data even when pydantic fails.

Each finding is ``(path, message)`` so the loader can point at the offending line.
"""

from collections.abc import Iterator

from opssim.scenario.positions import Path
from opssim.scenario.schema import Scenario

#: Users a scenario may send in over its whole run (a cap against exhausting memory).
MAX_TOTAL_USERS = 200_000_000


def cross_checks(sc: Scenario) -> Iterator[tuple[Path, str]]:
    """Yield every problem of ``sc`` that its types alone cannot express."""
    d = sc.duties
    if d.partners and d.partners.chance.max > 1:
        yield ("duties", "partners", "chance", "max"), "a weekly chance is at most 1"
    if d.analysis and d.analysis.noise.reduction.max > 1:
        yield ("duties", "analysis", "noise", "reduction", "max"), "a share is at most 1"
    if d.coordination and d.coordination.speedup.max > 1:
        yield ("duties", "coordination", "speedup", "max"), "a share is at most 1"
    by_week = sc.plan_phases if sc.plan_given_by_week else ()
    for week, hours in by_week or ((None, sc.plan_hours()),):
        total = sum(hours.values())
        if total > sc.specialist.max_hours:
            at, when = (("plan",), "") if week is None else (("plan", week), f" in week {week}")
            yield at, (
                f"the plan allocates {total:g} hours{when} but the week allows at most "
                f"{sc.specialist.max_hours:g} (contract_hours + overtime_cap)"
            )
    if by_week and by_week[0][0] != 1:
        yield ("plan", by_week[0][0]), (
            f"a plan by week starts at week 1 (its first entry is week {by_week[0][0]}): "
            f"say what the plan is from the first week"
        )
    users = sc.weeks * sum(c.per_week for c in sc.channels)
    if users > MAX_TOTAL_USERS:
        yield ("channels",), (
            f"channels send {users:,.0f} users over {sc.weeks} weeks; the cap is "
            f"{MAX_TOTAL_USERS:,}"
        )
    for i, kpi in enumerate(sc.kpis):
        stop = sc.reviews.targets[i].to_week or sc.weeks
        if kpi.from_week > min(stop, sc.weeks) or stop > sc.weeks:
            continue  # a window outside the weeks: the reference checks say so
        if not kpi.review_weeks(sc.weeks, sc.reviews.every_weeks):
            yield ("reviews", "targets", i), (
                f"no review is held in weeks {kpi.from_week}-{kpi.to_week} (reviews every "
                f"{sc.reviews.every_weeks} weeks and at the end): the target is never checked"
            )
    for i, exp in enumerate(sc.expect):
        low, high = exp.range
        if low > high:
            yield ("expect", i, "range"), f"the range's low end {low:g} is above its high {high:g}"
