"""Rates: what the funnel's draw takes — arrivals per source, chances to move on — hour by hour.

Events change rates (a piece going live, an event launching, a calendar happening); each change
is recorded from its hour on, and the draw of any stretch of hours reads the rates in force in
each hour (:meth:`Rates.inputs`). No event has to draw users first.
"""

import numpy as np

from opssim.scenario import Scenario
from opssim.sim.clock import HOURS_PER_WEEK
from opssim.sim.streams import Streams

#: Segments (sources of users) that duties add after the scenario's channels.
DUTY_SEGMENTS = ("copy", "events", "ground", "partners")


class Rates:
    """Users per hour per segment (a source: a channel, copy, events, ground, partners) and
    the chance per (stage, segment) of moving on, as changes from an hour on."""

    def __init__(self, sc: Scenario, horizon: int) -> None:
        self.scenario = sc
        d = sc.duties
        partners = d.partners
        #: The segments' names: the scenario's channels, then :data:`DUTY_SEGMENTS`.
        self.segments = (*(c.id for c in sc.channels), *DUTY_SEGMENTS)
        self._seg = {name: i for i, name in enumerate(self.segments)}
        self._ground = self._seg["ground"]
        #: Each segment's stream of arrivals.
        self._stream = [f"arrivals:{name}" for name in self.segments]
        idx = sc.stage_index
        self._entry = (  # the stage each segment's users enter at
            [idx(c.enters) for c in sc.channels]
            + [
                idx(d.copy_.reach.enters) if d.copy_.reach else 0,
                idx(d.events.spike.enters) if d.events.spike else 0,
                idx(d.ground.enters),
                idx(partners.deal.enters) if partners else 0,
            ]
        )
        self._intent = np.array(  # each segment's multiplier on every later conversion
            [c.intent for c in sc.channels]
            + [1.0, 1.0, d.ground.intent, partners.deal.intent if partners else 1.0]
        )
        self._rate = np.zeros(len(self.segments))  # users per hour, per segment
        self._rate[: len(sc.channels)] = [c.per_week / HOURS_PER_WEEK for c in sc.channels]
        # Calendar happenings scale these segments' arrivals.
        self._scaled = np.zeros(len(self.segments), dtype=bool)
        self._scaled[: len(sc.channels)] = True
        self._scaled[self._seg["partners"]] = True
        self._scaled_at = np.flatnonzero(self._scaled)
        self._base = np.array([s.convert or 0.0 for s in sc.funnel.stages])
        #: The stage each calendar happening's conversion factors apply to, by happening.
        self._convert_x = [[(sc.stage_index(stage), x) for stage, x in h.convert_x.items()]
                           for h in sc.calendar]
        #: Share of each hour that ground promotion is worked (its users arrive then).
        self._ground_cover = np.zeros(horizon + 1)
        #: Indices of the calendar happenings under way.
        self.active: list[int] = []
        #: ``(hour, users per hour per segment, chance to move on per stage and segment)``
        #: from each hour on, appended whenever something changes them.
        self._changes: list[tuple[int, np.ndarray, np.ndarray]] = []

    def set_rate(self, segment: str, users_per_hour: float) -> None:
        """Users per hour arriving through a duty's ``segment`` (from the next change on)."""
        self._rate[self._seg[segment]] = max(0.0, users_per_hour)

    def set_cover(self, shares: list[tuple[int, float]]) -> None:
        """Which hours ground promotion is worked: ``(hour, share worked)`` pairs (its rate is
        per hour worked)."""
        for h, share in shares:
            self._ground_cover[h] = share

    def change(self, hour: int, lift: np.ndarray, arrivals_x: float = 1.0,
               convert_x: tuple[tuple[int, float], ...] = ()) -> None:
        """Record the rates in force from ``hour`` on: the duties' conversion ``lift`` per
        stage, and further factors on the channels' arrivals and on stages' conversions."""
        rate = self._rate.copy()
        scaled = self._scaled_at
        for i in self.active:
            rate[scaled] *= self.scenario.calendar[i].arrivals_x
        if arrivals_x != 1.0:
            rate[scaled] *= arrivals_x
        change = (hour, rate, self._convert(lift, convert_x))
        if self._changes and self._changes[-1][0] == hour:
            self._changes[-1] = change
        else:
            self._changes.append(change)

    def _convert(self, lift: np.ndarray, convert_x: tuple[tuple[int, float], ...]) -> np.ndarray:
        """Chance per (stage, segment) that a user deciding at the stage moves on."""
        p = self._base * (1.0 + lift)
        for i in self.active:
            for s, x in self._convert_x[i]:
                p[s] *= x
        for s, x in convert_x:
            p[s] *= x
        # Row s: the chance of moving on from stage s (to s + 1); none from the last.
        on = np.empty_like(p)
        on[:-1] = p[1:]
        on[-1] = 0.0
        out = np.multiply.outer(on, self._intent)
        return out.clip(0.0, 1.0, out=out)

    def inputs(self, t0: int, t1: int, n_stages: int, streams: Streams,
               ) -> tuple[np.ndarray, np.ndarray]:
        """What the funnel's draw of hours ``[t0, t1)`` (within one week) takes: arrivals
        from outside per (stage, segment, hour), and each hour's chance to move on."""
        week = t0 // HOURS_PER_WEEK
        changes = self._changes
        while len(changes) > 1 and changes[1][0] <= t0:  # no longer in force
            changes.pop(0)
        now = [c for c in changes if c[0] < t1]
        hours = t1 - t0
        rate = np.empty((len(self.segments), hours))
        convert = np.empty((*now[0][2].shape, hours))
        # The first set of rates holds from t0 (the one in force), each next from its hour.
        starts = [0, *(c[0] - t0 for c in now[1:]), hours]
        for (_, r, p), a, b in zip(now, starts, starts[1:], strict=False):
            rate[:, a:b] = r[:, None]
            convert[:, :, a:b] = p[:, :, None]
        rate[self._ground] *= self._ground_cover[t0:t1]
        arrivals = np.zeros((n_stages, len(self.segments), hours), dtype=np.int64)
        # One stream per source, so a change in one source's rate (more copy reach, say)
        # leaves every other source's arrivals as they were: common random numbers.
        get, entry = streams.get, self._entry
        for g, live in enumerate(rate.any(axis=1).tolist()):
            if live:
                arrivals[entry[g], g] = get(self._stream[g], week).poisson(rate[g])
        return arrivals, convert
