"""Other departments: request queues served a few at a time, a random response time, stalls.

A request carries its continuation — the action to take once the department delivers — so a
waiting piece of work is plain data on the agenda, never a suspended process.
"""

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from opssim.model.records import DepartmentAnswer, DepartmentRequest, Record
from opssim.scenario.schema import Department
from opssim.sim.agenda import Agenda
from opssim.sim.clock import HOURS_PER_DAY
from opssim.sim.delays import draw
from opssim.sim.streams import Streams


@dataclass(frozen=True, slots=True)
class Request:
    """Help asked of a department at hour ``asked``; ``then`` runs on delivery."""

    department: str
    purpose: str
    asked: int
    then: tuple[str, str, tuple[Any, ...]]

    def __deepcopy__(self, memo: dict) -> "Request":
        return self  # immutable: copies of a run may share it


class Departments:
    """The scenario's departments, each a FIFO queue with ``capacity`` requests in hand."""

    def __init__(
        self,
        specs: dict[str, Department],
        agenda: Agenda,
        streams: Streams,
        log: Callable[[Record], None],
        speedup: Callable[[], float],
    ) -> None:
        self.specs = specs
        self.agenda = agenda
        self.streams = streams
        self.log = log
        self.speedup = speedup  # share of response time saved by coordination, now
        self.waiting: dict[str, deque[Request]] = {name: deque() for name in specs}
        self.busy = dict.fromkeys(specs, 0)
        #: Incidents' moods: name -> (until hour, response time multiplier, stall chance added).
        self.moods: dict[str, tuple[int, float, float]] = {}
        #: The hour each department's last stalled request is due (incident conditions).
        self.stalled_until: dict[str, int] = {}

    def queue_length(self, name: str) -> int:
        """Requests waiting for or being worked on by ``name``."""
        return len(self.waiting[name]) + self.busy[name]

    def request(self, name: str, purpose: str, then: tuple[str, str, tuple[Any, ...]]) -> None:
        """Ask ``name`` for help with ``purpose``; on delivery call ``then`` (owner, method,
        args) through the agenda."""
        now = int(self.agenda.env.now)
        self.waiting[name].append(Request(name, purpose, now, then))
        self._start(name)

    def _start(self, name: str) -> None:
        spec = self.specs[name]
        while self.waiting[name] and self.busy[name] < spec.capacity:
            req = self.waiting[name].popleft()
            self.busy[name] += 1
            now = int(self.agenda.env.now)
            rng = self.streams.get(f"department:{name}", now // HOURS_PER_DAY)
            days = float(draw(rng, spec.response_days, 1)[0])
            until, slower, stall = self.moods.get(name, (0, 1.0, 0.0))
            if now >= until:
                slower, stall = 1.0, 0.0
            stalled = bool(rng.random() < spec.stall_chance + stall)
            days *= slower * (spec.stall_x if stalled else 1.0)
            # Coordination counts when the department picks the request up.
            hours = max(1, math.ceil(days * HOURS_PER_DAY * (1.0 - self.speedup())))
            if stalled:
                self.stalled_until[name] = max(self.stalled_until.get(name, 0), now + hours)
            self.log(DepartmentRequest(now, name, req.purpose, now + hours, stalled))
            self.agenda.schedule(hours, "departments", "_done", req)

    def _done(self, req: Request) -> None:
        now = int(self.agenda.env.now)
        self.busy[req.department] -= 1
        self.log(DepartmentAnswer(now, req.department, req.purpose, now - req.asked))
        owner, method, args = req.then
        getattr(self.agenda.resolve(owner), method)(*args)
        self._start(req.department)
