"""Load a scenario file: YAML 1.2 (ruamel round-trip) → plain data → validated ``Scenario``.

Every problem becomes an :class:`ErrorLine` with file, line and column; all are reported at once.
"""

import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path as FsPath

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer, ComposerError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode

from opssim.safeio import display_path, read_regular
from opssim.scenario.checks import cross_checks
from opssim.scenario.errors import ErrorLine, ScenarioError
from opssim.scenario.positions import MAX_DEPTH, MAX_NODES, Path, Positions, TreeError, to_plain
from opssim.scenario.references import reference_checks
from opssim.scenario.schema import Scenario
from opssim.scenario.suggest import allowed_keys, allowed_values, did_you_mean
from opssim.scenario.yaml_errors import LATER, TABS, explain, tab_lines

#: Largest scenario file accepted, in bytes.
MAX_FILE_BYTES = 1_000_000

#: Longest line accepted, in characters (texts are at most 2,000). The YAML reader gathers a
#: comment a character at a time, which turns quadratic on a megabyte-long line.
MAX_LINE_CHARS = 10_000

DEFAULT_SCENARIO = "starter"


def default_scenario_path() -> FsPath:
    """The scenario played when none is named (shipped inside the package)."""
    return FsPath(str(resources.files("opssim") / "scenarios" / f"{DEFAULT_SCENARIO}.yaml"))


@dataclass(frozen=True)
class Located:
    """A validated scenario with the file name and source positions of its values."""

    scenario: Scenario
    name: str
    positions: Positions

    def where(self, path: Path) -> tuple[int, int]:
        """1-based (line, col) of ``path`` (a tuple of keys and indexes), or of its nearest
        ancestor written in the file."""
        return self.positions.find(path)


def load_scenario(path: str | FsPath) -> Scenario:
    """Read and validate the scenario at ``path``; raise :class:`ScenarioError` on any problem."""
    return load_located(path).scenario


def load_located(path: str | FsPath) -> Located:
    """Like :func:`load_scenario`, keeping the positions of values for later messages."""
    name = display_path(path)
    p = FsPath(path)
    try:
        raw = read_regular(p, MAX_FILE_BYTES)  # a FIFO or /dev/zero is refused, not read
    except FileNotFoundError:
        raise ScenarioError([ErrorLine(name, 1, 1, "(file)", "no such file")]) from None
    except OSError as exc:
        raise ScenarioError([ErrorLine(name, 1, 1, "(file)", exc.strerror or str(exc))]) from None
    return parse_located(raw, name)


def parse_scenario(raw: bytes | str, name: str = "<scenario>") -> Scenario:
    """Validate scenario text ``raw``; ``name`` labels the error lines."""
    return parse_located(raw, name).scenario


def parse_located(raw: bytes | str, name: str = "<scenario>") -> Located:
    """Validate scenario text ``raw`` and keep its positions; ``name`` labels the errors."""
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(
            [ErrorLine(name, 1, 1, "(file)", f"file larger than {MAX_FILE_BYTES:,} bytes")]
        )
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise ScenarioError([ErrorLine(name, line, 1, "(file)", "not valid UTF-8")]) from None
    for n, text in enumerate(raw.split("\n"), start=1):
        if len(text) > MAX_LINE_CHARS:
            raise ScenarioError([ErrorLine(name, n, MAX_LINE_CHARS + 1, "(file)",
                                           f"line longer than {MAX_LINE_CHARS:,} characters")])
    tree, syntax = _read_yaml(raw, name)
    if syntax:
        raise ScenarioError(syntax)
    return _validate_tree(tree, name)


#: Syntax errors read past (each repaired the obvious way) before the loader stops.
MAX_SYNTAX_ERRORS = 10


def _read_yaml(text: str, name: str) -> tuple[object, list[ErrorLine]]:
    """The YAML tree of ``text``, or the syntax errors. After a mistake with an obvious repair
    (an unquoted colon) it reads on from the repaired text, so one pass shows several; a tab
    names every tab-indented line; otherwise it stops, saying that later lines are checked once
    this one is fixed. The schema is checked only once the YAML reads as written: errors found
    in a repaired text would be the repair's."""
    syntax: list[ErrorLine] = []
    while True:
        try:
            reader = yaml_reader()
            tree = reader.load(text)
            if reader.composer.tagged and not syntax:  # tags, found and dropped unbuilt
                raise ScenarioError(_tag_errors(reader.composer.tagged, tree, name))
            return tree, syntax
        except MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            problem = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
            found = explain(text, problem, line, col)
            capped = isinstance(exc, ComposerError)  # a cap or a duplicate: not a typo to read past
        except (YAMLError, RecursionError, ValueError) as exc:
            syntax.append(ErrorLine(name, 1, 1, "(yaml)", str(exc).splitlines()[0]))
            raise ScenarioError(syntax) from None
        if found.message == TABS:
            tabbed = tab_lines(text)
            shown = tabbed[:MAX_SYNTAX_ERRORS]
            extra = len(tabbed) - len(shown)
            more = f" (and {extra} more lines)" if extra else ""
            syntax += [ErrorLine(name, n, 1, "(yaml)", TABS) for n in shown[:-1]]
            syntax.append(ErrorLine(name, shown[-1], 1, "(yaml)", TABS + more))
        else:
            syntax.append(ErrorLine(name, found.line, found.col, "(yaml)", found.message))
        if found.repaired in (None, text) or len(syntax) >= MAX_SYNTAX_ERRORS:
            end = text.find("\n", _offset(text, line))
            if end >= 0 and text[end:].strip() and not capped:
                last = syntax.pop()
                syntax.append(ErrorLine(name, last.line, last.col, last.path,
                                        f"{last.message} {LATER}"))
            raise ScenarioError(syntax)
        text = found.repaired


def _offset(text: str, line: int) -> int:
    """Index of the start of 1-based ``line`` in ``text``."""
    at = 0
    for _ in range(line - 1):
        at = text.find("\n", at) + 1
    return at


def yaml_reader() -> YAML:
    """The YAML reader of scenario text (round trip: comments kept for writing it back)."""
    # The round-trip loader builds only plain maps, lists and scalars (YAML 1.2, duplicate keys
    # rejected); the composer drops and reports every tag before anything is constructed, so
    # no scenario can construct Python objects or other types (!!set, !!omap).
    reader = YAML(typ="rt")
    reader.Composer = _CappedComposer
    # The composer rejects duplicate keys itself: ruamel's own check prints the values, and
    # the repr of an aliased value can be exponentially large (a "billion laughs" key).
    reader.allow_duplicate_keys = True
    return reader


def _validate_tree(tree: object, name: str) -> Located:
    """Validate the YAML ``tree``: plain data, then the schema and every check."""
    try:
        data, pos = to_plain(tree)
    except TreeError as exc:
        line, col = exc.positions.find(exc.path)
        raise ScenarioError([ErrorLine(name, line, col, _dotted(exc.path), str(exc))]) from None
    if not isinstance(data, dict):
        raise ScenarioError([ErrorLine(name, 1, 1, "(root)", "a scenario must be a YAML mapping")])
    data = whole_numbers(data)
    scenario, invalid, found = check_plain(data)
    problems = _from_pydantic(invalid, data, pos, name) if invalid else []
    seen = {(e.path, e.message) for e in problems}
    for path, msg in found:
        line = _at(name, pos, path, msg, key=_is_id_key(path, data))
        if (line.path, line.message) not in seen:
            seen.add((line.path, line.message))
            problems.append(line)
    if problems or scenario is None:
        raise ScenarioError(problems)
    return Located(scenario, name, pos)


def check_plain(data: dict) -> tuple[Scenario | None, ValidationError | None,
                                      list[tuple[Path, str]]]:
    """Validate plain scenario ``data``: the scenario (None when invalid), pydantic's errors,
    and the findings of the cross-reference and cross-section checks."""
    try:
        scenario, invalid = Scenario.model_validate(data), None
    except ValidationError as exc:
        scenario, invalid = None, exc
    # Cross-references read plain data, so they are reported alongside schema errors.
    found = [*reference_checks(data), *(cross_checks(scenario) if scenario else ())]
    return scenario, invalid, found


def whole_numbers(data: object) -> object:
    """``data`` with every whole float (``16.0``) made an int: JSON Schema counts 16.0 as an
    integer, so the validator does too (a float field takes the int as it is)."""
    if isinstance(data, dict):
        return {k: whole_numbers(v) for k, v in data.items()}
    if isinstance(data, list):
        return [whole_numbers(v) for v in data]
    if isinstance(data, float) and data.is_integer():
        return int(data)
    return data


class _CappedComposer(Composer):
    """ruamel's composer, stopped past :data:`MAX_NODES` values or :data:`MAX_DEPTH` levels:
    the round-trip parser takes ~0.1 ms a node, so without a cap here a 1 MB file of tiny
    values parses for half a minute before :func:`to_plain` could count them. Reused anchors
    are allowed without a warning (the last one wins, as YAML says): only error lines reach
    stderr."""

    def __init__(self, loader: object = None) -> None:
        super().__init__(loader)
        self.warn_double_anchors = False
        self.nodes = 0
        self.tagged: list[tuple[int, int, str]] = []  # (line, col, tag) of each tag dropped

    def compose_node(self, parent: object, index: object) -> object:
        # A mapping's key is composed with index None: keys are not values.
        if not (index is None and isinstance(parent, MappingNode)):
            self.nodes += 1
        event = self.parser.peek_event()
        if getattr(event, "ctag", None) is not None:
            # Every tag is refused, and dropped here, before construction, so !!set or !!omap
            # cannot build other types: the node is composed as plain data and the error
            # names its path once the positions are known.
            mark = event.start_mark
            self.tagged.append((mark.line + 1, mark.column + 1, _short_tag(event.ctag)))
            event.ctag = None
        if self.nodes > MAX_NODES or self.depth > MAX_DEPTH:
            problem = (f"scenario too large: more than {MAX_NODES} values"
                       if self.depth <= MAX_DEPTH else f"nested deeper than {MAX_DEPTH} levels")
            raise ComposerError(None, None, problem, self.parser.peek_event().start_mark)
        return super().compose_node(parent, index)

    def compose_mapping_node(self, anchor: object) -> MappingNode:
        node = super().compose_mapping_node(anchor)
        first: dict[object, object] = {}
        for key, _value in node.value:
            if not isinstance(key, ScalarNode):
                continue  # complex keys are refused later, by to_plain
            seen = first.setdefault((getattr(key.tag, "value", key.tag), key.value), key)
            if seen is not key:
                raise ComposerError(
                    "while composing a mapping", node.start_mark,
                    f'found duplicate key "{key.value}" (first at line '
                    f"{seen.start_mark.line + 1})",  # type: ignore[attr-defined]
                    key.start_mark,
                )
        return node


def _tag_errors(tagged: list[tuple[int, int, str]], tree: object,
                name: str) -> list[ErrorLine]:
    """One error line per tag, at the tagged value, naming its path when it can be found."""
    try:
        _, pos = to_plain(tree)
    except TreeError as exc:  # another problem too: the positions found before it
        pos = exc.positions
    paths: dict[tuple[int, int], Path] = {}
    for path, at in pos.values.items():  # the first path at a place (an alias shares it)
        paths.setdefault(at, path)
    return [ErrorLine(name, line, col, _dotted(paths.get((line, col), ())),
                      f"YAML tags are not allowed in scenario files (found {tag}): quote the "
                      "value to make it a string")
            for line, col, tag in tagged]


def _short_tag(tag: object) -> str:
    text = str(getattr(tag, "value", tag))[:60]
    return "!!" + text.removeprefix("tag:yaml.org,2002:") if text.startswith("tag:yaml.org,") \
        else text


#: (section, keys) added to the format after it first shipped; see :func:`scenario_hash`.
_LATER_KEYS = ((("reviews", "targets"), ("to_week", "price")), (("calendar",), ("id",)))


def scenario_hash(sc: Scenario) -> str:
    """A short hash of what the scenario simulates (not its comments, layout or ``expect``)."""
    content = sc.model_dump(mode="json", by_alias=True, exclude={"expect"})
    # Keys added to the format later are left out while unset, so that a file written before
    # them keeps its hash (saves and stored runs are matched by it).
    for section, keys in _LATER_KEYS:
        for item in content[section[0]] if len(section) == 1 else content[section[0]][section[1]]:
            for key in keys:
                if item.get(key) is None:
                    item.pop(key, None)
    if not content.get("incidents"):  # added later too: a file without any keeps its hash
        content.pop("incidents", None)
    canon = json.dumps(content, sort_keys=True)
    return hashlib.sha256(canon.encode()).hexdigest()[:16]


def _from_pydantic(exc: ValidationError, data: dict, pos: Positions, name: str) -> list[ErrorLine]:
    out = []
    for err in exc.errors(include_url=False):
        path = _data_path(err["loc"], data)
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown key" + did_you_mean(path[-1], allowed_keys(path[:-1], data))
            line, col = pos.find(path, key=True)
        elif err["type"] == "missing":
            line, col = pos.find(path[:-1])
            message = "missing required key"
        else:
            line, col = pos.find(path)
            if err["type"].endswith("_type"):
                message = f"{message}, got {_yaml_type(err['input'])}"
            elif err["type"] == "literal_error":
                message += did_you_mean(err["input"], allowed_values(path, data))
            elif err["type"] == "less_than_equal":
                message += _percent_hint(err["input"], err.get("ctx", {}).get("le"))
        out.append(ErrorLine(name, line, col, _dotted(path), message))
    return out


def _percent_hint(value: object, bound: object) -> str:
    """`` (did you mean 0.06? shares are 0..1, not percent)`` for a share written as a
    percentage (``convert: 6``), else ``""``."""
    if (bound == 1 and isinstance(value, int | float) and not isinstance(value, bool)
            and 1 < value <= 100):
        return f" (did you mean {value / 100:g}? shares are 0..1, not percent)"
    return ""


def _data_path(loc: tuple, data: object) -> Path:
    """Drop pydantic's own loc entries (validator names, union tags) that are not data keys."""
    path: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            path.append(part)
            node = node[part]
        elif last and isinstance(part, str) and isinstance(node, dict):
            path.append(part)  # a missing key
        # else: a validator or union tag, not part of the document
    return tuple(path)


def _is_id_key(path: Path, data: object) -> bool:
    """Whether ``path`` ends in a key of a free-form mapping (plan, locked, …): an id, so an
    error about it points at the key, not its value."""
    return bool(path) and isinstance(path[-1], str) and not allowed_keys(path[:-1], data)


def _at(name: str, pos: Positions, path: Path, message: str, key: bool = False) -> ErrorLine:
    line, col = pos.find(path, key=key)
    return ErrorLine(name, line, col, _dotted(path), message)


def _dotted(path: Path) -> str:
    return ".".join(str(p) for p in path) or "(root)"


def _yaml_type(value: object) -> str:
    names = {
        dict: "a mapping",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        type(None): "nothing (null)",
    }
    return names.get(type(value), type(value).__name__)
