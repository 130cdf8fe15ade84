"""The support ticket backlog: tickets per source stage and arrival hour, served first in,
first out by the specialist's support hours. Tickets left past their users' patience are late;
a late answer may lose the user."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class ServiceResult:
    """What one stretch of support work did: tickets ``served``, newly ``late`` per source."""

    served: int
    late: np.ndarray


class Backlog:
    """Waiting tickets: ``fresh[src, hour]`` by arrival hour, and ``late[src]`` past patience."""

    def __init__(self, n_sources: int, horizon: int, patience: int) -> None:
        self.fresh = np.zeros((n_sources, horizon + 1), dtype=np.int64)
        self.late = np.zeros(n_sources, dtype=np.int64)
        self.patience = patience
        self.oldest = 0  # every fresh bin before this hour is empty
        self.arrived = 0
        self.served = 0
        self.late_total = 0

    @property
    def waiting(self) -> int:
        """Tickets not yet answered."""
        return int(self.fresh[:, self.oldest :].sum() + self.late.sum())

    def add(self, src: int, t0: int, counts: np.ndarray) -> None:
        """Tickets from source ``src`` arriving in hours ``t0, t0 + 1, …``."""
        self.fresh[src, t0 : t0 + len(counts)] += counts
        self.arrived += int(counts.sum())

    def serve(self, capacity: int, t_end: int, rng: np.random.Generator) -> ServiceResult:
        """Answer up to ``capacity`` tickets, late ones first, then oldest first; then mark the
        fresh tickets that have waited ``patience`` hours by ``t_end`` as late."""
        served = 0
        if capacity > 0 and self.late.sum() > 0:
            n = min(capacity, int(self.late.sum()))
            self.late -= rng.multivariate_hypergeometric(self.late, n, method="marginals")
            served += n
        left = capacity - served
        if left > 0:
            window = self.fresh[:, self.oldest : t_end]
            per_hour = window.sum(axis=0)
            full = np.cumsum(per_hour)
            done = int(np.searchsorted(full, left, side="right"))  # hours answered completely
            window[:, :done] = 0
            served += int(full[done - 1]) if done else 0
            rest = left - (int(full[done - 1]) if done else 0)
            if done < window.shape[1] and rest > 0:
                window[:, done] -= rng.multivariate_hypergeometric(
                    window[:, done], rest, method="marginals"
                )
                served += rest
        cut = max(self.oldest, t_end - self.patience + 1)  # arrivals before ``cut`` are late
        newly_late = self.fresh[:, self.oldest : cut].sum(axis=1)
        self.fresh[:, self.oldest : cut] = 0
        self.oldest = cut
        self.late += newly_late
        self.served += served
        self.late_total += int(newly_late.sum())
        return ServiceResult(served, newly_late)
