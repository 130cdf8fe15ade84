"""The agenda: every pending action of a run, as plain data on top of SimPy's event queue.

Work that is due later (a piece going stale, an event ending, a department answering) is an
``Action`` — who acts, which method, with which arguments — rather than a suspended generator.
That keeps a whole run copyable: :meth:`Engine.fork` copies the state and re-arms the agenda
on a fresh clock, which is how counterfactual reviews re-run a period from the same start.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import simpy
from simpy.events import NORMAL

from opssim.sim.clone import clone


@dataclass(frozen=True, slots=True)
class Action:
    """``owner.method(*args)`` at hour ``at``; ``owner`` names an object the engine resolves."""

    at: int
    owner: str
    method: str
    args: tuple[Any, ...] = ()  # plain immutable data (numbers, strings, frozen records)

    def __deepcopy__(self, memo: dict) -> "Action":
        return self  # immutable: copies of a run may share it


class _Due(simpy.events.Event):
    """An action's moment on the SimPy clock: a timeout already triggered, as SimPy's
    ``Timeout`` is, without its bookkeeping (an agenda makes one per action and a fork
    re-makes them all)."""

    _ok = True  # processed as a success ...
    _value = None  # ... with no value

    def __init__(self, seq: int, fire: Callable[[simpy.events.Event], None]) -> None:
        self.seq = seq
        self.callbacks = [fire]


class Agenda:
    """Pending actions in creation order; each fires through an event on the SimPy clock."""

    def __init__(self, env: simpy.Environment, resolve: Callable[[str], object],
                 after: Callable[[], None] = lambda: None) -> None:
        self.env = env
        self.resolve = resolve
        self.after = after  # called once each action is done
        self.pending: dict[int, Action] = {}  # by sequence number: in creation order
        self._next = 0  # the next action's sequence number

    def __deepcopy__(self, memo: dict) -> "Agenda":
        # The actions are immutable, so a copy needs only its own dict of them (a generic
        # deep copy rebuilt every action and its arguments at every fork).
        twin = Agenda.__new__(Agenda)
        memo[id(self)] = twin
        twin.env = clone(self.env, memo)
        twin.resolve = clone(self.resolve, memo)
        twin.after = clone(self.after, memo)
        twin.pending = dict(self.pending)
        twin._next = self._next
        return twin

    def schedule(self, delay: int, owner: str, method: str, *args: Any) -> None:
        """Call ``owner.method(*args)`` in ``delay`` whole hours."""
        seq = self._next
        self._next = seq + 1
        env = self.env
        action = Action(int(env.now) + delay, owner, method, args)
        if action.at < env.now:
            raise ValueError(f"negative delay {action.at - env.now}")
        self.pending[seq] = action
        env.schedule(_Due(seq, self._due), NORMAL, action.at - env.now)

    def rearm(self, env: simpy.Environment) -> None:
        """Move every pending action onto ``env`` (a copy's fresh clock), keeping their order:
        SimPy breaks ties by creation order, so re-creating them in sequence keeps it (the
        pending dict is in sequence order: numbers only grow)."""
        self.env = env
        now, due, schedule = env.now, self._due, env.schedule
        for seq, action in self.pending.items():
            schedule(_Due(seq, due), NORMAL, action.at - now)

    def _due(self, event: simpy.events.Event) -> None:
        self._fire(event.seq)  # type: ignore[attr-defined]

    def _fire(self, seq: int) -> None:
        action = self.pending.pop(seq)
        getattr(self.resolve(action.owner), action.method)(*action.args)
        self.after()
