"""Layers: imports point one way, and nothing headless imports pygame.

scenario/, model/ → nothing above them (model may be imported by scenario);
sim/ → scenario, model; batch/ → sim and below; play/ (the presenter) → sim and below;
render/ → play and below; cli → anything. calibrate/ (real events → a scenario) → scenario and
model only, never the engine; only the cli imports it. Only render/ imports pygame or pygame_gui.
"""

import ast
import json
from pathlib import Path

import pytest

import opssim

PACKAGE = Path(opssim.__file__).resolve().parent

#: For each layer, the layers it must never import.
FORBIDDEN = {
    "scenario": {"sim", "batch", "play", "render", "cli", "report", "calibrate"},
    "model": {"sim", "batch", "play", "render", "cli", "report", "scenario", "calibrate"},
    "sim": {"batch", "play", "render", "cli", "report", "calibrate"},
    "batch": {"play", "render", "cli", "report", "calibrate"},
    "play": {"batch", "render", "cli", "report", "calibrate"},
    "render": {"batch", "cli", "report", "calibrate"},
    "report": {"play", "render", "cli", "calibrate"},
    "calibrate": {"sim", "batch", "play", "render", "cli", "report"},
}
GUI = {"pygame", "pygame_gui"}


def layer_of(path: Path) -> str:
    """``sim`` for ``opssim/sim/engine.py``, ``cli`` for ``opssim/cli/lab.py``."""
    rel = path.relative_to(PACKAGE)
    if len(rel.parts) > 1:
        return rel.parts[0]
    return "opssim" if rel.stem == "__init__" else rel.stem


def imported_modules(source: str, package: list[str]) -> set[str]:
    """Absolute names of every module ``source`` (a module of ``package``) imports, at any
    depth: lazy imports inside functions count too."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def imports_of(path: Path) -> set[str]:
    package = list(path.relative_to(PACKAGE.parent).parts[:-1])
    return imported_modules(path.read_text(encoding="utf-8"), package)


def opssim_layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "opssim" or len(parts) < 2:
        return None
    return parts[1]


def violations(layer: str, modules: set[str]) -> list[str]:
    return sorted(m for m in modules if opssim_layer(m) in FORBIDDEN.get(layer, set()))


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_the_scan_sees_the_package() -> None:
    layers = {layer_of(p) for p in SOURCES}
    assert {"scenario", "model", "sim", "batch", "play", "render", "cli", "calibrate"} <= layers
    assert "opssim.batch.policy" in imports_of(PACKAGE / "batch" / "run.py"), \
        "relative imports resolve"


def test_the_scan_catches_upward_and_lazy_imports() -> None:
    source = (
        "from opssim.model import Allocation\n"
        "def f():\n"
        "    from ..batch import run_one\n"
        "    import opssim.render.app\n"
        "    import pygame\n"
    )
    modules = imported_modules(source, ["opssim", "sim"])
    assert violations("sim", modules) == ["opssim.batch", "opssim.batch.run_one",
                                          "opssim.render.app"]
    assert "pygame" in modules
    assert violations("cli", modules) == []


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(PACKAGE)) for p in SOURCES])
def test_imports_point_down(path: Path) -> None:
    layer = layer_of(path)
    bad = violations(layer, imports_of(path))
    assert not bad, f"{path.relative_to(PACKAGE)} ({layer}/) must not import {bad}"


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(PACKAGE)) for p in SOURCES])
def test_only_render_imports_pygame(path: Path) -> None:
    if layer_of(path) == "render":
        return
    gui = sorted(m for m in imports_of(path) if m.split(".")[0] in GUI)
    assert not gui, f"{path.relative_to(PACKAGE)} imports {gui}"


@pytest.mark.parametrize("path", sorted((PACKAGE / "cli").glob("*.py")), ids=lambda p: p.name)
def test_cli_imports_render_only_inside_play(path: Path) -> None:
    """``opssim play`` is the one door to the window: render is imported lazily there."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            module = getattr(node, "module", None) or ""
            names = [module] + [a.name for a in node.names]
            assert not any("render" in n or n.split(".")[0] in GUI for n in names), \
                ast.unparse(node)


HEADLESS_PROBE = """
import json, sys
import opssim.cli, opssim.batch, opssim.sim, opssim.scenario, opssim.model, opssim.report
from opssim.batch import run_one
from opssim.scenario import load_scenario, default_scenario_path
from opssim.cli import main

summary = run_one(load_scenario(default_scenario_path()), 1, "even")
assert summary.outcome in ("promoted", "kept", "fired")
for argv in (["opssim", "run", "--json"], ["opssim", "run"], ["opssim", "validate",
             str(default_scenario_path())]):
    sys.argv = argv
    try:
        main()
    except SystemExit as exc:
        assert exc.code in (0, None), exc.code
gui = sorted(m for m in sys.modules if m.split(".")[0] in ("pygame", "pygame_gui"))
render = sorted(m for m in sys.modules if m.startswith("opssim.render"))
print(json.dumps({"gui": gui, "render": render}), file=sys.stderr)
"""


def test_headless_modules_do_not_import_pygame(python_subprocess) -> None:
    proc = python_subprocess(HEADLESS_PROBE)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stderr.strip().splitlines()[-1])
    assert found["gui"] == [], found
    assert found["render"] == [], found
