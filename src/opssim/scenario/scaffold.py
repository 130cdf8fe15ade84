"""``opssim new``: write a commented scenario that validates and plays, from a template per
company archetype (``opssim/scenario/templates/*.yaml``), with the schema beside it so that an
editor checks the file wherever the folder goes."""

import json
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from pydantic import BaseModel

from opssim.atomic import write_text_atomically
from opssim.scenario.jsonschema import SCHEMA_FILE, schema_text
from opssim.scenario.schema import Text

#: How text still to be written starts (the scaffold's Chinese title); ``opssim lint`` warns.
PLACEHOLDER = "TODO:"

ARCHETYPES = ("small", "big")

_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,47}$")


class ScaffoldError(ValueError):
    """A scenario that cannot be written: a bad name or archetype, a missing folder, a file
    that already exists. The message is one line."""


def template_text(archetype: str) -> str:
    """The raw template of ``archetype`` (with ``{{ID}}``, ``{{TITLE}}``, ``{{TITLE_ZH}}`` and
    ``{{SCHEMA}}``)."""
    if archetype not in ARCHETYPES:
        raise ScaffoldError(f"unknown archetype {archetype!r}: use {' or '.join(ARCHETYPES)}")
    return (resources.files("opssim") / "scenario" / "templates" / f"{archetype}.yaml").read_text(
        encoding="utf-8")


def scaffold_text(name: str, archetype: str = "small") -> str:
    """The text of a new scenario called ``name``; its ``$schema`` is the schema file beside it
    (:func:`write_new_scenario` writes both)."""
    check_name(name)
    title = name.replace("-", " ").replace("_", " ").capitalize()
    return (template_text(archetype).replace("{{ID}}", name).replace("{{TITLE}}", title)
            .replace("{{TITLE_ZH}}", f"{PLACEHOLDER} {title}").replace("{{SCHEMA}}", SCHEMA_FILE))


def check_name(name: str) -> None:
    """Raise :class:`ScaffoldError` unless ``name`` is a scenario id."""
    if not _NAME.match(name):
        hint = " (leave out .yaml)" if name.endswith((".yaml", ".yml")) else ""
        raise ScaffoldError(
            f"NAME must be a scenario id: a lowercase letter, then up to 47 lowercase letters, "
            f"digits, _ or -; got {name!r}{hint}"
        )


def write_new_scenario(name: str, archetype: str = "small", folder: Path = Path(".")
                       ) -> tuple[Path, str]:
    """Write ``folder/name.yaml`` (never overwritten) and the schema beside it. Returns the path
    written and what became of the schema: ``wrote``, ``updated`` (an older opssim schema) or
    ``kept`` (the current one, or a file of that name that is not an opssim schema)."""
    check_name(name)
    text = scaffold_text(name, archetype)
    if not folder.is_dir():
        raise ScaffoldError(f"--out: folder {folder} does not exist")
    path = folder / f"{name}.yaml"
    try:
        with path.open("x", encoding="utf-8") as fh:
            fh.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists; not overwriting it") from None
    except OSError as exc:
        raise ScaffoldError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path, _write_schema(folder / SCHEMA_FILE)


def _write_schema(target: Path) -> str:
    current = schema_text()
    try:
        old = target.read_text(encoding="utf-8") if target.exists() else None
        if old == current:
            return "kept"
        if old is not None and not _is_ours(old):
            return "kept"  # someone else's file: leave it alone
        write_text_atomically(target, current)
    except (OSError, UnicodeDecodeError) as exc:
        raise ScaffoldError(f"cannot write {target}: {getattr(exc, 'strerror', None) or exc}"
                            ) from None
    return "wrote" if old is None else "updated"


def _is_ours(text: str) -> bool:
    try:
        return json.loads(text).get("title") == "opssim scenario"
    except (ValueError, AttributeError):
        return False


def placeholder_texts(model: object, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(path, language) of every text in ``model`` (a scenario) still a :data:`PLACEHOLDER`."""
    if isinstance(model, Text):
        for lang in ("en", "zh"):
            value = getattr(model, lang)
            if isinstance(value, str) and value.startswith(PLACEHOLDER):
                yield (*path, lang), lang
    elif isinstance(model, BaseModel):
        for name, info in type(model).model_fields.items():
            yield from placeholder_texts(getattr(model, name), (*path, info.alias or name))
    elif isinstance(model, list | tuple):
        for i, item in enumerate(model):
            yield from placeholder_texts(item, (*path, i))
    elif isinstance(model, dict):
        for key, item in model.items():
            yield from placeholder_texts(item, (*path, key))
