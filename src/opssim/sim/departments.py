"""Other departments as SimPy resources: requests queue, take a random time, sometimes stall."""

import math
from collections.abc import Callable, Iterator

import simpy

from opssim.model.records import DepartmentAnswer, DepartmentRequest, Record
from opssim.scenario.schema import Department
from opssim.sim.clock import HOURS_PER_DAY
from opssim.sim.delays import draw
from opssim.sim.streams import Streams


class Departments:
    """The scenario's departments; :meth:`request` returns an event that fires on delivery."""

    def __init__(
        self,
        env: simpy.Environment,
        specs: dict[str, Department],
        streams: Streams,
        log: Callable[[Record], None],
        speedup: Callable[[], float],
    ) -> None:
        self.env = env
        self.specs = specs
        self.streams = streams
        self.log = log
        self.speedup = speedup  # share of response time saved by coordination, now
        self.teams = {name: simpy.Resource(env, spec.capacity) for name, spec in specs.items()}

    def queue_length(self, name: str) -> int:
        """Requests waiting for or being worked on by ``name``."""
        team = self.teams[name]
        return len(team.queue) + team.count

    def request(self, name: str, purpose: str) -> simpy.Process:
        """Ask department ``name`` for help with ``purpose``; the process ends on delivery."""
        return self.env.process(self._serve(name, purpose))

    def _serve(self, name: str, purpose: str) -> Iterator[simpy.Event]:
        spec = self.specs[name]
        asked = int(self.env.now)
        rng = self.streams.get(f"department:{name}", asked // HOURS_PER_DAY)
        days = float(draw(rng, spec.response_days, 1)[0])
        stalled = bool(rng.random() < spec.stall_chance)
        if stalled:
            days *= spec.stall_x
        with self.teams[name].request() as turn:
            yield turn
            # Coordination counts when the department picks the request up.
            hours = max(1, math.ceil(days * HOURS_PER_DAY * (1.0 - self.speedup())))
            self.log(DepartmentRequest(int(self.env.now), name, purpose,
                                       int(self.env.now) + hours, stalled))
            yield self.env.timeout(hours)
        self.log(DepartmentAnswer(int(self.env.now), name, purpose, int(self.env.now) - asked))
