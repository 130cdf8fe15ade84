"""The caps that keep a scenario from exhausting time or memory: weeks, stages, users, values,
nesting, line length and file size. Each fails fast with one error line at the right place."""

import time

import pytest

from opssim.scenario import ScenarioError, parse_scenario
from opssim.scenario.checks import MAX_TOTAL_USERS
from opssim.scenario.loader import MAX_FILE_BYTES, MAX_LINE_CHARS
from opssim.scenario.positions import MAX_DEPTH, MAX_NODES


def errors_of(text: str) -> list:
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(text, "capped.yaml")
    return exc.value.errors


def line_of(text: str, needle: str) -> int:
    (n,) = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return n


def test_weeks_are_capped_at_104(small_text: str) -> None:
    parse_scenario(small_text.replace("weeks: 4", "weeks: 104"), "ok.yaml")
    text = small_text.replace("weeks: 4", "weeks: 105")
    (e,) = errors_of(text)
    assert (e.path, e.line) == ("weeks", line_of(text, "weeks: 105"))
    assert "104" in e.message


def test_stages_are_capped_at_12(small_text: str) -> None:
    more = "".join(f"    - {{id: s{i}, convert: 0.5}}\n" for i in range(10))
    anchor = "    - {id: signup, convert: 0.4, delay_hours: {fixed: 6}}\n"
    text = small_text.replace(anchor, anchor + more)  # 3 + 10 = 13 stages
    errors = errors_of(text)
    assert [e.path for e in errors] == ["funnel.stages"]
    assert "12" in errors[0].message
    assert errors[0].line == line_of(text, "stages:") + 1
    parse_scenario(small_text.replace(anchor, anchor + more[: more.index("s9")].rpartition(
        "\n")[0] + "\n"), "twelve.yaml")  # 12 stages load


def test_users_over_the_whole_run_are_capped(small_text: str) -> None:
    # 10 weeks x 20,000,001 a week (a channel sends at most 50 million): just over the cap.
    per_week = MAX_TOTAL_USERS // 10 + 1
    text = small_text.replace("per_week: 2000", f"per_week: {per_week}").replace(
        "weeks: 4", "weeks: 10")
    errors = errors_of(text)
    assert any(e.path == "channels" and "200,000,000" in e.message for e in errors), errors


def test_more_values_than_the_cap_fail_fast_where_the_excess_starts() -> None:
    text = "a: [" + ", ".join(["1"] * (3 * MAX_NODES)) + "]\n"
    text = "\n".join(text[i:i + 5000] for i in range(0, len(text), 5000))  # short lines
    start = time.process_time()  # CPU time: a busy machine must not fail the test
    (e,) = errors_of(text)
    assert time.process_time() - start < 5
    assert f"more than {MAX_NODES} values" in e.message
    assert 1 < e.line < text.count("\n")  # where the cap was hit, not the file's start


def test_many_keys_count_as_values_not_twice() -> None:
    """A mapping of N keys is N values (its keys are nodes to the parser, not to the cap)."""
    keys = MAX_NODES // 2 + 100
    errors = errors_of("".join(f"k{i}: 1\n" for i in range(keys)))
    assert not any("too large" in e.message for e in errors)


def test_nesting_is_capped() -> None:
    text = "a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    (e,) = errors_of(text)
    assert f"deeper than {MAX_DEPTH}" in e.message and e.line == 1


def test_long_lines_are_refused_before_parsing() -> None:
    """ruamel gathers a comment a character at a time: a megabyte-long comment line once
    took 20 s to parse."""
    text = "id: x\n# " + "x" * (MAX_FILE_BYTES - 100) + "\n"
    start = time.process_time()
    (e,) = errors_of(text)
    assert time.process_time() - start < 1
    assert (e.line, e.col) == (2, MAX_LINE_CHARS + 1)
    assert "longer than" in e.message


def test_files_are_capped_in_bytes() -> None:
    text = "# padding\n" * (MAX_FILE_BYTES // 10 + 1)
    (e,) = errors_of(text)
    assert "larger than" in e.message and (e.line, e.col) == (1, 1)
