"""clone: copy.deepcopy, faster — the same graph, nothing mutable shared with the original."""

import copy
import dataclasses
import types
from collections import defaultdict, deque
from types import MappingProxyType
from typing import Any

import numpy as np
import simpy

from opssim.model import Allocation
from opssim.scenario import Scenario
from opssim.scenario.schema.base import Model
from opssim.sim import HOURS_PER_WEEK, Engine
from opssim.sim.agenda import Action
from opssim.sim.clone import clone
from opssim.sim.departments import Request
from opssim.sim.workweek import Block


class Plain:
    def __init__(self, **kw: Any) -> None:
        self.__dict__.update(kw)

    def who(self) -> "Plain":
        return self


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self, a: Any, b: Any) -> None:
        self.a, self.b = a, b


class Hooked:
    def __init__(self, items: list) -> None:
        self.items = items

    def __deepcopy__(self, memo: dict) -> "Hooked":
        return Hooked(["hooked", *copy.deepcopy(self.items, memo)])


@dataclasses.dataclass
class Record:
    xs: list
    n: int = 0


def walk(a: Any, b: Any, seen_a: dict[int, int], seen_b: dict[int, int], path: str) -> None:
    """``a`` and ``b`` are the same graph: equal leaves, and an object met twice on one side
    is met twice (at the same places) on the other."""
    assert type(a) is type(b), path
    ia, ib = id(a), id(b)
    if ia in seen_a or ib in seen_b:
        assert seen_a.get(ia) == seen_b.get(ib), f"{path}: aliasing differs"
        return
    seen_a[ia] = seen_b[ib] = len(seen_a)
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), path
    elif isinstance(a, list | tuple | deque):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            walk(x, y, seen_a, seen_b, f"{path}[{i}]")
    elif isinstance(a, dict):
        assert list(a) == list(b), path
        for k in a:
            walk(a[k], b[k], seen_a, seen_b, f"{path}[{k!r}]")
    elif isinstance(a, types.MethodType):
        assert a.__func__ is b.__func__, path
        walk(a.__self__, b.__self__, seen_a, seen_b, f"{path}.__self__")
    elif isinstance(a, Model | simpy.Environment):
        assert a is b, path  # shared (the scenario) or given (a clock) on both sides
    elif hasattr(a, "__dict__") and not isinstance(a, type | types.FunctionType):
        walk(vars(a), vars(b), seen_a, seen_b, f"{path}.__dict__")
    elif hasattr(type(a), "__slots__"):
        for name in type(a).__slots__:
            walk(getattr(a, name, None), getattr(b, name, None), seen_a, seen_b,
                 f"{path}.{name}")
    else:
        assert a == b or (a != a and b != b), path


def same_graph(a: Any, b: Any) -> None:
    walk(a, b, {}, {}, "x")


def test_clone_is_deepcopy_on_every_kind_of_object() -> None:
    shared_list = [1, 2.5, "three"]
    arr = np.arange(12.0).reshape(3, 4)
    obj = Plain(a=shared_list, b=shared_list, arr=arr, view=arr[1:], t=(1, "x", None),
                tm=(shared_list, 2), d={"k": shared_list, ("t", 1): deque([[1], [2]], maxlen=5)},
                s=Slotted([1], {2: 3}), h=Hooked([shared_list]), r=Record([4, 5], 6),
                dd=defaultdict(list, {1: [2]}), fs=frozenset({1, 2}), st={3, 4},
                scalar=np.float64(1.5), f=len, cls=int)
    obj.me = obj.who  # a bound method of the object itself
    obj.cycle = [obj]
    same_graph(copy.deepcopy(obj), clone(obj, {}))
    mine = clone(obj, {})
    assert mine.a is mine.b and mine.a is not shared_list
    assert mine.me.__self__ is mine and mine.cycle[0] is mine
    assert mine.tm is not obj.tm and mine.t is obj.t  # a tuple copied only when it must be
    assert mine.h.items[0] == "hooked"  # a type's own __deepcopy__ is used


def test_clone_takes_the_memo_as_given() -> None:
    """Entries given beforehand are used as they are (how a fork swaps its clock, its log
    and its funnel's arrays)."""
    arr, log = np.zeros(3), ["old"]
    given = np.ones(3)
    obj = Plain(arr=arr, log=log, again=arr)
    mine = clone(obj, {id(arr): given, id(log): []})
    assert mine.arr is given and mine.again is given and mine.log == []


def test_immutable_records_are_shared_and_say_so(starter: Scenario) -> None:
    """The classes forks share (engine.py's ``shared``) return themselves from deepcopy."""
    for x in (Action(1, "engine", "_day", (1,)), Block("copy", 1.0, 2.0),
              Request("legal", "copy", 3, ("copy", "_publish", (0.5,))),
              Allocation(MappingProxyType({"copy": 1.0})), starter):
        assert copy.deepcopy(x) is x and clone(x, {}) is x


def _mid_run(sc: Scenario, seed: int) -> Engine:
    """A run in its third week with work under way (pieces, an event, requests, tickets)."""
    e = Engine(sc, seed, attribution=False)
    e.advance_to(2 * HOURS_PER_WEEK + 40)
    e.truth()
    assert len(e.agenda.pending) > 5
    return e


def test_a_runs_clone_is_its_deepcopy(starter: Scenario) -> None:
    """The whole state of a run mid-way: the same graph as copy.deepcopy makes."""
    e = _mid_run(starter, 3)
    env, streams = simpy.Environment(initial_time=e.env.now), e.streams.copy()
    memo = {id(e.env): env, id(e.events): [], id(e.streams): streams}
    same_graph(copy.deepcopy(e, dict(memo)), clone(e, dict(memo)))


#: What a fork shares with its run though it could change: the hours of weeks gone by
#: (never changed) and the streams' seed-word prefixes (the same for both, made on demand).
# Weeks gone by; caches of the streams' seed words (the same values for the same luck); what
# a run reads of its frozen scenario (Engine.derived, made once).
SHARED_BY_DESIGN = ("allocations[", "streams._prefix", "streams._entropy", "fork.derived")


def _reachable(x: Any, path: str, out: dict[int, tuple[Any, str]]) -> None:
    """Every object reachable from ``x`` (the scenario, classes and functions excluded)."""
    if id(x) in out or isinstance(x, Model | type | types.FunctionType | types.ModuleType):
        return
    if isinstance(x, int | float | str | bytes | bool | type(None) | np.generic):
        return
    out[id(x)] = (x, path)
    if isinstance(x, np.ndarray):
        if x.base is not None:
            _reachable(x.base, path + ".base", out)
        return
    if isinstance(x, dict | MappingProxyType):
        for k, v in x.items():
            _reachable(v, f"{path}[{k!r}]", out)
    elif isinstance(x, list | tuple | deque | set | frozenset):
        for i, v in enumerate(x):
            _reachable(v, f"{path}[{i}]", out)
    elif isinstance(x, types.MethodType):
        _reachable(x.__self__, path + ".__self__", out)
    else:
        for name in getattr(type(x), "__slots__", ()):
            if hasattr(x, name):
                _reachable(getattr(x, name), f"{path}.{name}", out)
        for name, v in getattr(x, "__dict__", {}).items():
            _reachable(v, f"{path}.{name}", out)


def _immutable(x: Any) -> bool:
    if isinstance(x, int | float | str | bytes | bool | type(None) | np.generic):
        return True
    if isinstance(x, tuple | frozenset):
        return all(_immutable(v) for v in x)
    # frozen records (a proxy: an Allocation's hours, read-only)
    return isinstance(x, Action | Block | Request | Allocation | MappingProxyType)


def test_a_fork_shares_nothing_mutable_with_its_run(starter: Scenario) -> None:
    """Whatever a run holds — including attributes added later — its forks (a plain one and
    replicas of other luck with funnels in one block) hold their own copy: an object both
    reach is immutable, or shared by design."""
    from opssim.sim.replicas import _fork

    e = _mid_run(starter, 5)
    mine: dict[int, tuple[Any, str]] = {}
    _reachable(e, "run", mine)
    for twin in [e.fork(), e.fork(run_index=9), *_fork(e, [11, 12, None], None)]:
        theirs: dict[int, tuple[Any, str]] = {}
        _reachable(twin, "fork", theirs)
        both = [theirs[i][1] for i in theirs.keys() & mine.keys()
                if not _immutable(theirs[i][0])
                and not any(s in theirs[i][1] for s in SHARED_BY_DESIGN)]
        assert not both, f"shared with the run: {sorted(both)[:5]}"
        assert len(theirs) > 100  # the walk did reach the state


def test_a_fork_has_every_attribute_of_its_run(starter: Scenario) -> None:
    """Nothing is dropped: the fork's objects are the run's, attribute for attribute."""
    e = _mid_run(starter, 6)
    twin = e.fork()
    for a, b in [(e, twin), *zip(e.works.values(), twin.works.values(), strict=True),
                 (e.funnel, twin.funnel), (e.rates, twin.rates), (e.agenda, twin.agenda),
                 (e.departments, twin.departments), (e.incidents, twin.incidents),
                 (e.state, twin.state), (e.specialist, twin.specialist)]:
        assert vars(a).keys() == vars(b).keys(), type(a).__name__
    assert twin.state.log.__self__ is twin and twin.agenda.resolve.__self__ is twin
    assert twin.departments.agenda is twin.agenda and twin.works["copy"].engine is twin
    assert [a for _, a in sorted(twin.agenda.pending.items())] == [
        a for _, a in sorted(e.agenda.pending.items())]
    assert len(twin.env._queue) == len(twin.agenda.pending)
