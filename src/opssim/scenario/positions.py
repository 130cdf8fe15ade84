"""Turn a ruamel.yaml round-trip tree into plain Python data plus a map of source positions.

Pydantic validates the plain data; the position map lets each error name its line and column.
Walking the tree also enforces caps, so an alias bomb or a deep nest fails fast.
"""

from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar

Path = tuple[str | int, ...]

#: Values a scenario may hold, aliases expanded (the shipped ones hold under 300; the format's
#: own list caps allow about 3,000). Parsing is ~0.1 ms a value, so this bounds it too.
MAX_NODES = 10_000
MAX_DEPTH = 32


class KeyPath(tuple):
    """A path whose error is about the mapping key itself (an unknown id used as a key)."""

    __slots__ = ()


class TreeError(Exception):
    """The YAML tree is not plain scenario data; ``path`` says where."""

    def __init__(self, path: Path, message: str) -> None:
        self.path = path
        self.positions = Positions()
        super().__init__(message)


@dataclass
class Positions:
    """1-based (line, col) of each value and, inside mappings, of each key."""

    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def find(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Position of ``path`` (of its key when ``key`` or when it is a :class:`KeyPath`), or
        of its nearest ancestor that has one."""
        table = self.keys if key or isinstance(path, KeyPath) else self.values
        for cut in range(len(path), -1, -1):
            head = path[:cut]
            if head in table:
                return table[head]
            if head in self.values:
                return self.values[head]
        return (1, 1)


def to_plain(root: Any) -> tuple[Any, Positions]:
    """Return ``root`` as plain dicts, lists and scalars, with its positions."""
    pos = Positions(values={(): (1, 1)})
    count = 0

    def walk(node: Any, path: Path, depth: int) -> Any:
        nonlocal count
        count += 1
        if count > MAX_NODES:
            raise TreeError(path, f"scenario too large: more than {MAX_NODES} values")
        if depth > MAX_DEPTH:
            raise TreeError(path, f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(node, TaggedScalar) or _explicit_tag(node):
            raise TreeError(path, "YAML tags are not allowed in scenario files")
        if isinstance(node, CommentedMap):
            here = pos.values.get(path, (1, 1))
            out: dict[Any, Any] = {}
            for k in node:
                week_key = path == ("plan",) and isinstance(k, int) and not isinstance(k, bool)
                # A plan given by week is the one mapping keyed by numbers (its weeks).
                sub = (*path, k if week_key else str(k))
                # Merged (<<) and !!omap keys carry no position: use the mapping's own.
                pos.keys[sub] = _mark(node.lc.key, k, here)
                pos.values[sub] = _mark(node.lc.value, k, pos.keys[sub])
                if not isinstance(k, str) and not week_key:
                    raise TreeError(KeyPath(sub), f"keys must be strings, got {k!r}")
                out[k] = walk(node[k], sub, depth + 1)
            return out
        if isinstance(node, CommentedSeq):
            items = []
            here = pos.values.get(path, (1, 1))
            for i, item in enumerate(node):
                pos.values[(*path, i)] = _mark(node.lc.item, i, here)
                items.append(walk(item, (*path, i), depth + 1))
            return items
        if node is None or isinstance(node, bool):
            return node
        if isinstance(node, int):
            return int(node)
        if isinstance(node, float):
            return float(node)
        if isinstance(node, str):
            return str(node)
        raise TreeError(
            path, f"unsupported value ({type(node).__name__}): quote it to make it a string"
        )

    try:
        return walk(root, (), 0), pos
    except TreeError as exc:
        exc.positions = pos
        raise


def _explicit_tag(node: Any) -> bool:
    """Whether a mapping or list carries an explicit tag such as ``!!python/object``."""
    tag = getattr(node, "tag", None)
    return tag is not None and getattr(tag, "value", None) is not None


def _mark(lookup: Any, key: Any, fallback: tuple[int, int]) -> tuple[int, int]:
    """1-based (line, col) from a ruamel ``lc`` lookup, or ``fallback`` when it has none."""
    try:
        found = lookup(key)
    except (KeyError, IndexError, TypeError):
        found = None
    return (found[0] + 1, found[1] + 1) if found else fallback
