"""The scenario format as a JSON Schema (draft-07) for editors and tools.

Pydantic emits 2020-12 style schemas (``$defs``, keywords beside ``$ref``); the YAML language
server in common editors and ``jsonschema.Draft7Validator`` want draft-07, where ``$ref``
ignores its siblings. :func:`scenario_json_schema` converts: ``$defs`` become ``definitions``,
every ``$ref`` is rewritten, and a ``$ref`` with a description or default is wrapped in
``allOf`` so that editors still show them.
"""

import json
from functools import cache
from importlib import resources
from pathlib import Path as FsPath
from typing import Any

from opssim.scenario.schema import Scenario

DRAFT_07 = "http://json-schema.org/draft-07/schema#"

#: Where the schema lives inside the package (and, through the ``schema`` symlink, in the repo).
SCHEMA_FILE = "scenario.schema.json"

#: What pydantic titles every property with; editors show descriptions, so titles are noise.
_DROP = {"title"}
#: Keywords whose values are data, not schemas: copied as they are.
_VALUES = {"default", "const", "enum", "examples", "required"}


@cache
def _cached_schema() -> str:
    raw = Scenario.model_json_schema(by_alias=True, mode="validation")
    defs = raw.pop("$defs", {})
    out: dict[str, Any] = {"$schema": DRAFT_07, "title": "opssim scenario"}
    out.update(_convert(raw))
    out["definitions"] = {name: _convert(d) for name, d in sorted(defs.items())}
    return json.dumps(out)


def scenario_json_schema() -> dict[str, Any]:
    """The draft-07 JSON Schema of a scenario file (a fresh copy each call)."""
    return json.loads(_cached_schema())


def schema_text() -> str:
    """The schema as the committed file holds it: indented JSON, UTF-8, ending in a newline."""
    return json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"


def packaged_schema_path() -> FsPath:
    """The schema file shipped inside the package (``opssim/schema/scenario.schema.json``)."""
    return FsPath(str(resources.files("opssim") / "schema" / SCHEMA_FILE))


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(n) for n in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROP and isinstance(value, str):
            continue
        if key == "$ref":
            out[key] = value.replace("#/$defs/", "#/definitions/")
        elif key in ("properties", "patternProperties", "definitions"):
            out[key] = {k: _convert(v) for k, v in value.items()}
        elif key in _VALUES:
            out[key] = value
        else:
            out[key] = _convert(value)
    if "patternProperties" in out and "properties" not in out:
        # A mapping keyed by ids (plan, skills, locked): a key that is no id is an error, as
        # it is to the validator; draft-07 lets it through unless told.
        out.setdefault("additionalProperties", False)
    if "$ref" in out and len(out) > 1:
        ref = out.pop("$ref")
        out = {"allOf": [{"$ref": ref}], **out}
    return out
