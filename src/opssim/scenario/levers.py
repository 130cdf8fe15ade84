"""Which stages and channels each duty moves, read from a scenario: the cause-and-effect map
the planning panel highlights while the player hovers or focuses a duty."""

from dataclasses import dataclass

from opssim.scenario.schema import Scenario


@dataclass(frozen=True)
class Lever:
    """What hours on ``duty`` move in the funnel.

    ``enters``: stages where the duty's own arrival ``channel`` brings users; ``lifts``:
    stages whose conversion it raises; ``keeps``: stages whose users it keeps (answered
    tickets: a late answer loses the user there); ``via``: duties it strengthens (research
    sharpens copy and events, liaison speeds the departments that duties wait on).
    ``lasts_weeks`` is how long one week's work keeps acting (a piece of copy stays live, a
    partner deal runs), 1 when it acts within the week.
    """

    duty: str
    enters: tuple[str, ...] = ()
    lifts: tuple[str, ...] = ()
    keeps: tuple[str, ...] = ()
    via: tuple[str, ...] = ()
    channel: str | None = None
    lasts_weeks: int = 1

    @property
    def direct(self) -> tuple[str, ...]:
        """The stages the duty moves itself, each once."""
        return tuple(dict.fromkeys((*self.enters, *self.lifts, *self.keeps)))


def levers(sc: Scenario) -> dict[str, Lever]:
    """The lever of every duty present in ``sc`` (locked ones too: colleagues pull them)."""
    d = sc.duties
    out: dict[str, Lever] = {}
    copy_ = d.copy_
    out["copy"] = Lever(
        "copy",
        enters=(copy_.reach.enters,) if copy_.reach else (),
        lifts=tuple(dict.fromkeys(x.stage for x in copy_.lifts)),
        channel="copy" if copy_.reach else None,
        lasts_weeks=copy_.stale_after_weeks,
    )
    ev = d.events
    out["events"] = Lever(
        "events",
        enters=(ev.spike.enters,) if ev.spike else (),
        lifts=tuple(dict.fromkeys(x.stage for x in ev.lifts)),
        channel="events" if ev.spike else None,
    )
    tickets = d.support.tickets
    out["support"] = Lever("support", keeps=tuple(dict.fromkeys(t.from_ for t in tickets)))
    out["ground"] = Lever("ground", enters=(d.ground.enters,), channel="ground")
    if d.research is not None:
        out["research"] = Lever("research", via=("copy", "events"))
    if d.partners is not None:
        out["partners"] = Lever("partners", enters=(d.partners.deal.enters,), channel="partners",
                                lasts_weeks=d.partners.deal.weeks)
    if d.analysis is not None:
        out["analysis"] = Lever("analysis")  # a clearer dashboard and evidence: no stage
    if d.coordination is not None:
        waiting = tuple(duty for duty in d.present()
                        if getattr(d.get(duty), "needs", None) is not None)
        out["coordination"] = Lever("coordination", via=waiting)
    return out


def reach(sc: Scenario, duty: str) -> tuple[str, ...]:
    """Every stage ``duty`` moves, directly or through the duties it strengthens, in funnel
    order."""
    all_ = levers(sc)
    lever = all_[duty]
    moved = set(lever.direct)
    for other in lever.via:
        if other in all_:
            moved.update(all_[other].direct)
    return tuple(s.id for s in sc.funnel.stages if s.id in moved)
