"""Lint for incident cards, from the scenario alone: a card that can never fire, and a choice no
policy would ever prefer (another choice of the card is at least as good in every effect and
better in one)."""

from collections.abc import Iterator

from opssim.batch.lint.balance import Finding
from opssim.scenario import Scenario
from opssim.scenario.schema import Effects, Incident
from opssim.scenario.schema.incidents import bounds


def incident_checks(sc: Scenario) -> Iterator[Finding]:
    """A warning for each card that cannot fire and each dominated choice."""
    for i, card in enumerate(sc.incidents):
        why = never_fires(sc, card)
        if why is not None:
            yield Finding("warning", ("incidents", i),
                          f"incident {card.id!r} can never fire: {why}")
        for j, choice in enumerate(card.choices):
            better = next((o for o in card.choices
                           if o is not choice and dominates(sc, o.effects, choice.effects)), None)
            if better is not None:
                yield Finding("warning", ("incidents", i, "choices", j),
                              f"choice {choice.id!r} of incident {card.id!r} is never worth "
                              f"taking: {better.id!r} is at least as good in every effect and "
                              "better in one")


def never_fires(sc: Scenario, card: Incident) -> str | None:
    """Why ``card``'s condition can never hold in ``sc`` (None when it can)."""
    w = card.when
    if sc.specialist.workweek.days < 2:
        return "cards are checked on the working days after the first, and the week has one"
    if w.weeks is not None and w.weeks[0] > sc.weeks:
        return f"week {w.weeks[0]} is after the last week ({sc.weeks})"
    if w.department_stalled is not None:
        name = w.department_stalled
        needed = any(getattr(getattr(sc.duties.get(d), "needs", None), "department", None)
                     == name for d in sc.duties.present())
        if not needed:
            return f"no work asks department {name!r} for anything, so it never stalls"
        raised = any(c.effects.department is not None and c.effects.department.id == name
                     and c.effects.department.stall_chance > 0
                     for other in sc.incidents for c in other.choices)
        if sc.departments[name].stall_chance <= 0 and not raised:
            return f"department {name!r} never stalls (stall_chance 0)"
    if w.backlog_at_least and not sc.duties.support.tickets:
        return "support has no ticket sources, so the backlog stays empty"
    if w.fatigue_at_least:
        f = sc.specialist.fatigue
        ground = sc.duties.ground.fatigue_per_hour if "ground" in sc.duty_ids else 0.0
        tiring = (f.per_overtime_hour * sc.specialist.overtime_cap > 0 or ground > 0
                  or any(bounds(c.effects.fatigue)[1] > 0
                         for other in sc.incidents for c in other.choices))
        if not tiring:
            return "nothing in this scenario makes the specialist tired"
    if (w.reputation_below is not None and w.reputation_at_least is not None
            and w.reputation_at_least >= w.reputation_below):
        return (f"reputation cannot be at least {w.reputation_at_least:g} and below "
                f"{w.reputation_below:g}")
    return None


def _scores(sc: Scenario, fx: Effects) -> list[tuple[float, float]]:
    """Each immediate effect's (worst, best) with higher better, in a fixed order."""
    out = []
    for name, sign in (("hours", -1), ("fatigue", -1), ("reputation", 1), ("budget", 1),
                       ("evidence", 1)):
        if name == "budget" and sc.company.budget is None:
            continue
        lo, hi = bounds(getattr(fx, name))
        out.append((sign * lo, sign * hi) if sign > 0 else (sign * hi, sign * lo))
    return out


def _lasting(fx: Effects) -> dict[str, tuple[float, int]]:
    """The effects that last some days, by dimension: (value with higher better, days)."""
    out: dict[str, tuple[float, int]] = {}
    if fx.department is not None:
        m = fx.department
        out[f"slower:{m.id}"] = (-m.response_x, m.days)
        out[f"stall:{m.id}"] = (-m.stall_chance, m.days)
    if fx.funnel is not None:
        f = fx.funnel
        out["arrivals"] = (f.arrivals_x, f.days)
        for stage, x in f.convert_x.items():
            out[f"convert:{stage}"] = (x, f.days)
    return out


_NEUTRAL = {"slower": -1.0, "stall": 0.0, "arrivals": 1.0, "convert": 1.0}


def dominates(sc: Scenario, a: Effects, b: Effects) -> bool:
    """Whether ``a`` is at least as good as ``b`` in every effect and better in one (lasting
    effects of different durations are never compared: neither dominates)."""
    pairs = list(zip(_scores(sc, a), _scores(sc, b), strict=True))
    la, lb = _lasting(a), _lasting(b)
    for key in la.keys() | lb.keys():
        neutral = _NEUTRAL[key.split(":")[0]]
        (va, da), (vb, db) = la.get(key, (neutral, 0)), lb.get(key, (neutral, 0))
        if key in la and key in lb and da != db:
            return False
        pairs.append(((va, va), (vb, vb)))
    at_least = all(x[0] >= y[0] - 1e-12 and x[1] >= y[1] - 1e-12 for x, y in pairs)
    better = any(x[0] > y[0] + 1e-12 or x[1] > y[1] + 1e-12 for x, y in pairs)
    return at_least and better
