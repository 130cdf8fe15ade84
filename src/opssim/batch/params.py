"""Scenario parameters by dotted path: ``funnel.stages.visit.convert``, ``channels.0.per_week``.

A path walks the scenario's schema: field names (as written in YAML), list items by ``id`` or
by index, mapping keys. It must end at a number. ``hours.DUTY`` is not a scenario field but
the weekly hours a constant policy gives ``DUTY``. Every changed scenario is validated again,
so a value the schema refuses (a conversion above 1) is a one-line :class:`ParamError`.
"""

import math
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from opssim.scenario import Scenario
from opssim.scenario.checks import cross_checks

HOURS_PREFIX = "hours."


class ParamError(ValueError):
    """A ``--param`` that names no number of the scenario, or a value it cannot take."""


@dataclass(frozen=True)
class Param:
    """One parameter to vary: its path, the values to try and the scenario's own value."""

    path: str
    values: tuple[float, ...]
    base: float | None
    integer: bool = False
    where: tuple[str | int, ...] = ()

    @property
    def duty(self) -> str | None:
        """The duty of an ``hours.DUTY`` parameter, else None."""
        return self.path[len(HOURS_PREFIX):] if self.path.startswith(HOURS_PREFIX) else None


def parse_param(text: str, scenario: Scenario, base_hours: Mapping[str, float] | None = None
                ) -> Param:
    """Parse ``PATH=V1,V2,...`` against ``scenario`` (raises :class:`ParamError`).

    ``base_hours`` are the base policy's constant weekly hours (for ``hours.DUTY``).
    """
    path, eq, raw = text.partition("=")
    path = path.strip()
    if not eq or not path or not raw.strip():
        raise ParamError(f"--param {text!r}: expected PATH=V1,V2,... "
                         "(e.g. funnel.stages.visit.convert=0.08,0.1,0.12)")
    if path.startswith(HOURS_PREFIX):
        duty = path[len(HOURS_PREFIX):]
        if duty not in scenario.duty_ids:
            raise ParamError(f"--param {path}: no duty {duty!r} to allocate "
                             f"(duties: {', '.join(scenario.duty_ids)})")
        if base_hours is None:
            raise ParamError(f"--param {path}: hours can only be swept under a constant policy "
                             "(plan, even, fixed:..., heavy:...)")
        values = _values(path, raw, integer=False)
        if any(v < 0 for v in values):
            raise ParamError(f"--param {path}: hours must be >= 0")
        return Param(path, values, base_hours.get(duty, 0.0))
    where, base, integer = resolve(scenario, path)
    return Param(path, _values(path, raw, integer), base, integer, where)


def resolve(scenario: Scenario, path: str) -> tuple[tuple[str | int, ...], float | None, bool]:
    """Where ``path`` leads in the scenario's data, the number there, and whether it is whole."""
    node: Any = scenario
    annotation: Any = None
    where: list[str | int] = []
    done: list[str] = []
    for part in path.split("."):
        here = ".".join(done) or "the scenario"
        if isinstance(node, BaseModel):
            fields = type(node).model_fields
            match = next((n for n, f in fields.items() if part in (n, f.alias)), None)
            if match is None:
                names = ", ".join(f.alias or n for n, f in fields.items())
                raise ParamError(f"--param {path}: {here} has no field {part!r} (fields: {names})")
            annotation = fields[match].annotation
            where.append(fields[match].alias or match)
            node = getattr(node, match)
        elif isinstance(node, list | tuple):
            index = _list_index(node, part)
            if index is None:
                ids = [str(getattr(x, "id", None) or getattr(x, "kpi", None)) for x in node
                       if getattr(x, "id", None) or getattr(x, "kpi", None)]
                hint = f"ids: {', '.join(ids)}; " if ids else ""
                raise ParamError(f"--param {path}: {here} has no item {part!r} "
                                 f"({hint}indices 0..{len(node) - 1})")
            where.append(index)
            node = node[index]
            annotation = None
        elif isinstance(node, Mapping):
            if part not in node and part.isdigit() and int(part) in node:
                part = int(part)  # a plan by week: plan.10.support
            if part not in node:
                keys = ", ".join(map(str, node)) or "none"
                raise ParamError(f"--param {path}: {here} has no key {part!r} (keys: {keys})")
            where.append(part)
            node = node[part]
            annotation = None
        else:
            raise ParamError(f"--param {path}: {here} is a value, it has no {part!r}")
        done.append(str(part))
    if isinstance(node, bool) or not (isinstance(node, int | float) or
                                      (node is None and _numeric(annotation))):
        kind = _kind(node)
        raise ParamError(f"--param {path}: not a number (it is {kind}); "
                         "only numeric fields can be varied")
    integer = isinstance(node, int) or (node is None and _numeric(annotation) == "int")
    return tuple(where), None if node is None else float(node), integer


def apply(scenario: Scenario, params: Sequence[Param], values: Sequence[float]) -> Scenario:
    """``scenario`` with each (non-hours) parameter set to its value, validated again."""
    data = scenario.model_dump(mode="json", by_alias=True)
    changed = []
    for p, v in zip(params, values, strict=True):
        if p.duty is not None:
            continue
        node = data
        for key in p.where[:-1]:
            node = node[str(key) if isinstance(node, dict) and key not in node else key]
        node[p.where[-1]] = int(v) if p.integer else float(v)  # (JSON: a week's key is "5")
        changed.append(f"{p.path}={_fmt(v)}")
    if not changed:
        return scenario
    what = "--param " + ", ".join(changed)
    try:
        new = Scenario.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = ".".join(str(x) for x in err["loc"])
        raise ParamError(f"{what}: {loc}: {err['msg']}") from None
    problems = list(cross_checks(new))
    if problems:
        loc, msg = problems[0]
        raise ParamError(f"{what}: {'.'.join(map(str, loc))}: {msg}")
    return new


def _values(path: str, raw: str, integer: bool) -> tuple[float, ...]:
    out: list[float] = []
    for item in raw.split(","):
        try:
            v = float(item)
        except ValueError:
            raise ParamError(f"--param {path}: {item.strip()!r} is not a number") from None
        if not math.isfinite(v):
            raise ParamError(f"--param {path}: {item.strip()!r} is not a finite number")
        if integer and v != int(v):
            raise ParamError(f"--param {path}: takes whole numbers, got {item.strip()}")
        if v in out:
            raise ParamError(f"--param {path}: value {item.strip()} given twice")
        out.append(v)
    return tuple(out)


def _list_index(node: Sequence[Any], part: str) -> int | None:
    for i, item in enumerate(node):
        if part in (getattr(item, "id", None), getattr(item, "kpi", None)):
            return i
    if part.isdigit() and int(part) < len(node):
        return int(part)
    return None


def _numeric(annotation: Any) -> str | None:
    """``'int'`` or ``'float'`` when ``annotation`` (maybe Optional/Annotated) is a number."""
    args = [annotation]
    while args:
        a = args.pop()
        if a is int:
            return "int"
        if a is float:
            return "float"
        if typing.get_origin(a) in (typing.Union, types.UnionType, typing.Annotated):
            args.extend(typing.get_args(a))
    return None


def _kind(node: Any) -> str:
    if node is None:
        return "unset"
    if isinstance(node, bool):
        return "true/false"
    if isinstance(node, str):
        return f"the text {node!r}"
    if isinstance(node, BaseModel | Mapping):
        return "a group of fields: name one of them"
    if isinstance(node, list | tuple):
        return "a list: name an item"
    return type(node).__name__


def _fmt(v: float) -> str:
    return f"{v:g}"
