"""Safe loading: no YAML tag constructs an object, an alias bomb or a deep nest fails fast with
an error line, and no input makes the loader raise anything but ScenarioError."""

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opssim.scenario import ScenarioError, parse_scenario

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def value_at(text: str, key: str) -> tuple[int, int]:
    """1-based (line, column) of the value of the top-level ``key`` in ``text``."""
    lines = text.splitlines()
    hits = [i for i, line in enumerate(lines) if line.startswith(f"{key}: ")]
    assert len(hits) == 1, f"{key!r} starts {len(hits)} lines"
    return hits[0] + 1, len(key) + 3


def load_errors(text: str) -> list:
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(text, "evil.yaml")
    return exc.value.errors


@pytest.mark.parametrize(
    "tagged",
    [
        '!!python/object/apply:os.system ["touch {marker}"]',
        "!!python/object/new:os.system [touch {marker}]",
        "!!python/object:builtins.dict {{en: x}}",
        "!!python/name:os.system",
        "!!python/module:os",
        "!custom {{en: x}}",
        "!custom x",
    ],
)
def test_python_and_custom_tags_are_rejected(small_text: str, tmp_path: Path, tagged: str):
    marker = tmp_path / "pwned"
    text = small_text.replace('title: "Small test scenario"', "title: " +
                              tagged.format(marker=marker))
    (e,) = load_errors(text)
    assert (e.line, e.col) == value_at(text, "title")
    assert e.path == "title"
    assert "tag" in e.message
    assert not marker.exists()


def test_tag_on_the_whole_document_is_rejected(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (e,) = load_errors(f"!!python/object/apply:os.system ['touch {marker}']\n")
    assert "tag" in e.message
    assert not marker.exists()


def test_tag_on_a_number_is_rejected(small_text: str) -> None:
    text = small_text.replace("weeks: 4", "weeks: !int 4")
    (e,) = load_errors(text)
    assert (e.line, e.col, e.path) == (*value_at(text, "weeks"), "weeks")


def test_alias_bomb_fails_fast_with_one_error_line() -> None:
    start = time.perf_counter()
    errors = load_errors(BILLION_LAUGHS)
    assert time.perf_counter() - start < 5.0
    assert len(errors) == 1
    assert "too large" in errors[0].message


def test_alias_bomb_through_the_cli(cli, tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(BILLION_LAUGHS)
    start = time.perf_counter()
    result = cli("validate", path)
    assert time.perf_counter() - start < 10.0
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert result.err_lines[0].startswith(f"{path}:")


@pytest.mark.parametrize(
    "text",
    ["a: " + "[" * 500 + "]" * 500 + "\n", "a: " + "{b: " * 100 + "1" + "}" * 100 + "\n"],
    ids=["lists", "mappings"],
)
def test_deep_nesting_fails_fast(text: str) -> None:
    start = time.perf_counter()
    (e,) = load_errors(text)
    assert time.perf_counter() - start < 5.0
    assert any(w in e.message for w in ("deeper", "nest", "recursion"))


@pytest.mark.parametrize(
    ("value", "words"),
    [("2024-01-01", "quote"), ("!!binary aGVsbG8=", "quote"), ("!!set {a, b}", "quote")],
)
def test_non_plain_values_are_rejected_with_a_hint(small_text: str, value: str, words: str):
    text = small_text.replace('title: "Small test scenario"', f"title: {value}")
    (e,) = load_errors(text)
    assert (e.line, e.col, e.path) == (*value_at(text, "title"), "title")
    assert words in e.message


@pytest.mark.parametrize("value", [".inf", ".nan", "-.inf"])
def test_infinite_and_nan_numbers_are_rejected(small_text: str, value: str) -> None:
    (e,) = load_errors(small_text.replace("per_week: 2000", f"per_week: {value}"))
    assert e.path == "channels.0.per_week"
    assert "finite" in e.message


def test_huge_user_counts_are_capped(small_text: str) -> None:
    (e,) = load_errors(small_text.replace("per_week: 2000", "per_week: 1e12"))
    assert e.path == "channels.0.per_week"


# -- merge keys and !!omap: once crashes, now data or error lines ----------------------------------

SPECIALIST = "specialist: {contract_hours: 40, overtime_cap: 10}"


def test_merge_key_loads(small_text: str) -> None:
    """A YAML merge key (``<<``) merges; keys written out win over merged ones."""
    text = small_text.replace(SPECIALIST,
                              "specialist: {<<: {contract_hours: 30, overtime_cap: 1}, "
                              "overtime_cap: 10}")
    sc = parse_scenario(text, "merge.yaml")
    assert (sc.specialist.contract_hours, sc.specialist.overtime_cap) == (30, 10)


def test_merge_key_from_an_anchor_gives_an_error_line(small_text: str) -> None:
    """Once a KeyError from positions.to_plain; the anchor's own key is not in the format."""
    text = small_text.replace(
        SPECIALIST, "hours: &h {contract_hours: 40}\nspecialist: {<<: *h, overtime_cap: 10}")
    (e,) = load_errors(text)
    assert e.path == "hours"
    assert "unknown key" in e.message
    assert (e.line, e.col) == (value_at(text, "hours")[0], 1)


@pytest.mark.parametrize("layout", ["flow", "block"])
def test_a_bad_merged_value_points_at_its_mapping(small_text: str, layout: str) -> None:
    """Merged keys carry no position of their own: errors fall back to the mapping's."""
    merged = ('specialist: {<<: {contract_hours: "x"}, overtime_cap: 10}' if layout == "flow"
              else 'specialist:\n  <<: {contract_hours: "x"}\n  overtime_cap: 10')
    text = small_text.replace(SPECIALIST, merged)
    (e,) = load_errors(text)
    assert e.path == "specialist.contract_hours"
    lines = text.splitlines()
    if layout == "flow":
        line = lines.index(merged) + 1
        assert (e.line, e.col) == (line, merged.index("{") + 1)
    else:
        assert (e.line, e.col) == (lines.index("specialist:") + 2, 3)


def test_omap_tag_gives_an_error_line(small_text: str) -> None:
    """Once a TypeError from positions.to_plain."""
    text = small_text.replace("hours_per_piece: 5", "hours_per_piece: !!omap [a: 1]")
    (e,) = load_errors(text)
    assert e.path == "duties.copy.hours_per_piece"
    line = text.splitlines().index("    hours_per_piece: !!omap [a: 1]") + 1
    assert e.line == line


def test_validate_merge_key_has_no_traceback(cli, tmp_path: Path, small_text: str) -> None:
    path = tmp_path / "merge.yaml"
    text = small_text.replace(
        SPECIALIST, "hours: &h {contract_hours: 40}\nspecialist: {<<: *h, overtime_cap: 10}")
    path.write_text(text)
    result = cli("validate", path)
    assert result.code == 2
    assert "Traceback" not in result.err
    assert len(result.err_lines) == 1
    assert result.err_lines[0].startswith(f"{path}:{value_at(text, 'hours')[0]}:1: hours: ")


# -- property: nothing but ScenarioError ------------------------------------------------------

#: Replacement values for one line of the small scenario.
TOKENS = st.sampled_from([
    "", "~", "-1", "0", "1e9", ".inf", "true", "'x'", "[]", "{}", "[1, 2]", "{a: 1}", "&x 1",
    "*x", "!!str 3", ": :", "'", '"', "\t", "? a", "0x10", "1.5", "aware", "Signup", "-", "|",
    "12:30", "2024-01-01", "!!set {a}", "null", "a: b: c", "999999999999999999999999", "%",
    "@", "`", "{", "]", "&a [*a]", "!!python/object:os.system {}", "日本", "!!omap [a: 1]",
    "{<<: {a: 1}}", "<<: *x", "{<<: *x, a: 1}", "{curve: linear, max: 1}", "a-b",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(line=st.integers(0, 99), token=TOKENS, whole_line=st.booleans())
def test_any_one_line_edit_loads_or_fails_cleanly(small_text: str, line: int, token: str,
                                                  whole_line: bool) -> None:
    lines = small_text.splitlines()
    line %= len(lines)
    if whole_line:
        lines[line] = token
    elif ": " in lines[line]:
        head, _, _ = lines[line].rpartition(": ")
        lines[line] = f"{head}: {token}"
    else:
        lines[line] += token
    try:
        parse_scenario("\n".join(lines) + "\n", "edited.yaml")
    except ScenarioError as exc:
        for e in exc.errors:
            assert e.line >= 1 and e.col >= 1
            assert "\n" not in str(e)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80))
def test_any_text_loads_or_fails_cleanly(text: str) -> None:
    try:
        parse_scenario(text, "random.yaml")
    except ScenarioError as exc:
        assert exc.errors
