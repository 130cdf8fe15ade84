"""The scenario format's JSON Schema: committed, current, draft-07, complete, and it agrees with
the shipped scenarios; the reference page generated from it is current too."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from ruamel.yaml import YAML

from opssim.scenario.jsonschema import DRAFT_07, packaged_schema_path, scenario_json_schema
from opssim.scenario.jsonschema import schema_text as current_schema_text
from opssim.scenario.positions import to_plain
from opssim.scenario.reference import reference_markdown

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "schema" / "scenario.schema.json"
REFERENCE = REPO / "docs" / "scenario-reference.md"
SHIPPED = sorted((REPO / "scenarios").glob("*.yaml"))
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)\n")

REGENERATE = "regenerate with: opssim schema --out schema/scenario.schema.json"


def plain(path: Path) -> Any:
    """A scenario file as plain data, read the way the loader reads it."""
    data, _ = to_plain(YAML(typ="rt").load(path.read_text(encoding="utf-8")))
    # As an editor sees it: JSON keys are strings (a plan by week's 5 is "5").
    return json.loads(json.dumps(data))


@pytest.fixture(scope="module")
def validator() -> Draft7Validator:
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def test_committed_schema_is_current() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == current_schema_text(), REGENERATE


def test_the_repo_schema_is_the_packaged_one() -> None:
    assert COMMITTED.resolve() == packaged_schema_path().resolve()


def test_reference_page_is_current() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == reference_markdown(), (
        "regenerate with: opssim schema --markdown --out docs/scenario-reference.md"
    )


def test_schema_is_draft_07_with_definitions_only() -> None:
    schema = scenario_json_schema()
    assert schema["$schema"] == DRAFT_07
    text = json.dumps(schema)
    assert "$defs" not in text
    refs = re.findall(r'"\$ref": "([^"]+)"', text)
    assert refs and all(r.startswith("#/definitions/") for r in refs)
    assert {r.rsplit("/", 1)[1] for r in refs} <= set(schema["definitions"])


def _ref_has_no_siblings(node: Any) -> None:
    if isinstance(node, dict):
        assert "$ref" not in node or len(node) == 1, f"$ref with siblings: {node}"
        for value in node.values():
            _ref_has_no_siblings(value)
    elif isinstance(node, list):
        for value in node:
            _ref_has_no_siblings(value)


def test_no_ref_has_siblings_that_draft_07_would_ignore() -> None:
    _ref_has_no_siblings(scenario_json_schema())


def _objects(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = [("Scenario", schema)]
    for name, d in schema["definitions"].items():
        found.append((name, d))
        found += [(name, b) for b in d.get("anyOf", []) if b.get("type") == "object"]
    return found


def test_every_field_has_a_description_and_every_optional_one_a_default() -> None:
    missing = []
    for name, node in _objects(scenario_json_schema()):
        required = set(node.get("required", []))
        for key, prop in node.get("properties", {}).items():
            if not prop.get("description"):
                missing.append(f"{name}.{key}: description")
            if key not in required and "default" not in prop:
                missing.append(f"{name}.{key}: default")
    assert not missing, missing


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_scenario_names_the_schema_on_its_first_line(path: Path) -> None:
    match = MODELINE.match(path.read_text(encoding="utf-8"))
    assert match, "first line must be # yaml-language-server: $schema=..."
    target = match.group(1)
    # The relative path works from the repo's scenarios/ and from the package's own folder.
    for folder in (REPO / "scenarios", packaged_schema_path().parent.parent / "scenarios"):
        assert (folder / target).resolve() == COMMITTED.resolve()


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_scenario_validates_against_the_schema(path: Path, validator) -> None:
    errors = [e.message for e in validator.iter_errors(plain(path))]
    assert not errors


@pytest.mark.parametrize(
    "edit, words",
    [
        (lambda d: d["funnel"]["stages"][1].update(convrt=0.1), "convrt"),
        (lambda d: d.update(weeks="twelve"), "twelve"),
        (lambda d: d.update(difficulty="nightmare"), "nightmare"),
        (lambda d: d["reviews"].pop("targets"), "targets"),
        (lambda d: d["channels"][0].update(per_week=-5), "-5"),
        (lambda d: d.update(title=7), "7"),
    ],
    ids=["unknown-key", "wrong-type", "bad-enum", "missing", "out-of-range", "title-type"],
)
def test_a_broken_scenario_does_not_validate(edit, words: str, validator) -> None:
    data = plain(REPO / "scenarios" / "starter.yaml")
    edit(data)
    messages = [e.message for e in validator.iter_errors(data)]
    assert messages and any(words in m for m in messages), messages


def test_plain_string_and_mapping_titles_both_validate(validator) -> None:
    data = plain(REPO / "scenarios" / "starter.yaml")
    for title in ("Plain", {"en": "Plain", "zh": "纯"}):
        data["title"] = title
        assert not list(validator.iter_errors(data))


def test_cli_schema_prints_and_writes(cli, tmp_path: Path) -> None:
    result = cli("schema")
    assert result.code == 0, result
    assert result.out == current_schema_text()
    out = tmp_path / "s.json"
    result = cli("schema", "--out", out)
    assert result.code == 0, result
    assert out.read_text(encoding="utf-8") == current_schema_text()
    result = cli("schema", "--markdown")
    assert result.code == 0 and result.out == reference_markdown()


def test_cli_schema_to_a_missing_folder_is_one_line(cli, tmp_path: Path) -> None:
    result = cli("schema", "--out", tmp_path / "nope" / "s.json")
    assert result.code == 2
    assert len(result.err_lines) == 1 and result.err.startswith("opssim: --out:")
