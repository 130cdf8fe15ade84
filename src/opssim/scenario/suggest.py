"""Did-you-mean hints for misspelt keys, ids and choices.

Which keys and values are allowed where comes from the JSON Schema, walked along the data's
own path, so the hints follow the format without a second list to keep in step.
"""

from collections.abc import Iterable
from functools import cache
from typing import Any

from opssim.scenario.jsonschema import scenario_json_schema
from opssim.scenario.positions import Path


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices`` to ``word``, or ``""`` when none
    is a likely typo: a case slip, or at most one edit (a letter added, dropped, changed or two
    swapped) per three letters. A far-off guess (``landing`` → ``paying``) misleads more than
    it helps."""
    if not isinstance(word, str):
        return ""
    pool = [c for c in choices if c != word]
    lowered = {c.lower(): c for c in pool}
    if word.lower() in lowered:
        return f" (did you mean {lowered[word.lower()]!r}?)"
    allowed = max(1, len(word) // 3)
    scored = sorted((edits(word.lower(), c.lower()), i, c) for i, c in enumerate(pool))
    return f" (did you mean {scored[0][2]!r}?)" if scored and scored[0][0] <= allowed else ""


def edits(a: str, b: str) -> int:
    """The optimal-string-alignment distance: insertions, deletions, substitutions and swaps of
    two neighbouring letters needed to turn ``a`` into ``b``."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]


def allowed_keys(path: Path, data: Any) -> list[str]:
    """The keys the format allows in the mapping at ``path`` of ``data`` (empty when free)."""
    node = _node_at(path, data)
    return list(node.get("properties", {})) if node else []


def allowed_values(path: Path, data: Any) -> list[str]:
    """The string values the format allows at ``path`` (its enum), or an empty list."""
    node = _node_at(path, data)
    return [v for v in node.get("enum", []) if isinstance(v, str)] if node else []


@cache
def _schema() -> dict[str, Any]:
    return scenario_json_schema()


def _resolve(node: dict[str, Any], value: Any) -> dict[str, Any]:
    """Follow ``$ref``/``allOf`` and pick the ``anyOf`` branch that fits ``value``."""
    defs = _schema()["definitions"]
    for _ in range(20):
        if "$ref" in node:
            node = defs[node["$ref"].rsplit("/", 1)[-1]]
        elif "allOf" in node and "properties" not in node and "$ref" in node["allOf"][0]:
            node = node["allOf"][0]  # a reference, with rules beside it
        elif "anyOf" in node:
            branches = [_resolve(b, value) for b in node["anyOf"]]
            node = next((b for b in branches if _fits(b, value)), branches[0])
        else:
            return node
    return node


def _fits(node: dict[str, Any], value: Any) -> bool:
    kind = node.get("type")
    if isinstance(value, dict):
        return kind == "object"
    if isinstance(value, list):
        return kind == "array"
    if isinstance(value, str):
        return kind == "string"
    return kind not in ("object", "array", "string", "null") or (value is None and kind == "null")


def _node_at(path: Path, data: Any) -> dict[str, Any] | None:
    node: dict[str, Any] = _schema()
    value = data
    for part in path:
        node = _resolve(node, value)
        if isinstance(part, int) and isinstance(value, list):
            items = node.get("items", {})
            if isinstance(items, list):  # tuple validation: the first items, then the rest
                items = items[part] if part < len(items) else node.get("additionalItems", {})
            node = items
            value = value[part] if 0 <= part < len(value) else None
        elif isinstance(part, str) and isinstance(value, dict):
            props = node.get("properties", {})
            if part in props:
                node = props[part]
            else:
                extra = node.get("patternProperties", {})
                if not extra:
                    return None
                node = next(iter(extra.values()))
            value = value.get(part)
        else:
            return None
    return _resolve(node, value)
