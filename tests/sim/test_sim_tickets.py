"""The support queue's work clock: one hour's W(t) in Python floats against the numpy one."""

import numpy as np

from opssim.sim.tickets import TicketQueue


def test_the_clock_of_one_hour_is_work_at_to_the_last_bit() -> None:
    q = TicketQueue(1, 24.0, None)
    rng = np.random.default_rng(4)
    gaps = rng.uniform(0.5, 30.0, 60)
    starts = np.cumsum(gaps)
    for start, gap, speed in zip(starts, gaps, rng.uniform(0.1, 1.3, 60), strict=True):
        q.set_rate(start, speed)  # a block of support work at an odd speed ...
        q.set_rate(start + rng.uniform(0.2, 0.8) * gap, 0.0)  # ... and a pause
    q.set_rate(starts[-1] + 1.0, 0.9)  # still working: W extrapolates past the last break
    times = [-3.0, 0.0, *q._t, *rng.uniform(0.0, starts[-1] + 50.0, 2000)]
    ours = [q.clock(float(t)) for t in times]
    theirs = q.work_at(np.array(times))
    assert np.array(ours).tobytes() == theirs.tobytes()
    assert len(set(ours)) > 1000 and ours[-1] != ours[-2]
