"""The presenter layer (opssim.play) imports without pygame: every module of it, in a fresh
interpreter, leaves no pygame module behind."""

import json

PROBE = """
import importlib, json, pkgutil, sys
import opssim.{package} as pkg
names = [m.name for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + ".")]
for name in names:
    importlib.import_module(name)
gui = sorted(m for m in sys.modules if m.split(".")[0] in ("pygame", "pygame_gui"))
print(json.dumps({{"modules": names, "gui": gui}}), file=sys.stderr)
"""


def probe(python_subprocess, package: str) -> dict:
    proc = python_subprocess(PROBE.format(package=package))
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stderr.strip().splitlines()[-1])


def test_the_presenter_imports_without_pygame(python_subprocess) -> None:
    found = probe(python_subprocess, "play")
    assert {"opssim.play.driver", "opssim.play.userdata", "opssim.play.planning",
            "opssim.play.session"} <= set(found["modules"])
    assert found["gui"] == [], found


def test_the_probe_sees_pygame_when_it_is_imported(python_subprocess) -> None:
    """The same probe on the window layer finds pygame: the check above can fail."""
    found = probe(python_subprocess, "render")
    assert "pygame" in found["gui"], found
