"""The funnel's draw of a stretch of hours as one compiled call (numba).

:meth:`FunnelGroup.flow <opssim.sim.funnel.FunnelGroup.flow>` in numpy costs about 250 numpy
calls a chunk whatever the users (five stages, each: users' indices, keyed bits, delays,
slots, bins, decisions), which made a run's cost a fixed ~1 ms a day. This kernel walks the
same users in the same order and computes the same keyed numbers (:mod:`opssim.sim.keyed`) in
one pass, so a chunk costs microseconds plus a few nanoseconds a user. The numpy version
stays as the reference (and for traced runs, which follow users one by one); the tests check
the two give the same histograms.

Compiled on first use and cached on disk (``cache=True``): only commands that run the engine
pay numba's import.
"""

import numpy as np
from numba import njit

from opssim.scenario.schema import Delay

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S11, _S27, _S30, _S31, _S32 = (np.uint64(k) for k in (11, 27, 30, 31, 32))
_LOW = np.uint64(0xFFFFFFFF)
_SEG = np.uint64(40)  # keyed.SEGMENT_SHIFT
_TO_UNIT32 = 2.0**-32
_TO_UNIT53 = 2.0**-53

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


@njit(cache=True, inline="always")
def _bits(key: np.uint64, index: np.uint64) -> np.uint64:  # keyed.bits, one number
    z = index * _GOLDEN + key
    z ^= z >> _S30
    z *= _M1
    z ^= z >> _S27
    z *= _M2
    z ^= z >> _S31
    return z


@njit(cache=True, inline="always")
def _unit(z: np.uint64) -> float:  # keyed.unit
    return (float(z >> _S11) + 0.5) * _TO_UNIT53


@njit(cache=True, inline="always")
def _wait(kind: int, a: float, b: float, u: float, u2: float) -> float:  # delays.from_uniforms
    if kind == FIXED:
        return a
    if kind == EXPONENTIAL:
        raw = np.log(u) * a
    elif kind == LOGNORMAL:
        z = np.sqrt(-2.0 * np.log(u)) * np.cos(2.0 * np.pi * u2)
        raw = np.exp(a + b * z)
    elif kind == WEIBULL:
        raw = (-np.log(u)) ** a * b
    else:
        raw = a + b * u
    return min(raw, 1e7)


@njit(cache=True)
def flow(entered, due, gone, moves, drops, entered_now, decided_now,
         arrivals, convert, keys, kinds, params, churn, t0, t1, horizon):
    """Draw hours ``[t0, t1)`` of every member ``r``: the histograms ``(r, stage, segment,
    hour)``, the keyed counters ``(r, stage, segment)``, ``arrivals`` and ``convert``
    ``(r, stage, segment, hour - t0)``, ``keys[r, s]`` the streams of :data:`PURPOSES`,
    ``kinds``/``params`` each stage's exit delay (:func:`delay_code`) and ``churn`` each
    stage's mean hours to churn (NaN: none)."""
    n_rep, n_stages, n_seg, _ = entered.shape
    hours = t1 - t0
    width = horizon + 1 - t0
    for r in range(n_rep):
        for s in range(n_stages):
            kind, a, b, ch = kinds[s], params[s, 0], params[s, 1], churn[s]
            # Who enters: from outside, and who moved on from the stage before.
            for g in range(n_seg):
                for j in range(hours):
                    n = arrivals[r, s, g, j]
                    if s > 0:
                        n += moves[r, s - 1, g, t0 + j]
                    entered[r, s, g, t0 + j] = n
            # Their decision's hour (and churn's, first if sooner).
            if kind == NONE and np.isnan(ch):
                for g in range(n_seg):
                    for j in range(hours):
                        due[r, s, g, horizon] += entered[r, s, g, t0 + j]
            else:
                k_enter, k_enter2, k_churn = keys[r, s, 0], keys[r, s, 1], keys[r, s, 2]
                for g in range(n_seg):
                    index = (np.uint64(g) << _SEG) + entered_now[r, s, g]
                    for j in range(hours):
                        for _ in range(entered[r, s, g, t0 + j]):
                            z = _bits(k_enter, index)
                            place = (float(z >> _S32) + 0.5) * _TO_UNIT32
                            u = (float(z & _LOW) + 0.5) * _TO_UNIT32
                            if kind == NONE:
                                wait = np.inf
                            else:
                                u2 = (_unit(_bits(k_enter2, index)) if kind == LOGNORMAL
                                      else 0.0)
                                wait = _wait(kind, a, b, u, u2)
                            churned = False
                            if not np.isnan(ch):
                                leave = np.log(_unit(_bits(k_churn, index))) * -ch
                                churned = leave < wait
                                wait = min(wait, leave)
                            after = min(np.floor(place + wait), float(width))
                            at = min(t0 + j + int(after), horizon)
                            if churned:
                                gone[r, s, g, at] += 1
                            else:
                                due[r, s, g, at] += 1
                            index += np.uint64(1)
                    entered_now[r, s, g] = index - (np.uint64(g) << _SEG)
            # Who decides now: each moves on if their keyed uniform falls under the chance.
            live = False
            waiting = False
            for g in range(n_seg):
                for j in range(hours):
                    live |= convert[r, s, g, j] != 0.0
                    waiting |= due[r, s, g, t0 + j] != 0
            k_decide = keys[r, s, 3]
            for g in range(n_seg):
                index = (np.uint64(g) << _SEG) + decided_now[r, s, g]
                for j in range(hours):
                    t = t0 + j
                    n = due[r, s, g, t]
                    m = 0
                    if live and waiting:
                        p = convert[r, s, g, j]
                        for _ in range(n):
                            if _unit(_bits(k_decide, index)) < p:
                                m += 1
                            index += np.uint64(1)
                        moves[r, s, g, t] = m
                    drops[r, s, g, t] += n - m + gone[r, s, g, t]
                if live and waiting:
                    decided_now[r, s, g] = index - (np.uint64(g) << _SEG)
