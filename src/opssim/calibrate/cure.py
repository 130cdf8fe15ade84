"""The mixture-cure fit of one stage: the chance ``p`` that a user moves on at all, and the
delay ``F`` of those who do, fitted together.

A user who reached the stage before at hour ``t`` and the next at ``t + d`` adds
``log p + log(F(d + g) - F(d))`` (times are known to a grid ``g``: the data's resolution, at
least a minute); one who had not moved on when the data ends (or the window closes), ``c``
hours later, adds ``log(1 - p F(c))``: censored, not lost. ``F`` is exponential, Weibull or
lognormal, whichever has the lowest AIC. Intervals are 95% Wald intervals on the logit / log
scale from the observed information (a numerical Hessian), mapped back.
"""

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, special

FAMILIES = ("exponential", "weibull", "lognormal")
Z95 = 1.959963984540054
MIN_GRID_H = 1 / 60


@dataclass(frozen=True)
class Interval:
    """A value and its 95% interval."""

    value: float
    low: float
    high: float

    def covers(self, x: float) -> bool:
        return self.low <= x <= self.high

    def fmt(self) -> str:
        """``0.213 (95%: 0.205–0.221)``, ``2,001 (95%: 1,970–2,032)``."""
        v, lo, hi = (num(x) for x in (self.value, self.low, self.high))
        return f"{v} (95%: {lo}–{hi})"


def num(x: float) -> str:
    """Three significant digits, never in exponent form (thousands get separators)."""
    if not math.isfinite(x):
        return "?"
    a = abs(x)
    if a >= 100:
        return f"{x:,.0f}"
    if a >= 10:
        return f"{x:.1f}"
    if a >= 1:
        return f"{x:.2f}"
    return f"{x:.3g}"


@dataclass
class StageFit:
    """The fit of the move from one stage to the next."""

    family: str
    p: Interval
    mean_h: Interval | None
    params: dict[str, Interval]  # exponential: mean; weibull: shape, scale; lognormal: mean, sd
    theta: np.ndarray  # the family's parameters on the fitting scale (p excluded)
    aic: dict[str, float]
    n: int
    converted: int
    naive_p: float  # converted / n: ignores that the censored may still convert
    grid_h: float
    notes: list[str] = field(default_factory=list)

    def cdf(self, t: np.ndarray) -> np.ndarray:
        """Share of users converted ``t`` hours after reaching the stage before: ``p F(t)``."""
        if self.mean_h is None:
            return np.zeros_like(np.asarray(t, dtype=float))
        return self.p.value * np.exp(_log_cdf(self.family, self.theta, np.asarray(t, float)))


# -- the families, on the fitting scale --------------------------------------------------------
# exponential: [log mean]; weibull: [log scale, log shape]; lognormal: [mu, log sigma]


def _z(family: str, theta: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The cumulative hazard (exponential, Weibull) or the standard score (lognormal)."""
    if family == "exponential":
        return t / math.exp(theta[0])
    if family == "weibull":
        return (t / math.exp(theta[0])) ** math.exp(theta[1])
    with np.errstate(divide="ignore"):
        return (np.log(t) - theta[0]) / math.exp(theta[1])


def _log_cdf(family: str, theta: np.ndarray, t: np.ndarray) -> np.ndarray:
    z = _z(family, theta, t)
    if family == "lognormal":
        return special.log_ndtr(z)
    with np.errstate(divide="ignore"):
        return np.log(-np.expm1(-z))


def _log_mass(family: str, theta: np.ndarray, a: np.ndarray, g: float) -> np.ndarray:
    """``log(F(a + g) - F(a))``, stable in both tails."""
    za, zb = _z(family, theta, a), _z(family, theta, a + g)
    with np.errstate(divide="ignore", invalid="ignore"):
        if family == "lognormal":
            upper = za > 0  # use the upper tails there: Φ(-za) - Φ(-zb)
            lo = np.where(upper, -zb, za)
            hi = np.where(upper, -za, zb)
            lhi = special.log_ndtr(hi)
            return lhi + np.log(-np.expm1(special.log_ndtr(lo) - lhi))
        # S(a) - S(b) = exp(-za) (1 - exp(-(zb - za)))
        return -za + np.log(-np.expm1(-(zb - za)))


def _mean(family: str, theta: np.ndarray) -> float:
    if family == "exponential":
        return math.exp(theta[0])
    if family == "weibull":
        return math.exp(theta[0]) * math.gamma(1 + math.exp(-theta[1]))
    return math.exp(theta[0] + math.exp(2 * theta[1]) / 2)


def _sd(theta: np.ndarray) -> float:
    """The lognormal's standard deviation."""
    s2 = math.exp(2 * theta[1])
    return math.sqrt(math.expm1(s2)) * math.exp(theta[0] + s2 / 2)


# -- the fit ---------------------------------------------------------------------------------


@dataclass
class _Data:
    d: np.ndarray  # converted: delay floored to the grid (unique values)
    wd: np.ndarray  # their counts
    c: np.ndarray  # censored: follow-up floored to the grid (unique)
    wc: np.ndarray
    g: float


def _prepare(delays: np.ndarray, follow: np.ndarray, grid_h: float) -> _Data:
    """Floor times to the grid and count repeats: the likelihood is then a sum over distinct
    values (a few thousand), whatever the number of users."""
    g = max(grid_h, MIN_GRID_H)
    if len(delays):  # a grid of 1/200 of the median delay loses next to nothing
        g = max(g, float(np.median(delays)) / 200)
    d, wd = np.unique(np.floor(np.maximum(delays, 0) / g + 1e-9) * g, return_counts=True)
    # Follow-up floored to 1/400 of the longest: censoring a little earlier is still
    # censoring, and a few hundred distinct values keep every evaluation cheap.
    gc = max(g, float(follow.max()) / 400) if len(follow) else g
    c, wc = np.unique(np.floor(np.maximum(follow, 0) / gc + 1e-9) * gc, return_counts=True)
    return _Data(d, wd.astype(float), c, wc.astype(float), g)


def _negll(x: np.ndarray, family: str, data: _Data) -> float:
    logit_p, theta = x[0], x[1:]
    log_p = -np.logaddexp(0.0, -logit_p)
    ll = data.wd @ (log_p + _log_mass(family, theta, data.d, data.g))
    pf = np.exp(log_p + _log_cdf(family, theta, data.c))
    ll += data.wc @ np.log1p(-np.minimum(pf, 1 - 1e-15))
    return float(-ll) if np.isfinite(ll) else 1e300


def _start(family: str, data: _Data, p0: float) -> np.ndarray:
    mid = data.d + data.g / 2
    w = data.wd / data.wd.sum()
    m = float(w @ mid)
    logit = math.log(p0 / (1 - p0))
    if family == "exponential":
        return np.array([logit, math.log(m)])
    if family == "weibull":
        return np.array([logit, math.log(m), 0.0])
    lm = float(w @ np.log(mid))
    sd = math.sqrt(max(float(w @ (np.log(mid) - lm) ** 2), 0.01))
    return np.array([logit, lm, math.log(sd)])


def _hessian(f, x: np.ndarray) -> np.ndarray:
    """Central differences, steps relative to each coordinate."""
    k = len(x)
    h = 1e-4 * np.maximum(np.abs(x), 1.0)
    hess = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            ei, ej = np.zeros(k), np.zeros(k)
            ei[i], ej[j] = h[i], h[j]
            v = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej))
            hess[i, j] = hess[j, i] = v / (4 * h[i] * h[j])
    return hess


def _fit_family(family: str, data: _Data, p0: float) -> tuple[np.ndarray, float]:
    x0 = _start(family, data, p0)
    # BFGS, unbounded (the parameters are on logit and log scales): L-BFGS-B with bounds
    # stopped at the start on some data sets, and its Fortran step costs more than the
    # likelihood here.
    res = optimize.minimize(_negll, x0, args=(family, data), method="BFGS",
                            options={"gtol": 1e-6})
    return res.x, float(res.fun)


def _interval_exp(value_log: float, se: float) -> Interval:
    return Interval(math.exp(value_log), math.exp(value_log - Z95 * se),
                    math.exp(value_log + Z95 * se))


def fit_stage(delays: np.ndarray, follow: np.ndarray, grid_h: float,
              families: tuple[str, ...] = FAMILIES) -> StageFit:
    """Fit ``p`` and the delay from the delays of users who moved on and the follow-up of
    those who had not (both in hours)."""
    # Trial parameters far out overflow (a Weibull shape of e^20): the likelihood is then
    # +inf or NaN, which the optimizer steps back from; a degenerate sample (every delay
    # the same) has no intervals, said in the notes.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _fit_stage(delays, follow, grid_h, families)


def _fit_stage(delays: np.ndarray, follow: np.ndarray, grid_h: float,
               families: tuple[str, ...]) -> StageFit:
    n_conv, n_cens = len(delays), len(follow)
    n = n_conv + n_cens
    naive = n_conv / n if n else 0.0
    if n_conv == 0:
        # Nothing to fit a delay to: p is 0, its upper bound by the rule of three.
        return StageFit("exponential", Interval(0.0, 0.0, min(1.0, 3.0 / max(n, 1))), None,
                        {}, np.zeros(1), {}, n, 0, naive, grid_h,
                        ["no user moved on: the delay is not fitted"])
    data = _prepare(delays, follow, grid_h)
    p0 = min(max(naive, 0.02), 0.98)
    fits = {fam: _fit_family(fam, data, p0) for fam in families}
    aic = {fam: 2 * len(x) + 2 * nll for fam, (x, nll) in fits.items()}
    best = min(aic, key=lambda f: aic[f])
    x, _ = fits[best]
    f = lambda y: _negll(y, best, data)  # noqa: E731
    notes: list[str] = []
    try:
        cov = np.linalg.inv(_hessian(f, x))
        se = np.sqrt(np.diag(cov))
        if not np.all(np.isfinite(se)):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        cov = np.full((len(x), len(x)), np.nan)
        se = np.full(len(x), np.nan)
        notes.append("the information matrix is singular: no intervals")
    if n_cens == 0:
        notes.append("every user moved on: p is at its bound")
    expit = special.expit
    p = Interval(float(expit(x[0])), float(expit(x[0] - Z95 * se[0])),
                 float(expit(x[0] + Z95 * se[0])))
    theta = x[1:]
    params: dict[str, Interval] = {}

    def log_of(fn) -> Interval:
        """A positive function of theta, with its interval by the delta method on its log."""
        grad = np.zeros(len(x))
        for i in range(1, len(x)):
            h = 1e-6 * max(abs(x[i]), 1.0)
            up, dn = x.copy(), x.copy()
            up[i] += h
            dn[i] -= h
            grad[i] = (math.log(fn(up[1:])) - math.log(fn(dn[1:]))) / (2 * h)
        return _interval_exp(math.log(fn(theta)), float(math.sqrt(max(grad @ cov @ grad, 0))))

    mean = log_of(lambda th: _mean(best, th))
    if best == "exponential":
        params["mean"] = mean
    elif best == "weibull":
        params["shape"] = _interval_exp(theta[1], se[2])
        params["scale"] = _interval_exp(theta[0], se[1])
    else:
        params["mean"] = mean
        params["sd"] = log_of(_sd)
    return StageFit(best, p, mean, params, theta, aic, n, n_conv, naive, data.g, notes)


def stage_samples(reached: np.ndarray, s: int, end_h: float, window_h: float | None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """For the move ``s → s + 1``: delays of users who made it, follow-up of those who did
    not (to the data's end, or the window if shorter: later moves count as none)."""
    at = reached[:, s]
    nxt = reached[:, s + 1]
    there = np.isfinite(at)
    moved = there & np.isfinite(nxt)
    delays = nxt[moved] - at[moved]
    follow = end_h - at[there & ~moved]
    if window_h is not None:
        late = delays > window_h
        follow = np.concatenate([np.minimum(follow, window_h),
                                 np.full(int(late.sum()), window_h)])
        delays = delays[~late]
    return delays, follow
