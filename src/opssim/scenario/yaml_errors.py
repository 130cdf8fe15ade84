"""YAML syntax errors that say what to do: the line that went wrong and the fix.

The YAML reader reports where it gave up, which is often lines after the mistake and in its
own words (``expected <block end>, but found '<block mapping start>'``). :func:`explain` turns
the common mistakes into a line an author can act on:

* a tab in the indentation: "tabs are not allowed for indentation: use spaces";
* a line indented unlike its block: the line where the block went wrong, with the columns;
* an unquoted ``: `` inside a value: "put the value in quotes".

For an unquoted colon it also returns the text repaired the obvious way (the value quoted), so
the loader can read on and report later problems in the same pass; every tab-indented line is
found by a plain scan of the text.
"""

import re
from dataclasses import dataclass

#: A block mapping line: indentation, an optional list dash, a plain key and its colon.
_KEY_LINE = re.compile(r"^(?P<lead>\s*(?:-\s+)?)(?P<key>[A-Za-z_][\w.-]*):(?=\s|$)")

TABS = "tabs are not allowed for indentation: use spaces"

#: What to add when the reader stopped and could not read on.
LATER = "(fix this first: the lines after it are checked once it is fixed)"


@dataclass(frozen=True)
class Explained:
    """A syntax error: 1-based line and column, the message, and the text with this mistake
    repaired (None when there is no obvious repair)."""

    line: int
    col: int
    message: str
    repaired: str | None = None


def explain(text: str, problem: str, line: int, col: int) -> Explained:
    """What the reader's ``problem`` at 1-based ``line``, ``col`` of ``text`` means."""
    lines = text.split("\n")
    if "\\t" in problem:  # the reader writes the tab as '\t'
        return _tab(lines, line, col)
    if problem.startswith("mapping values are not allowed"):
        return _colon(lines, line, col, problem)
    if problem.startswith("expected <block end>"):
        return _indentation(lines, line, col, problem)
    return Explained(line, col, problem)


def _tab(lines: list[str], line: int, col: int) -> Explained:
    if line not in _leading_tabs(lines):
        return Explained(line, col, "a tab where YAML expects a value or a key: use spaces")
    return Explained(line, col, TABS)


def tab_lines(text: str) -> list[int]:
    """1-based numbers of the lines indented with a tab."""
    return sorted(_leading_tabs(text.split("\n")))


def _leading_tabs(lines: list[str]) -> set[int]:
    return {n for n, s in enumerate(lines, start=1) if "\t" in s[: len(s) - len(s.lstrip())]}


def _colon(lines: list[str], line: int, col: int, problem: str) -> Explained:
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    key = _KEY_LINE.match(text)
    if key and col - 1 > key.end() - 1:
        # A second ": " after the key's own: it belongs to the value.
        start = key.end()
        value = text[start:].strip()
        hint = "a colon followed by a space inside a value: put the value in quotes"
        if value and value[0] not in "\"'{[|>&*!#":
            comment = ""
            if " #" in value:
                value, comment = value.split(" #", 1)
                value, comment = value.rstrip(), "  #" + comment
            quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
            fixed = f"{text[:start]} {quoted}{comment}"
            repaired = [*lines[: line - 1], fixed, *lines[line:]]
            return Explained(line, col, f'{hint} ({key.group("key")}: {quoted})',
                             "\n".join(repaired))
        return Explained(line, col, hint)
    if key:
        # The key itself cannot start here: the line is indented under a plain value.
        prev = _previous_content(lines, line)
        if prev is not None:
            return _stepped_out(lines, prev, line) or _under_a_value(lines, prev, line)
    return Explained(line, col, f"{problem}: if the value holds ': ', put it in quotes")


def _indentation(lines: list[str], line: int, col: int, problem: str) -> Explained:
    here = _indent(lines[line - 1]) if 0 < line <= len(lines) else col - 1
    prev = _previous_content(lines, line)
    if prev is None:
        return Explained(line, col, problem)
    before = _indent(lines[prev - 1])
    if before < here:
        return _stepped_out(lines, prev, line) or _under_a_value(lines, prev, line)
    first = prev
    while (earlier := _previous_content(lines, first)) is not None and (
            _indent(lines[earlier - 1]) == before):
        first = earlier
    span = f"line {first}" if first == prev else f"lines {first}-{prev}"
    return Explained(first, before + 1, (
        f"{span} {'is' if first == prev else 'are'} indented {before} spaces but line {line}, "
        f"in the same block, is indented {here}: give the lines of a block the same "
        "indentation"))


def _under_a_value(lines: list[str], prev: int, line: int) -> Explained:
    """The line ``line`` is indented under ``prev``, a key that already has its value; or
    ``prev`` is the one out of place, the first line of a block left unindented."""
    opener = _previous_content(lines, prev)
    if opener is not None and _indent(lines[opener - 1]) == _indent(lines[prev - 1]) and (
            lines[opener - 1].split(" #")[0].rstrip().endswith(":")):
        here = _indent(lines[line - 1])
        return Explained(prev, 1, (
            f"line {prev} is not indented under line {opener}, which opens a block, but line "
            f"{line} is: indent line {prev} like line {line} ({here} spaces)"))
    return Explained(line, 1, (
        f"line {line} is indented {_indent(lines[line - 1])} spaces, under line {prev}, which "
        f"already has a value: indent it like line {prev} ({_indent(lines[prev - 1])} "
        f"spaces), or make line {prev} a block (nothing after its colon)"))


def _stepped_out(lines: list[str], prev: int, line: int) -> Explained | None:
    """The line ``prev`` stepped out of its block (indented less than the lines before and
    after it), so ``line`` could not carry on inside; None when that is not the shape."""
    here, before = _indent(lines[line - 1]), _indent(lines[prev - 1])
    earlier = _previous_content(lines, prev)
    if earlier is None or not before < here <= _indent(lines[earlier - 1]):
        return None
    if any(not lines[n - 1].strip() for n in range(earlier + 1, prev)):
        return None  # a blank line before it: a new section, more likely meant where it is
    return Explained(prev, before + 1, (
        f"line {prev} is indented {before} spaces, less than the lines around it (line "
        f"{line}: {here}): it ends the block above; indent it like its neighbours"))


def _previous_content(lines: list[str], line: int) -> int | None:
    """1-based number of the nearest line before ``line`` that holds more than a comment."""
    for n in range(line - 1, 0, -1):
        stripped = lines[n - 1].strip()
        if stripped and not stripped.startswith("#"):
            return n
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))
