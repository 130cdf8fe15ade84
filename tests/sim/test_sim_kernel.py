"""The compiled draw (opssim.sim.kernel) against the numpy reference: the same users, bit for
bit, for every delay kind, with churn, in chunks, and for groups of members."""

import copy

import numpy as np
import pytest

from opssim.scenario import Scenario
from opssim.scenario.schema import Delay
from opssim.sim import HOURS_PER_WEEK, Engine, kernel
from opssim.sim.funnel import ARRAYS, FunnelGroup, FunnelState
from opssim.sim.tickets import TicketQueue
from opssim.sim.work.support import users_at

pytestmark = pytest.mark.skipif(
    not kernel.AVAILABLE, reason="the C kernel was not built (no C compiler at install)")

HORIZON = 400
DELAYS = {
    "fixed": Delay(fixed=3.5),
    "exponential": Delay(exponential=24.0),
    "lognormal": Delay(lognormal={"mean": 30.0, "sd": 20.0}),
    "weibull": Delay(weibull={"shape": 0.7, "scale": 40.0}),
    "uniform": Delay(uniform={"low": 0.2, "high": 90.0}),
}


def funnel(delay: Delay, root: int, churn: float | None) -> FunnelState:
    return FunnelState([Delay(exponential=0.4), delay, None], 2, HORIZON,
                       [None, churn, 80.0 if churn else None], root)


def inputs(seed: int, members: int, hours: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    arrivals = rng.poisson(15, (members, 3, 2, hours))
    arrivals[:, 1:] = 0  # users enter at the first stage
    convert = rng.uniform(0.1, 0.9, (members, 3, 2, hours))
    convert[:, 2] = 0.0
    return arrivals, convert


def draw(members: list[FunnelState], cuts: list[int], arrivals: np.ndarray,
         convert: np.ndarray, compiled: bool) -> None:
    group = FunnelGroup(members) if len(members) > 1 else FunnelGroup(members, stacked=False)
    t0 = 0
    for t1 in cuts:
        group.flow(t0, t1, arrivals[..., t0:t1], convert[..., t0:t1], compiled=compiled)
        t0 = t1


def assert_same(a: FunnelState, b: FunnelState) -> None:
    for name in ARRAYS:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


@pytest.mark.parametrize("kind", sorted(DELAYS))
@pytest.mark.parametrize("churn", [None, 30.0])
def test_compiled_draw_is_the_numpy_draw(kind: str, churn: float | None) -> None:
    hours = 2 * 168
    arrivals, convert = inputs(len(kind), 1, hours)
    cuts = [5, 6, 100, 168, 200, 336]
    fast, ref = funnel(DELAYS[kind], 7, churn), funnel(DELAYS[kind], 7, churn)
    draw([fast], cuts, arrivals, convert, compiled=True)
    draw([ref], cuts, arrivals, convert, compiled=False)
    assert ref.entered[1].sum() > 1000  # users did reach the delay under test
    assert_same(fast, ref)


def test_a_group_with_a_closed_stage_draws_each_as_alone() -> None:
    """One member whose conversion is 0 for a whole chunk (an outage) decides nobody there,
    and keeps its keyed counters: in a group as alone, compiled as in numpy."""
    hours = 168
    arrivals, convert = inputs(3, 3, hours)
    convert[1, 0, :, :50] = 0.0
    roots = (5, 6, 7)
    made = {(c, g): [funnel(DELAYS["lognormal"], r, 30.0) for r in roots]
            for c in (True, False) for g in (True, False)}
    for (compiled, grouped), members in made.items():
        if grouped:
            draw(members, [50, hours], arrivals, convert, compiled)
        else:
            for r, f in enumerate(members):
                draw([f], [50, hours], arrivals[r:r + 1], convert[r:r + 1], compiled)
    for r in range(3):
        for members in made.values():
            assert_same(made[True, False][r], members[r])


def test_a_fork_draws_on_alike() -> None:
    """A copy made mid-week draws the rest of the week as the original does."""
    arrivals, convert = inputs(9, 1, 168)
    f = funnel(DELAYS["exponential"], 3, 30.0)
    draw([f], [60], arrivals, convert, compiled=True)
    twin = copy.deepcopy(f)
    for one, compiled in ((f, True), (twin, False)):
        FunnelGroup([one], stacked=False).flow(60, 168, arrivals[..., 60:], convert[..., 60:],
                                               compiled=compiled)
    assert_same(f, twin)


def test_the_kernel_refuses_a_wrong_buffer() -> None:
    """A histogram of another type is an error, never read as garbage."""
    f = funnel(DELAYS["fixed"], 1, None)
    arrivals, convert = inputs(1, 1, 24)
    good = [getattr(f, name)[None] for name in ARRAYS]
    args = [*good, arrivals, convert, f.key_block(0)[None], *f.codes]
    wrong = list(args)
    wrong[1] = wrong[1].astype(np.int32)  # due is int64
    with pytest.raises(TypeError, match="argument 1"):
        kernel.flow(*wrong, t0=0, t1=24, horizon=HORIZON)
    short = list(args)
    short[9] = short[9][:, :2]  # keys for fewer stages than the histograms have
    with pytest.raises(ValueError, match="argument 9 has the wrong size"):
        kernel.flow(*short, t0=0, t1=24, horizon=HORIZON)
    with pytest.raises(ValueError, match="outside the run"):
        kernel.flow(*args, t0=HORIZON - 10, t1=HORIZON + 14, horizon=HORIZON)


def test_a_run_without_the_kernel_is_the_same_run(starter: Scenario,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Installed without a C compiler, the engine draws with numpy: the same run."""
    def play() -> Engine:
        e = Engine(starter, 4, attribution=False)
        e.advance_to(3 * HOURS_PER_WEEK)
        e.truth()
        return e

    fast = play()
    monkeypatch.setattr(kernel, "AVAILABLE", False)
    slow = play()
    assert slow.events == fast.events
    assert_same(slow.funnel, fast.funnel)


@pytest.mark.parametrize("n", [1, 40, 10**6])
def test_removals_in_c_are_the_numpy_removals(n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Late tickets take users from a stage: the same cells, the same draw, the same users."""
    arrivals, convert = inputs(2, 1, 168)
    fast, ref = (funnel(DELAYS["exponential"], 3, 30.0) for _ in range(2))
    for f in (fast, ref):
        draw([f], [100], arrivals, convert, compiled=True)
    taken = [fast.remove(1, n, 100, np.random.default_rng(5))]
    monkeypatch.setattr(kernel, "AVAILABLE", False)
    taken.append(ref.remove(1, n, 100, np.random.default_rng(5)))
    assert taken[0] == taken[1] > 0
    assert_same(fast, ref)


def test_a_removal_out_of_range_is_refused() -> None:
    f = funnel(DELAYS["fixed"], 1, None)
    counts, cells = kernel.pending(f.due, f.gone, 0, 10)
    assert len(counts) == len(cells) == 0
    with pytest.raises(ValueError, match="out of range"):
        kernel.take(f.due, f.gone, f.drops, 0, 10, np.array([10**9]), np.array([1]))


@pytest.mark.parametrize("complaint_after", [48.0, None])
def test_tickets_in_c_are_the_numpy_tickets(complaint_after: float | None,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The same tickets in the same time order (ties: source order), and the same completions
    on a work clock that starts and stops, to the last bit; the same late ones."""
    queues, overdue = [], []
    for compiled in (True, False):
        monkeypatch.setattr(kernel, "AVAILABLE", compiled)
        q = TicketQueue(3, 24.0, complaint_after)
        draws = np.random.default_rng(2)
        for day in range(6):
            for start in (9.0, 14.5):  # blocks of support work, and nights without
                q.set_rate(day * 24 + start, 0.8 + 0.1 * day)
                q.set_rate(day * 24 + start + 2.5, 0.0)
            counts = draws.poisson(3, (3, 24))
            counts[:2, 0] = 1  # the first two sources' first tickets: one moment, a tie
            places = draws.random(int(counts.sum()))
            places[0] = places[counts[0].sum()] = 0.5
            q.arrive(day * 24, counts, np.array([0, 2, 1]), places,
                     draws.exponential(0.3, int(counts.sum())))
            due = q.overdue((day + 1) * 24.0)  # late and complaints, by source
            overdue.append((compiled, due.late.tolist(), due.complaints.tolist()))
        queues.append(q)
    fast, ref = queues
    assert [o[1:] for o in overdue if o[0]] == [o[1:] for o in overdue if not o[0]]
    assert sum(sum(late) for _, late, _ in overdue) > 0
    assert (sum(sum(c) for *_, c in overdue) > 0) == (complaint_after is not None)
    assert len(fast.arrival) > 300
    assert list(fast.source[fast.arrival == 0.5]) == [0, 2]  # the tie, in source order
    for name in ("arrival", "source", "done"):
        assert np.array_equal(getattr(fast, name), getattr(ref, name)), name
    assert fast.waiting(150.0) == ref.waiting(150.0)


@pytest.mark.parametrize("per_week", [0.0, 0.7, 13.0])
def test_users_at_a_stage_in_c_are_the_numpy_users(per_week: float) -> None:
    """Support's tickets per hour from the users at a stage: the same floats, to the last bit,
    and the same running count, chunk after chunk (counts that go down as well as up)."""
    rng = np.random.default_rng(int(per_week * 10))
    shape = (3, 4, 200)
    entered = rng.integers(0, 40, shape).astype(np.int32)
    moves, drops = (rng.integers(0, 23, shape).astype(np.int32) for _ in range(2))
    fast = ref = 300  # the users there: a random walk that drifts down past zero
    rates = []
    for t0, t1 in ((0, 24), (24, 31), (31, 168), (168, 200)):
        lam = np.empty(t1 - t0)
        fast = kernel.users_at(entered, moves, drops, 1, t0, fast, per_week, lam)
        want, ref = users_at(entered, moves, drops, 1, t0, t1, ref, per_week)
        assert fast == ref
        assert lam.tobytes() == want.tobytes()
        rates.extend(want)
    assert ref < 0 and min(rates) == 0.0 and (per_week == 0.0 or max(rates) > 0)
    with pytest.raises(ValueError, match="out of range"):
        kernel.users_at(entered, moves, drops, 3, 0, 0, 1.0, np.empty(24))
    with pytest.raises(ValueError, match="out of range"):
        kernel.users_at(entered, moves, drops, 0, 190, 0, 1.0, np.empty(24))
    with pytest.raises(TypeError):
        kernel.users_at(entered.astype(np.int64), moves, drops, 0, 0, 0, 1.0, np.empty(24))
