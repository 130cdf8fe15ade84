"""A deep copy of a run's state, made fast: :func:`clone` is ``copy.deepcopy`` for the kinds of
objects an engine holds, several times cheaper.

``copy.deepcopy`` copies any object through a generic protocol (``__reduce_ex__``, then the
state rebuilt item by item), which made copying a run (:meth:`Engine.fork`, some hundreds of
objects, most of them numbers, strings and frozen records) cost as much as stepping it a day.
Here each type's way of copying is worked out once and kept: shared (immutable), an array's
``copy``, a list, tuple, dict or deque rebuilt from its items' copies, a plain object's
``__dict__`` cloned item by item, a type's own ``__deepcopy__`` called; any other type goes
through ``copy.deepcopy`` itself. So whatever an attribute holds, it is copied as deeply as
``copy.deepcopy`` would — never shared unless its type is immutable — and a copy is the same
graph as ``copy.deepcopy`` makes (the tests compare the two).
"""

import copy
import copyreg
import types
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np

Memo = dict[int, Any]
Copier = Callable[[Any, Memo], Any]


def clone(x: Any, memo: Memo) -> Any:
    """``copy.deepcopy(x, memo)``, faster: ``memo`` maps ``id`` of originals to their copies
    (entries given beforehand are used as they are)."""
    t = type(x)
    f = _COPIERS.get(t)
    if f is _share:
        return x
    y = memo.get(id(x), _MISSING)
    if y is not _MISSING:
        return y
    if f is None:
        f = _COPIERS[t] = _copier(t)
    return f(x, memo)


_MISSING = object()


def _share(x: Any, memo: Memo) -> Any:
    return x


def _array(x: np.ndarray, memo: Memo) -> np.ndarray:
    if x.dtype.hasobject:  # items that are objects: copied one by one
        return copy.deepcopy(x, memo)
    y = memo[id(x)] = x.copy(order="K")  # as ndarray.__deepcopy__ lays it out
    return y


def _list(x: list, memo: Memo) -> list:
    y: list = []
    memo[id(x)] = y  # before its items, which may hold it
    get = _COPIERS.get
    y += [v if get(type(v)) is _share else clone(v, memo) for v in x]
    return y


def _tuple(x: tuple, memo: Memo) -> tuple:
    get = _COPIERS.get
    for v in x:
        if get(type(v)) is not _share:
            break
    else:
        return x  # nothing inside needs a copy: as deepcopy, the tuple itself
    y = tuple([v if get(type(v)) is _share else clone(v, memo) for v in x])
    for a, b in zip(x, y, strict=True):
        if a is not b:
            memo[id(x)] = y
            return y
    return x


def _dict(x: dict, memo: Memo) -> dict:
    y: dict = {}
    memo[id(x)] = y
    get = _COPIERS.get
    for k, v in x.items():
        if get(type(k)) is not _share:
            k = clone(k, memo)
        y[k] = v if get(type(v)) is _share else clone(v, memo)
    return y


def _deque(x: deque, memo: Memo) -> deque:
    y: deque = deque(maxlen=x.maxlen)
    memo[id(x)] = y
    y.extend(clone(v, memo) for v in x)
    return y


def _method(x: types.MethodType, memo: Memo) -> types.MethodType:
    return types.MethodType(x.__func__, clone(x.__self__, memo))


def _object(x: Any, memo: Memo) -> Any:
    """A plain object (its state is its ``__dict__``): a new one with the items cloned."""
    t = type(x)
    y = t.__new__(t)
    memo[id(x)] = y
    d = x.__dict__.copy()  # the shared items as they are; the others replaced by copies
    get = _COPIERS.get
    for k, v in d.items():
        if get(type(v)) is not _share:
            d[k] = clone(v, memo)
    y.__dict__.update(d)
    return y


def _hook(x: Any, memo: Memo) -> Any:
    y = x.__deepcopy__(memo)
    if y is not x:
        memo[id(x)] = y
    return y


def _generic(x: Any, memo: Memo) -> Any:
    return copy.deepcopy(x, memo)


#: Types that are never copied: deepcopy's atomic types.
_ATOMIC = (type(None), type(Ellipsis), type(NotImplemented), int, float, bool, complex, bytes,
           str, types.CodeType, type, range, types.BuiltinFunctionType, types.FunctionType,
           property, weakref.ref)

_BASE: dict[type, Copier] = dict.fromkeys(_ATOMIC, _share) | {
    np.ndarray: _array, list: _list, tuple: _tuple, dict: _dict, deque: _deque,
    types.MethodType: _method,
}
#: Each type's copier, worked out the first time one is copied.
_COPIERS = dict(_BASE)


#: Classes whose instances (and their subclasses') are immutable: ``__deepcopy__`` returns
#: the instance itself, so a copy shares them without asking.
_SHARED: set[type] = set()


def shared(*classes: type) -> None:
    """Say that instances of ``classes`` are immutable, and copies may share them (each
    class's ``__deepcopy__`` returns the instance itself: the tests check it)."""
    _SHARED.update(classes)
    _COPIERS.clear()  # worked out again, with these shared
    _COPIERS.update(_BASE)


def _copier(t: type) -> Copier:
    """How to copy an instance of ``t`` as ``copy.deepcopy`` would."""
    if (issubclass(t, type) or (issubclass(t, np.generic) and t is not np.object_)
            or not _SHARED.isdisjoint(t.__mro__)):
        return _share  # classes; numpy's scalars; immutable records
    if t in copy._deepcopy_dispatch:  # type: ignore[attr-defined]  # deepcopy's own rules
        return _generic
    if getattr(t, "__deepcopy__", None) is not None:
        return _hook
    return _object if _plain(t) else _generic


def _plain(t: type) -> bool:
    """Whether deepcopy would copy ``t``'s instances as a new object with a deep copy of
    their ``__dict__`` and nothing else (no slots, no custom pickling, no copyreg entry)."""
    if t in copyreg.dispatch_table:
        return False
    slots = (vars(c).get("__slots__", ()) for c in t.__mro__)
    if any(n not in ("__dict__", "__weakref__")
           for names in slots for n in ([names] if isinstance(names, str) else names)):
        return False  # state in slots (typing.Generic's empty ones hold none)
    return (t.__reduce_ex__ is object.__reduce_ex__ and t.__reduce__ is object.__reduce__
            and getattr(t, "__getstate__", object.__getstate__) is object.__getstate__
            and not hasattr(t, "__setstate__") and t.__new__ is object.__new__
            and type(t) is type and "__dict__" in dir(t))
