"""Scenario loading: valid files load; every problem is reported at once, each as
``FILE:LINE:COL: dotted.path: message`` pointing at what the author has to fix."""

import re
from pathlib import Path

import pytest

from opssim.scenario import (
    ErrorLine,
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario,
    scenario_hash,
)

ERROR_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<path>\S+): (?P<msg>.+)$")

REPO = Path(__file__).resolve().parents[2]


def position(text: str, line_has: str, token: str) -> tuple[int, int]:
    """1-based (line, column) of ``token`` on the one line of ``text`` containing ``line_has``."""
    hits = [i for i, line in enumerate(text.splitlines()) if line_has in line]
    assert len(hits) == 1, f"{line_has!r} is on {len(hits)} lines"
    line = text.splitlines()[hits[0]]
    assert line.count(token) >= 1, f"{token!r} not on line {line!r}"
    return hits[0] + 1, line.index(token) + 1


def errors_of(text: str, name: str = "bad.yaml") -> list[ErrorLine]:
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(text, name)
    errors = exc.value.errors
    assert errors, "a ScenarioError must carry at least one error line"
    for e in errors:
        assert ERROR_LINE.match(str(e)), f"badly formatted error line: {e}"
        assert e.file == name
    return errors


def only_error(text: str) -> ErrorLine:
    errors = errors_of(text)
    assert len(errors) == 1, "\n".join(map(str, errors))
    return errors[0]


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


# -- valid scenarios -------------------------------------------------------------------------


def test_starter_loads(starter: Scenario) -> None:
    assert starter.id == "starter"
    assert len(starter.funnel.stages) >= 2
    assert starter.weeks >= 1
    assert sum(starter.plan_hours().values()) <= starter.specialist.max_hours
    assert set(starter.plan_hours()) == set(starter.duty_ids)


def test_small_scenario_loads(small: Scenario) -> None:
    assert [s.id for s in small.funnel.stages] == ["aware", "visit", "signup"]
    assert small.weeks == 4


def test_scenario_is_frozen(small: Scenario) -> None:
    with pytest.raises(ValueError):
        small.weeks = 5  # type: ignore[misc]


def test_shipped_scenarios_validate(cli) -> None:
    files = sorted((REPO / "scenarios").glob("*.yaml"))
    assert files, "no scenarios/*.yaml shipped"
    result = cli("validate", *files)
    assert result.code == 0, result
    assert result.out.count(": ok") == len(files)
    assert result.err == ""


def test_repo_starter_is_the_packaged_default(starter_text: str) -> None:
    """README: scenarios/starter.yaml is also shipped inside the package as the default."""
    repo_copy = REPO / "scenarios" / "starter.yaml"
    if not repo_copy.exists():
        pytest.skip("no scenarios/starter.yaml in this checkout")
    assert repo_copy.read_text(encoding="utf-8") == starter_text


def test_scenario_hash_ignores_comments_and_layout(small_text: str) -> None:
    a = parse_scenario(small_text)
    b = parse_scenario("# a comment\n" + small_text.replace("weeks: 4", "weeks:    4   # four"))
    c = parse_scenario(small_text.replace("weeks: 4", "weeks: 5"))
    assert scenario_hash(a) == scenario_hash(b)
    assert scenario_hash(a) != scenario_hash(c)


def test_plain_string_title_is_english(small: Scenario) -> None:
    assert small.title.en == "Small test scenario"
    assert small.title.get("zh") == "Small test scenario"  # falls back to English


# -- one problem: the right line and column ---------------------------------------------------


def test_wrong_type_points_at_the_value(small_text: str) -> None:
    text = edit(small_text, "weeks: 4", 'weeks: "four"')
    e = only_error(text)
    assert (e.line, e.col) == position(text, 'weeks: "four"', '"four"')
    assert e.path == "weeks"
    assert "integer" in e.message and "string" in e.message


def test_fraction_where_integer_expected_is_a_type_error(small_text: str) -> None:
    text = edit(small_text, "weeks: 4", "weeks: 4.5")
    e = only_error(text)
    assert (e.line, e.col, e.path) == (*position(text, "weeks: 4.5", "4.5"), "weeks")


def test_a_whole_float_is_an_integer_as_json_schema_says(small_text: str) -> None:
    """Draft-07 counts 4.0 as an integer, so the editor accepts it: so does the loader."""
    assert parse_scenario(edit(small_text, "weeks: 4", "weeks: 4.0")).weeks == 4


def test_boolean_is_not_a_number(small_text: str) -> None:
    text = edit(small_text, "per_week: 2000", "per_week: true")
    e = only_error(text)
    assert (e.line, e.col) == position(text, "per_week: true", "true")
    assert e.path == "channels.0.per_week"
    assert "boolean" in e.message


def test_unknown_key_points_at_the_key(small_text: str) -> None:
    text = edit(small_text, "per_week: 2000}", "per_week: 2000, colour: red}")
    e = only_error(text)
    assert (e.line, e.col) == position(text, "colour", "colour")
    assert e.path == "channels.0.colour"
    assert "unknown key" in e.message


def test_unknown_top_level_key(small_text: str) -> None:
    text = edit(small_text, "weeks: 4\n", "weeks: 4\nweekz: 5\n")
    e = only_error(text)
    assert (e.line, e.col, e.path) == (*position(text, "weekz", "weekz"), "weekz")


def test_duplicate_key_points_at_the_second_one(small_text: str) -> None:
    text = edit(small_text, "weeks: 4\n", "weeks: 4\nweeks: 5\n")
    e = only_error(text)
    assert (e.line, e.col) == position(text, "weeks: 5", "weeks")
    assert "duplicate" in e.message and "weeks" in e.message


def test_duplicate_key_in_a_flow_mapping(small_text: str) -> None:
    text = edit(small_text, "{id: organic,", "{id: organic, id: other,")
    e = only_error(text)
    assert e.line == position(text, "id: other", "id: other")[0]
    assert "duplicate" in e.message


def test_out_of_range_value_points_at_the_value(small_text: str) -> None:
    text = edit(small_text, "convert: 0.4,", "convert: 1.4,")
    e = only_error(text)
    assert (e.line, e.col) == position(text, "convert: 1.4", "1.4")
    assert e.path == "funnel.stages.2.convert"
    assert "less than or equal to 1" in e.message


def test_negative_value_out_of_range(small_text: str) -> None:
    text = edit(small_text, "minutes_per_ticket: 10", "minutes_per_ticket: -10")
    e = only_error(text)
    assert (e.line, e.col) == position(text, "minutes_per_ticket", "-10")
    assert e.path == "duties.support.minutes_per_ticket"


def test_missing_required_key_points_at_its_mapping(small_text: str) -> None:
    text = edit(small_text, "{id: organic, enters: aware, per_week: 2000}",
                "{id: organic, enters: aware}")
    e = only_error(text)
    assert (e.line, e.col) == position(text, "id: organic", "{")
    assert e.path == "channels.0.per_week"
    assert "missing" in e.message


def test_missing_required_top_level_key(small_text: str) -> None:
    text = edit(small_text, "id: small\n", "")
    e = only_error(text)
    assert (e.line, e.col, e.path) == (1, 1, "id")
    assert "missing" in e.message


def test_unknown_stage_reference_points_at_the_reference(small_text: str) -> None:
    text = edit(small_text, "{kpi: signups, stage: signup,", "{kpi: signups, stage: signin,")
    e = only_error(text)
    assert (e.line, e.col) == position(text, "stage: signin", "signin")
    assert e.path == "reviews.targets.0.stage"
    assert "signin" in e.message and "unknown stage" in e.message


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("churn: {stage: signup,", "churn: {stage: nowhere,", "funnel.churn.stage"),
        ("{id: organic, enters: aware,", "{id: organic, enters: nowhere,", "channels.0.enters"),
        ("- {stage: signup, curve:", "- {stage: nowhere, curve:", "duties.copy.lifts.0.stage"),
        ("spike: {enters: visit,", "spike: {enters: nowhere,", "duties.events.spike.enters"),
        ("{from: visit, per_user: 0.2}", "{from: nowhere, per_user: 0.2}",
         "duties.support.tickets.0.from"),
        ("    enters: visit\n    intent", "    enters: nowhere\n    intent",
         "duties.ground.enters"),
    ],
)
def test_every_stage_reference_is_cross_checked(
    small_text: str, old: str, new: str, path: str
) -> None:
    text = edit(small_text, old, new)
    e = only_error(text)
    assert e.path == path
    assert (e.line, e.col) == position(text, "nowhere", "nowhere")


@pytest.mark.parametrize(
    ("old", "new", "path", "says"),
    [
        ("reach: {enters: aware,", "reach: {enters: nowhere,", "duties.copy.reach.enters",
         "unknown stage"),
        ("deal: {enters: aware,", "deal: {enters: nowhere,", "duties.partners.deal.enters",
         "unknown stage"),
        ("tickets_from: paying}", "tickets_from: nowhere}", "calendar.2.tickets_from",
         "unknown stage"),
        ("needs: {department: web,", "needs: {department: nowhere,",
         "duties.copy.needs.department", "unknown department"),
        ("needs: {department: design}", "needs: {department: nowhere}",
         "duties.events.needs.department", "unknown department"),
        ("needs: {department: data}", "needs: {department: nowhere}",
         "duties.analysis.needs.department", "unknown department"),
    ],
)
def test_every_starter_reference_is_cross_checked(
    starter_text: str, old: str, new: str, path: str, says: str
) -> None:
    """The ops-model sections' references, on the starter's own layout."""
    text = edit(starter_text, old, new)
    e = only_error(text)
    assert e.path == path
    assert says in e.message and "nowhere" in e.message
    assert (e.line, e.col) == position(text, "nowhere", "nowhere")


@pytest.mark.parametrize(
    ("old", "new", "path", "token", "says"),
    [
        ("{kind: ticket_storm, label: {en: Billing bug, zh: 扣费故障}, week: 10,",
         "{kind: ticket_storm, label: {en: Billing bug, zh: 扣费故障}, week: 13,",
         "calendar.2.week", "13", "after the last week"),
        ("chance: {curve: saturating, max: 0.6,", "chance: {curve: saturating, max: 1.6,",
         "duties.partners.chance.max", "1.6", "at most 1"),
        ("reduction: {curve: saturating, max: 0.9,", "reduction: {curve: saturating, max: 1.9,",
         "duties.analysis.noise.reduction.max", "1.9", "at most 1"),
        ("{kpi: signups, stage: signup, per_week: 1150, from_week: 2}",
         "{kpi: signups, stage: signup, per_week: 1150, from_week: 20}",
         "reviews.targets.0.from_week", "20", "after the last week"),
        ("users: {curve: saturating, max: 4000, half_at: 20}",
         "users: {curve: linear, max: 4000, half_at: 20}", "duties.ground.users", "{",
         "needs per_unit"),
        ("{kind: outage,", "{kind: earthquake,", "calendar.1.kind", "earthquake", "holiday"),
        ("archetype: small", "archetype: medium", "company.archetype", "medium", "big"),
    ],
)
def test_starter_value_problems_point_at_the_value(
    starter_text: str, old: str, new: str, path: str, token: str, says: str
) -> None:
    text = edit(starter_text, old, new)
    e = only_error(text)
    assert e.path == path
    assert says in e.message
    assert (e.line, e.col) == position(text, new, token)


@pytest.mark.parametrize(
    ("old", "new", "path", "says"),
    [
        ("locked: {}", "locked: {teleport: 3}", "company.locked.teleport", "unknown duty"),
        ("skills: {copy: 0.4,", "skills: {copyy: 0.4,", "specialist.skills.copyy",
         "unknown duty"),
        ("skills: {analysis: 0.3}}", "skills: {analysis: 0.3, teleport: 1}}",
         "blame.promotion.skills.teleport", "unknown duty"),
        ("convert_x: {signup: 0.3}", "convert_x: {nowhere: 0.3}",
         "calendar.1.convert_x.nowhere", "unknown stage"),
        ("  analysis: 4\n", "  teleport: 4\n", "plan.teleport", "unknown duty"),
        ("ground: 2, analysis: 4}", "ground: 2, teleport: 4}", "plan.10.teleport",
         "unknown duty"),
    ],
)
def test_unknown_ids_used_as_keys_are_reported_on_their_line(
    starter_text: str, old: str, new: str, path: str, says: str
) -> None:
    text = edit(flat_plan(starter_text) if path == "plan.teleport" else starter_text, old, new)
    e = only_error(text)
    assert e.path == path
    assert says in e.message
    assert e.line == position(text, new.strip(), new.strip())[0]


def flat_plan(starter_text: str) -> str:
    """The starter with one plan for every week (it gives its plan by week)."""
    start = starter_text.index("plan:")
    end = starter_text.index("expect:")
    return (starter_text[:start] + "plan:\n  copy: 10\n  events: 8\n  support: 12\n"
            "  ground: 6\n  analysis: 4\n\n" + starter_text[end:])


def test_a_locked_duty_cannot_be_planned(starter_text: str) -> None:
    text = edit(flat_plan(starter_text), "locked: {}", "locked: {analysis: 3}")
    e = only_error(text)
    assert e.path == "plan.analysis"
    assert "locked" in e.message
    assert e.line == position(text, "  analysis: 4", "analysis")[0]


def test_plan_names_only_duties_in_the_scenario(small_text: str) -> None:
    """The small scenario has the four core duties: research is a duty, but not in it."""
    text = edit(small_text, "plan: {copy: 10,", "plan: {research: 2, copy: 10,")
    e = only_error(text)
    assert e.path == "plan.research"
    assert "not in this scenario" in e.message
    assert e.line == position(text, "plan:", "plan")[0]


def test_unknown_plan_duty_points_at_the_duty(small_text: str) -> None:
    text = edit(small_text, "plan: {copy: 10,", "plan: {teleport: 2, copy: 10,")
    e = only_error(text)
    assert (e.line, e.col) == position(text, "teleport", "teleport")


def test_ids_may_contain_hyphens(small_text: str) -> None:
    text = edit(small_text, "id: small\n", "id: small-test\n")
    text = text.replace("signup", "sign-up")
    sc = parse_scenario(text)
    assert sc.id == "small-test"
    assert [s.id for s in sc.funnel.stages] == ["aware", "visit", "sign-up"]
    e = only_error(edit(small_text, "id: small\n", "id: Small_Test\n"))
    assert e.path == "id"


def test_a_curve_is_saturating_unless_it_says_otherwise(small_text: str) -> None:
    text = edit(small_text, "{curve: saturating, max: 0.5, half_at: 2}", "{max: 0.5, half_at: 2}")
    curve = parse_scenario(text).duties.copy_.lifts[0].curve
    assert curve.curve == "saturating"
    assert curve(2) == pytest.approx(0.25)
    text = edit(small_text, "{curve: saturating, max: 0.5, half_at: 2}",
                "{curve: threshold, max: 0.5}")
    e = only_error(text)
    assert e.path == "duties.copy.lifts.0.curve"
    assert "needs at" in e.message
    assert (e.line, e.col) == position(text, "curve: threshold", "{curve")


def test_the_core_duties_are_required(small_text: str) -> None:
    start = small_text.index("  ground:\n")
    end = small_text.index("reviews:\n")
    text = small_text[:start] + small_text[end:]
    e = only_error(text)
    assert e.path == "duties.ground"
    assert "missing" in e.message
    assert e.line == position(text, "duties:", "duties")[0] + 1


def test_duplicate_stage_id(small_text: str) -> None:
    text = edit(small_text, "- {id: signup, convert", "- {id: visit, convert")
    errors = errors_of(text)
    dup = [e for e in errors if "duplicate" in e.message]
    assert len(dup) == 1
    assert dup[0].path == "funnel.stages.2.id"
    assert dup[0].line == position(text, "{id: visit, convert: 0.4", "id: visit")[0]


def test_plan_over_the_weekly_cap(small_text: str) -> None:
    text = edit(small_text, "plan: {copy: 10,", "plan: {copy: 30,")
    e = only_error(text)
    assert e.path == "plan"
    assert e.line == position(text, "plan:", "plan")[0]
    assert "60" in e.message and "50" in e.message


def test_yaml_syntax_error_has_line_and_column(small_text: str) -> None:
    text = edit(small_text, "weeks: 4\n", "weeks: 4: 5\n")
    e = only_error(text)
    assert (e.line, e.col) == position(text, "weeks: 4: 5", ": 5")
    assert e.path == "(yaml)"


def test_tab_indentation_is_a_syntax_error(small_text: str) -> None:
    text = edit(small_text, "weeks: 4\n", "weeks: 4\n\tfoo: 1\n")
    e = only_error(text)
    assert (e.line, e.col) == (position(text, "foo: 1", "\t")[0], 1)


@pytest.mark.parametrize("text", ["", "# only a comment\n", "- a\n- b\n", "just a string\n"])
def test_root_must_be_a_mapping(text: str) -> None:
    e = only_error(text)
    assert (e.line, e.col) == (1, 1)
    assert "mapping" in e.message


def test_invalid_utf8_names_the_line() -> None:
    e = only_error(b"format: 1\nid: \xff\n")  # type: ignore[arg-type]
    assert e.line == 2
    assert "UTF-8" in e.message


def test_non_string_keys_are_rejected(small_text: str) -> None:
    e = only_error(small_text + "1: one\n")
    assert "keys must be strings" in e.message


def test_non_string_key_error_is_on_the_keys_line(small_text: str) -> None:
    """Once reported at 1:1; now on the key's line."""
    text = small_text + "1: one\n"
    e = only_error(text)
    assert e.line == text.count("\n")
    assert e.path == "1"


def test_non_string_key_error_points_at_the_key(small_text: str) -> None:
    text = small_text + "1: one\n"
    e = only_error(text)
    assert (e.line, e.col) == (text.count("\n"), 1)


# -- many problems: all at once, in file order ------------------------------------------------


def test_two_problems_give_two_lines(small_text: str) -> None:
    text = edit(small_text, "weeks: 4", 'weeks: "x"')
    text = edit(text, "convert: 0.4,", "convert: 1.4,")
    errors = errors_of(text)
    assert [e.path for e in errors] == ["weeks", "funnel.stages.2.convert"]
    assert [e.line for e in errors] == sorted(e.line for e in errors)
    assert str(ScenarioError(errors)).count("\n") == 1


def test_many_cross_check_problems_are_all_reported(small_text: str) -> None:
    text = edit(small_text, "{kpi: signups, stage: signup,", "{kpi: signups, stage: nope1,")
    text = edit(text, "{kpi: visits, stage: visit,", "{kpi: visits, stage: nope2,")
    text = edit(text, "churn: {stage: signup,", "churn: {stage: nope3,")
    errors = errors_of(text)
    assert len(errors) == 3
    assert [e.line for e in errors] == sorted(e.line for e in errors)
    assert {e.path for e in errors} == {
        "reviews.targets.0.stage", "reviews.targets.1.stage", "funnel.churn.stage"}


# -- files ------------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tmp_path / "nope.yaml")
    (e,) = exc.value.errors
    assert "no such file" in e.message
    assert str(e).startswith(str(tmp_path / "nope.yaml") + ":1:1:")


def test_directory_is_not_a_scenario(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tmp_path)
    (e,) = exc.value.errors
    assert "directory" in e.message


def test_file_name_in_error_lines(write_scenario, small_text: str) -> None:
    path = write_scenario(replace={"weeks: 4": "weeks: 0"}, name="zero-weeks.yaml")
    line, col = position(edit(small_text, "weeks: 4", "weeks: 0"), "weeks: 0", "0")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    (e,) = exc.value.errors
    assert e.file == str(path)
    assert str(e).startswith(f"{path}:{line}:{col}: weeks: ")


def test_oversized_file_is_refused(write_scenario) -> None:
    from opssim.scenario.loader import MAX_FILE_BYTES

    path = write_scenario(SMALL_PADDING * (MAX_FILE_BYTES // len(SMALL_PADDING) + 2))
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    (e,) = exc.value.errors
    assert "larger" in e.message


SMALL_PADDING = "# padding padding padding padding padding padding padding padding padding\n"


# -- the validate command ---------------------------------------------------------------------


def test_validate_valid_file_exits_0(cli, write_scenario) -> None:
    path = write_scenario()
    result = cli("validate", path)
    assert result.code == 0, result
    assert result.out.strip() == f"{path}: ok"
    assert result.err == ""


def test_validate_reports_each_problem_on_its_own_line(cli, write_scenario, small_text) -> None:
    path = write_scenario(replace={"weeks: 4": 'weeks: "x"', "convert: 0.4,": "convert: 1.4,"})
    text = edit(edit(small_text, "weeks: 4", 'weeks: "x"'), "convert: 0.4,", "convert: 1.4,")
    weeks, convert = position(text, 'weeks: "x"', '"x"'), position(text, "convert: 1.4", "1.4")
    result = cli("validate", path)
    assert result.code == 2, result
    assert "Traceback" not in result.err
    lines = result.err_lines
    assert len(lines) == 2, lines
    for line in lines:
        m = ERROR_LINE.match(line)
        assert m, line
        assert m["file"] == str(path)
    assert lines[0].startswith(f"{path}:{weeks[0]}:{weeks[1]}: weeks: ")
    assert lines[1].startswith(f"{path}:{convert[0]}:{convert[1]}: funnel.stages.2.convert: ")


def test_validate_several_files_checks_them_all(cli, write_scenario, tmp_path: Path,
                                                small_text: str) -> None:
    good = write_scenario(name="good.yaml")
    bad = write_scenario(replace={"weeks: 4": "weeks: 0"}, name="bad.yaml")
    line, col = position(edit(small_text, "weeks: 4", "weeks: 0"), "weeks: 0", "0")
    missing = tmp_path / "missing.yaml"
    result = cli("validate", good, bad, missing)
    assert result.code == 2, result
    assert f"{good}: ok" in result.out
    assert len(result.err_lines) == 2
    assert result.err_lines[0].startswith(f"{bad}:{line}:{col}: weeks:")
    assert result.err_lines[1].startswith(f"{missing}:1:1:")


def test_validate_subprocess_exit_code_and_no_traceback(run_cli_subprocess, write_scenario):
    path = write_scenario(replace={"convert: 0.4,": "convert: 1.4,"})
    proc = run_cli_subprocess("validate", path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    assert ERROR_LINE.match(proc.stderr.strip())
