"""What a run has earned besides its users: reputation, evidence, research, budget, outcome.

The duties and the reviews change it only through its methods, and each change that a player
should be able to trace is logged by the method that makes it.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

from opssim.model.records import Complaints, Record, RunEnded
from opssim.model.reputation import clamp


@dataclass
class RunState:
    """The run's standing.

    ``rerun_reputation`` is the reputation a re-run of the plan from the first hour would
    have now (its reviews judge without attribution), or None once such a re-run could have
    been fired (blame.py); ``log`` appends a record to the run's event log.
    """

    reputation: float
    budget: float | None
    log: Callable[[Record], None]
    evidence: float = 0.0
    research_points: float = 0.0
    blame_count: int = 0
    outcome: str | None = None
    finished: bool = False
    rerun_reputation: float | None = None

    def __post_init__(self) -> None:
        self.rerun_reputation = self.reputation

    # -- money --------------------------------------------------------------------------

    def spend(self, amount: float) -> bool:
        """Pay ``amount`` from the budget; False (and nothing paid) when it is short."""
        if self.budget is None or amount <= 0:
            return True
        if amount > self.budget + 1e-9:
            return False
        self.budget = max(0.0, self.budget - amount)
        return True

    def affordable(self, cost_per_hour: float) -> float:
        """Hours the budget can still pay for at ``cost_per_hour``."""
        return math.inf if self.budget is None else self.budget / cost_per_hour

    # -- standing -----------------------------------------------------------------------

    def complaints(self, hour: int, count: int, per_complaint: float) -> None:
        """``count`` complaints reach the boss: each costs ``per_complaint`` reputation, in
        the run and in the plan's re-run alike (the same users complain there)."""
        delta = -per_complaint * count
        self.reputation = clamp(self.reputation + delta)
        if self.rerun_reputation is not None:
            self.rerun_reputation = clamp(self.rerun_reputation + delta)
        self.log(Complaints(hour, count, round(delta, 6)))

    def end(self, hour: int, outcome: str) -> None:
        """The run is over with ``outcome``: nothing is processed after this."""
        self.outcome = outcome
        self.finished = True
        self.log(RunEnded(hour, outcome, self.reputation))
