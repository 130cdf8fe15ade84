"""The funnel's draw of a stretch of hours as one compiled call (``_kernel.c``).

:meth:`FunnelGroup.flow <opssim.sim.funnel.FunnelGroup.flow>` in numpy costs about 250 numpy
calls a chunk whatever the users (five stages, each: users' indices, keyed bits, delays,
slots, bins, decisions), which made a run's cost a fixed ~1 ms a day. The C kernel walks the
same users in the same order and computes the same keyed numbers (:mod:`opssim.sim.keyed`) in
one pass, so a chunk costs microseconds plus a few nanoseconds a user. The numpy version stays
as the reference (and for traced runs, which follow users one by one); the tests hold the two
to the same histograms.

The kernel is built when opssim is installed (a C extension, optional): without a C compiler
the install goes on and :data:`AVAILABLE` is False, and every draw takes the numpy path — the
same runs, two to three times slower.
"""

import numpy as np

from opssim.scenario.schema import Delay

#: Delay kinds as the kernel takes them (``kind``, two parameters).
NONE, FIXED, EXPONENTIAL, LOGNORMAL, WEIBULL, UNIFORM = range(6)
#: The keyed streams of a stage, in the order of the kernel's ``keys[r, s]``.
PURPOSES = ("enter", "enter2", "churn", "decide")


def delay_code(spec: Delay | None) -> tuple[int, float, float]:
    """``spec`` as the kernel takes it: a kind and two numbers, computed as
    :func:`opssim.sim.delays.from_uniforms` computes them (the same floats)."""
    if spec is None:
        return NONE, 0.0, 0.0
    if spec.fixed is not None:
        return FIXED, float(spec.fixed), 0.0
    if spec.exponential is not None:
        return EXPONENTIAL, -spec.exponential, 0.0
    if spec.lognormal is not None:
        m, s = spec.lognormal.mean, spec.lognormal.sd
        sigma2 = np.log1p((s / m) ** 2)
        return LOGNORMAL, float(np.log(m) - sigma2 / 2), float(np.sqrt(sigma2))
    if spec.weibull is not None:
        return WEIBULL, 1.0 / spec.weibull.shape, spec.weibull.scale
    assert spec.uniform is not None
    lo, hi = spec.uniform.low, spec.uniform.high
    return UNIFORM, lo, hi - lo


try:
    from opssim.sim import _kernel  # type: ignore[attr-defined]
except ImportError:  # installed without a C compiler
    _kernel = None
#: Whether the compiled kernel was built (else the numpy draw does all the drawing).
AVAILABLE = _kernel is not None


def flow(*arrays: np.ndarray, t0: int, t1: int, horizon: int) -> None:
    """Draw hours ``[t0, t1)`` of every member ``r``: ``arrays`` are the histograms
    ``(r, stage, segment, hour)`` (entered, due, gone, moves, drops), the keyed counters
    ``(r, stage, segment)`` (entered, decided), ``arrivals`` and ``convert`` ``(r, stage,
    segment, hour - t0)``, ``keys[r, s]`` the streams of :data:`PURPOSES`, each stage's exit
    delay (``kinds``, ``params``: :func:`delay_code`) and mean hours to churn (NaN: none)."""
    assert _kernel is not None, "the compiled kernel was not built"
    # The C side checks each buffer's type and layout (a TypeError, never garbage).
    _kernel.flow(*arrays, t0, t1, horizon)


def pending(due: np.ndarray, gone: np.ndarray, s: int, t: int) -> tuple[np.ndarray, np.ndarray]:
    """The users still pending at stage ``s`` from hour ``t`` (``due`` and ``gone`` of one
    funnel): the counts of the nonzero cells, segment by segment, decisions then churn, and
    each cell's index in that order (for :func:`take`)."""
    assert _kernel is not None, "the compiled kernel was not built"
    size = 2 * due.shape[1] * (due.shape[2] - t)
    counts, cells = np.empty(size, dtype=np.int64), np.empty(size, dtype=np.int64)
    k = _kernel.pending(due, gone, s, t, counts, cells)
    return counts[:k], cells[:k]


def take(due: np.ndarray, gone: np.ndarray, drops: np.ndarray, s: int, t: int,
         cells: np.ndarray, taken: np.ndarray) -> None:
    """Take ``taken[i]`` users from :func:`pending`'s ``cells[i]``: they drop at hour ``t``."""
    assert _kernel is not None, "the compiled kernel was not built"
    _kernel.take(due, gone, drops, s, t, np.ascontiguousarray(cells, dtype=np.int64),
                 np.ascontiguousarray(taken, dtype=np.int64))


def arrive(t0: int, counts: np.ndarray, sources: np.ndarray, places: np.ndarray,
           work: np.ndarray, xp: np.ndarray, fp: np.ndarray, slope: float, free: float,
           arrival: np.ndarray, source: np.ndarray, done: np.ndarray) -> float:
    """Tickets of the hours from ``t0`` (:meth:`TicketQueue.arrive
    <opssim.sim.tickets.TicketQueue.arrive>`): ``counts[q, j]`` of source ``sources[q]`` in
    hour ``t0 + j``, ``places`` inside their hours (source by source), ``work`` each ticket's
    in time order; ``xp``/``fp`` the work clock's breakpoints (from one at or before ``t0``)
    and ``slope`` after them. Writes each ticket's ``arrival``, ``source`` and ``done`` in time
    order and returns the hour of work at which the server is next free (from ``free``)."""
    assert _kernel is not None, "the compiled kernel was not built"
    return _kernel.arrive(t0, counts, sources, places, work, xp, fp, slope, free, arrival,
                          source, done)


def users_at(entered: np.ndarray, moves: np.ndarray, drops: np.ndarray, s: int, t0: int,
             there: int, per_week: float, lam: np.ndarray) -> int:
    """The users at stage ``s`` hour by hour from ``t0`` (``there`` then), from one funnel's
    ``entered``, ``moves`` and ``drops``: writes ``lam[j]``, ``per_week`` tickets per user-week
    per hour for those at the start of hour ``t0 + j`` (not below 0), and returns the users
    there at ``t0 + len(lam)`` (:meth:`SupportWork._rate_there
    <opssim.sim.work.support.SupportWork._rate_there>`)."""
    assert _kernel is not None, "the compiled kernel was not built"
    return _kernel.users_at(entered, moves, drops, s, t0, there, per_week, lam)


def overdue(arrival: np.ndarray, source: np.ndarray, done: np.ndarray, t: float,
            patience: float, start_late: int, complaint_after: float, start_complaint: int,
            xp: np.ndarray, fp: np.ndarray, slope: float, late: np.ndarray,
            complaints: np.ndarray) -> tuple[int, int]:
    """:meth:`TicketQueue.overdue <opssim.sim.tickets.TicketQueue.overdue>` in one call: of
    the tickets from ``start_late`` (``start_complaint``) whose ``patience``
    (``complaint_after``; NaN: none) ran out by ``t``, those not done by their deadline on the
    work clock (``xp``/``fp`` from a breakpoint at or before the first deadline, ``slope``
    after) are added to ``late`` (``complaints``) by source; returns the two new starts."""
    assert _kernel is not None, "the compiled kernel was not built"
    return _kernel.overdue(arrival, source, done, t, patience, start_late, complaint_after,
                           start_complaint, xp, fp, slope, late, complaints)
