"""``opssim new``: write a commented scenario that validates and plays, from a template per
company archetype (``opssim/scenario/templates/*.yaml``)."""

import os
import re
from importlib import resources
from pathlib import Path

from opssim.scenario.jsonschema import packaged_schema_path

ARCHETYPES = ("small", "big")

_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,47}$")


class ScaffoldError(ValueError):
    """A scenario that cannot be written: a bad name or archetype, a missing folder, a file
    that already exists. The message is one line."""


def template_text(archetype: str) -> str:
    """The raw template of ``archetype`` (with ``{{ID}}``, ``{{TITLE}}`` and ``{{SCHEMA}}``)."""
    if archetype not in ARCHETYPES:
        raise ScaffoldError(f"unknown archetype {archetype!r}: use {' or '.join(ARCHETYPES)}")
    return (resources.files("opssim") / "scenario" / "templates" / f"{archetype}.yaml").read_text(
        encoding="utf-8")


def schema_reference(folder: Path) -> str:
    """How a scenario in ``folder`` names the packaged schema: a relative path when there is
    one (so it keeps working if the tree moves as a whole), else a ``file:`` URI."""
    target = packaged_schema_path().resolve()
    try:
        return Path(os.path.relpath(target, folder.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return target.as_uri()


def scaffold_text(name: str, archetype: str = "small", folder: Path = Path(".")) -> str:
    """The text of a new scenario called ``name``, to be written into ``folder``."""
    check_name(name)
    title = name.replace("-", " ").replace("_", " ").capitalize()
    return (template_text(archetype).replace("{{ID}}", name).replace("{{TITLE}}", title)
            .replace("{{SCHEMA}}", schema_reference(folder)))


def check_name(name: str) -> None:
    """Raise :class:`ScaffoldError` unless ``name`` is a scenario id."""
    if not _NAME.match(name):
        hint = " (leave out .yaml)" if name.endswith((".yaml", ".yml")) else ""
        raise ScaffoldError(
            f"NAME must be a scenario id: a lowercase letter, then up to 47 lowercase letters, "
            f"digits, _ or -; got {name!r}{hint}"
        )


def write_new_scenario(name: str, archetype: str = "small", folder: Path = Path(".")) -> Path:
    """Write ``folder/name.yaml``; never overwrites. Returns the path written."""
    check_name(name)
    text = scaffold_text(name, archetype, folder)
    if not folder.is_dir():
        raise ScaffoldError(f"--out: folder {folder} does not exist")
    path = folder / f"{name}.yaml"
    try:
        fh = path.open("x", encoding="utf-8")
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists; not overwriting it") from None
    except OSError as exc:
        raise ScaffoldError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException as exc:  # a full disk: remove the part written, so a retry works
        path.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ScaffoldError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise
    return path
