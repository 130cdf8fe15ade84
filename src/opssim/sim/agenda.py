"""The agenda: every pending action of a run, as plain data on top of SimPy's event queue.

Work that is due later (a piece going stale, an event ending, a department answering) is an
``Action`` — who acts, which method, with which arguments — rather than a suspended generator.
That keeps a whole run copyable: :meth:`Engine.fork` copies the state and re-arms the agenda
on a fresh clock, which is how counterfactual reviews re-run a period from the same start.
"""

import copy
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import simpy


@dataclass(frozen=True, slots=True)
class Action:
    """``owner.method(*args)`` at hour ``at``; ``owner`` names an object the engine resolves."""

    at: int
    owner: str
    method: str
    args: tuple[Any, ...] = ()  # plain immutable data (numbers, strings, frozen records)

    def __deepcopy__(self, memo: dict) -> "Action":
        return self  # immutable: copies of a run may share it


class Agenda:
    """Pending actions in creation order; each fires through a SimPy timeout."""

    def __init__(self, env: simpy.Environment, resolve: Callable[[str], object],
                 after: Callable[[], None] = lambda: None) -> None:
        self.env = env
        self.resolve = resolve
        self.after = after  # called once each action is done
        self.pending: dict[int, Action] = {}
        self._seq = itertools.count()

    def __deepcopy__(self, memo: dict) -> "Agenda":
        # The actions are immutable, so a copy needs only its own dict of them (a generic
        # deep copy rebuilt every action and its arguments at every fork).
        twin = Agenda.__new__(Agenda)
        memo[id(self)] = twin
        twin.env = copy.deepcopy(self.env, memo)
        twin.resolve = copy.deepcopy(self.resolve, memo)
        twin.after = copy.deepcopy(self.after, memo)
        twin.pending = dict(self.pending)
        twin._seq = copy.copy(self._seq)
        return twin

    def schedule(self, delay: int, owner: str, method: str, *args: Any) -> None:
        """Call ``owner.method(*args)`` in ``delay`` whole hours."""
        seq = next(self._seq)
        action = Action(int(self.env.now) + delay, owner, method, args)
        self.pending[seq] = action
        self._arm(seq, action)

    def rearm(self, env: simpy.Environment) -> None:
        """Move every pending action onto ``env`` (a copy's fresh clock), keeping their order:
        SimPy breaks ties by creation order, so re-creating them in sequence keeps it."""
        self.env = env
        for seq, action in sorted(self.pending.items()):
            self._arm(seq, action)

    def _arm(self, seq: int, action: Action) -> None:
        timeout = self.env.timeout(action.at - self.env.now)
        timeout.callbacks.append(lambda _ev: self._fire(seq))

    def _fire(self, seq: int) -> None:
        action = self.pending.pop(seq)
        getattr(self.resolve(action.owner), action.method)(*action.args)
        self.after()
