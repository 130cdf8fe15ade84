"""YAML syntax errors that say what to do, at the line that went wrong, and more than one per
pass where the reader can recover."""

from pathlib import Path

import pytest

from opssim.scenario import ScenarioError, parse_scenario
from opssim.scenario.yaml_errors import LATER, TABS

STARTER = (Path(__file__).resolve().parents[2] / "scenarios" / "starter.yaml").read_text(
    encoding="utf-8")
LINES = STARTER.split("\n")


def line_of(start: str) -> int:
    """1-based number of the starter's line beginning with ``start``."""
    return next(n for n, s in enumerate(LINES, start=1) if s.startswith(start))


def errors(*edits: tuple[str, str]) -> list[str]:
    """The error lines of the starter with each line starting ``old`` replaced by ``new``."""
    lines = list(LINES)
    for old, new in edits:
        lines[line_of(old) - 1] = new
    with pytest.raises(ScenarioError) as info:
        parse_scenario("\n".join(lines), "s.yaml")
    return [str(e) for e in info.value.errors]


def test_a_tab_says_use_spaces_on_every_tabbed_line() -> None:
    found = errors(("  budget:", "\tbudget: 20000"), ("  overtime_cap:", "\tovertime_cap: 15"))
    assert [e.split(": (yaml): ")[0] for e in found] == [
        f"s.yaml:{line_of('  budget:')}:1", f"s.yaml:{line_of('  overtime_cap:')}:1"]
    assert all(TABS in e for e in found)


def test_a_line_moved_out_of_its_block_is_named_not_the_one_after() -> None:
    budget = line_of("  budget:")
    [e] = errors(("  budget:", "budget: 20000"))
    assert e.startswith(f"s.yaml:{budget}:1: (yaml): line {budget} is indented 0 spaces, less "
                        f"than the lines around it")
    assert "expected <block end>" not in e and LATER in e


def test_a_block_indented_too_deep_points_at_its_first_line() -> None:
    first = line_of("  contract_hours:")
    [e] = errors(("  contract_hours:", "   contract_hours: 40"))
    assert e.startswith(f"s.yaml:{first}:4: (yaml): line {first} is indented 3 spaces but line "
                        f"{first + 1}, in the same block, is indented 2")


def test_a_line_indented_under_a_value_says_so() -> None:
    at = line_of("  overtime_cap:")
    [e] = errors(("  overtime_cap:", "    overtime_cap: 15"))
    assert e.startswith(f"s.yaml:{at}:1: (yaml): line {at} is indented 4 spaces, under line "
                        f"{at - 1}, which already has a value")


def test_colons_in_values_say_quote_it_and_the_reader_reads_on() -> None:
    """Three mistakes, one pass: two unquoted colons (each repaired to read on) and a broken
    block after them, where the reader stops and says so."""
    description = '  en: "A small app'
    found = errors(("title:", "title: First job: the spring launch"),
                   (description, "  en: A small app, and you: the only one  # note"),
                   ("  budget:", "budget: 20000"))
    assert len(found) == 3
    title, en, budget = found
    assert title == (f"s.yaml:{line_of('title:')}:17: (yaml): a colon followed by a space "
                     'inside a value: put the value in quotes (title: "First job: the spring '
                     'launch")')
    assert en.startswith(f"s.yaml:{line_of(description)}:")
    assert '(en: "A small app, and you: the only one")' in en
    assert budget.startswith(f"s.yaml:{line_of('  budget:')}:1: ") and budget.endswith(LATER)


def test_no_later_note_when_nothing_follows() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario("a: 1\nb:\n  c: 2\n    d: 3", "s.yaml")
    [e] = info.value.errors
    assert LATER not in e.message and "line 4 is indented 4 spaces" in e.message


def test_a_block_under_a_key_that_has_a_value_after_a_blank_line() -> None:
    """`plan: {}` left above the plan's lines: the lines are under a value, not the key out
    of place (the blank line before it starts a section)."""
    at = line_of("plan:")
    [e] = errors(("plan:", "plan: {}"))
    assert e.startswith(f"s.yaml:{at + 1}:1: (yaml): line {at + 1} is indented 2 spaces, under "
                        f"line {at}, which already has a value")


def test_many_tabbed_lines_are_listed_up_to_a_cap() -> None:
    text = "a:\n" + "".join(f"\tk{i}: 1\n" for i in range(25))
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "s.yaml")
    lines = info.value.errors
    assert [e.line for e in lines] == list(range(2, 12))
    assert lines[-1].message.startswith(f"{TABS} (and 15 more lines)")
