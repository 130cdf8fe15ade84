"""Events: planning, a department's help, a live spike and lift, then data collection."""

import math
from collections import deque
from collections.abc import Sequence

from opssim.model.records import EventCancelled, EventData, EventEnded, EventLaunched
from opssim.scenario.schema import EventsDuty
from opssim.sim.clock import HOURS_PER_DAY
from opssim.sim.workweek import Block, after, finishing, worked

from .base import Context, Work


class EventsWork(Work[EventsDuty]):
    """Hours go first to collecting the data of ended events, then to planning the next."""

    duty = "events"

    def __init__(self, engine: Context, spec: EventsDuty) -> None:
        super().__init__(engine, spec)
        self.progress = 0.0
        self.live = False
        self.ready = 0  # planned events waiting for the live one to end
        self.to_collect: deque[list[float]] = deque()  # [deadline hour, hours still needed]

    @property
    def planning_share(self) -> float:
        """Progress of the next event's planning, 0..1."""
        return self.progress / self.spec.planning_hours

    def view(self, now: int) -> dict[str, bool | float]:
        return {"event_live": self.live, "event_progress": self.planning_share}

    def work_day(self, day: int, blocks: Sequence[Block]) -> None:
        if not blocks and not self.to_collect:  # a day off with no data waiting
            return
        e = self.engine
        hours = worked(blocks)
        while self.to_collect and self.to_collect[0][0] <= e.hour:
            self.to_collect.popleft()
            e.log(EventData(e.hour, False, 0.0))
        while hours > 0 and self.to_collect:
            item = self.to_collect[0]
            spent = min(hours, item[1])
            item[1] -= spent
            hours -= spent
            if item[1] <= 1e-9:
                self.to_collect.popleft()
                e.state.evidence += self.spec.evidence
                e.log(EventData(e.hour, True, self.spec.evidence))
        # Data collection takes the day's first hours; planning goes on in the rest.
        planning = after(blocks, worked(blocks) - hours)
        done, self.progress = finishing(self.progress, planning, self.spec.planning_hours)
        for t in done:
            e.agenda.schedule(int(t) - e.hour, "events", "_planned")

    def _planned(self) -> None:
        """Planning is done; the event still needs any department's help."""
        need = self.spec.needs
        if need is not None:
            self.engine.departments.request(need.department, "events", ("events", "_ready", ()))
        else:
            self._ready()

    def _ready(self) -> None:
        """Ready to go live: now, or when the live event ends (one at a time)."""
        self.ready += 1
        if not self.live:
            self._launch()

    def _launch(self) -> None:
        e, spec = self.engine, self.spec
        self.ready -= 1
        e.sync()
        if not e.state.spend(spec.cost):
            e.log(EventCancelled(e.hour, "budget"))
            return
        strength = (1 + e.targeting()) * e.specialist.freshness
        live = max(1, math.ceil(spec.live_days * HOURS_PER_DAY))
        self.live = True
        if spec.spike is not None:
            e.set_rate("events", spec.spike.users * strength / live)
        for lift in spec.lifts:
            self.lift[e.scenario.stage_index(lift.stage)] += lift.lift * strength
        e.log(EventLaunched(e.hour, e.hour + live, round(strength, 6)))
        e.agenda.schedule(live, "events", "_end")

    def _end(self) -> None:
        e, spec = self.engine, self.spec
        e.sync()
        self.live = False
        e.set_rate("events", 0.0)
        self.lift[:] = 0.0
        e.log(EventEnded(e.hour))
        if spec.data_collection_hours > 0:
            deadline = e.hour + spec.collect_within_days * HOURS_PER_DAY
            self.to_collect.append([deadline, spec.data_collection_hours])
        elif spec.evidence > 0:  # nothing to collect: the data comes with the event
            e.state.evidence += spec.evidence
            e.log(EventData(e.hour, True, spec.evidence))
        while self.ready and not self.live:
            self._launch()
