"""Security rules for scenario files, one test each (with test_scenario_safety.py):

1. they cannot run code: safe loading only (every tag refused, ``!include`` too);
2. they cannot reference files outside their folder and ``assets/``: no field names a file,
   and loading and playing one opens nothing but the scenario itself, whatever paths its
   texts spell;
3. they cannot exhaust memory: the largest scenario the caps allow loads and plays a week
   under an address-space limit, and an alias bomb fails under it.
"""

import json
import subprocess
import sys
import textwrap
from itertools import pairwise
from pathlib import Path

import pytest

from opssim.scenario import Scenario, ScenarioError, parse_scenario

REPO = Path(__file__).resolve().parents[2]

TRAVERSALS = ["../../etc/passwd", "/etc/passwd", "assets/../../../etc/shadow",
              "file:///etc/passwd", "~/.ssh/id_rsa", "\\\\server\\share\\x", "scenarios/../x.yaml"]


def run_python(code: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=REPO)


@pytest.mark.parametrize("tag", ["!include", "!!include", "!file", "!!python/object/apply:open",
                                 "!env", "!!python/name:builtins.open"])
def test_include_and_file_tags_are_refused(small_text: str, tag: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read me")
    text = small_text.replace('title: "Small test scenario"', f"title: {tag} {secret}")
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(text, "evil.yaml")
    (e,) = exc.value.errors
    assert e.path == "title" and "tag" in e.message
    assert "do not read me" not in str(e)


def test_no_field_of_the_format_is_a_file_path() -> None:
    """Every string in the JSON Schema is an id, a text or a choice: none is a path (so no
    scenario can point the game at a file; if one is ever added, this test asks for checks)."""
    from opssim.scenario.jsonschema import scenario_json_schema

    schema = scenario_json_schema()
    suspicious = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if isinstance(k, str) and any(w in k.lower() for w in
                                              ("path", "file", "image", "font", "sound", "url",
                                               "include", "import", "module")):
                    suspicious.append(f"{where}.{k}")
                walk(v, f"{where}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}[{i}]")

    walk(schema.get("properties", {}), "scenario")
    walk(schema.get("$defs", schema.get("definitions", {})), "defs")
    assert suspicious == []


def test_loading_and_playing_opens_only_the_scenario(small_text: str, tmp_path: Path) -> None:
    """An audit hook records every file opened while a scenario full of path-like texts is
    validated and played to the end through the CLI's code path: only the scenario is."""
    data = parse_scenario(small_text, "small.yaml").model_dump(mode="json", by_alias=True,
                                                                exclude_none=True)
    data["title"] = {"en": TRAVERSALS[0], "zh": TRAVERSALS[1]}
    outside = tmp_path / "outside.txt"
    outside.write_text("x")
    data["description"] = " ".join([*TRAVERSALS, str(outside)])
    path = tmp_path / "paths.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")
    Scenario.model_validate(data)  # it is a valid scenario
    proc = run_python(f"""
        import json, sys
        from opssim.batch import run_one
        from opssim.scenario import load_scenario
        run_one(load_scenario({str(REPO / 'src/opssim/scenarios/tutorial.yaml')!r}), 0)  # imports
        import opssim, os
        code = (sys.prefix, sys.base_prefix, os.path.dirname(opssim.__file__))
        opened = []
        def hook(event, args):
            # Libraries reading their own code and data (ruamel scans its package) are not
            # the scenario's doing; anything else is recorded.
            where = str(args[0]) if args else ""
            if where.startswith(code):
                return
            if event in ("open", "os.listdir", "os.scandir", "subprocess.Popen", "os.system",
                         "socket.connect", "shutil.copyfile", "os.symlink"):
                opened.append(where if event == "open" else f"{{event}}:{{where}}")
        sys.addaudithook(hook)
        sc = load_scenario({str(path)!r})
        summary = run_one(sc, 0)
        print(json.dumps({{"opened": opened, "weeks": summary.data["weeks_played"]}}))
    """)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["weeks"] >= 1
    assert report["opened"] == [str(path)]


MEMORY_LIMIT_MB = 1500


def test_the_largest_allowed_scenario_fits_in_memory(tmp_path: Path, small_text: str) -> None:
    """104 weeks, 12 stages, 20 channels at the user cap: one week under a 1.5 GB
    address-space limit; the alias bomb and a 1 MB file of values fail cleanly under it."""
    data = parse_scenario(small_text, "small.yaml").model_dump(mode="json", by_alias=True,
                                                                exclude_none=True)
    data["weeks"] = 104
    stages = [{"id": "s0"}] + [{"id": f"s{i}", "convert": 0.9, "delay_hours": {"fixed": 1}}
                               for i in range(1, 12)]
    data["funnel"] = {"stages": stages, "churn": {"stage": "s11", "per_week": 0.1}}
    per_week = 200_000_000 // 104 // 20
    data["channels"] = [{"id": f"c{i}", "enters": "s0", "per_week": per_week} for i in range(20)]
    data["duties"]["events"]["spike"]["enters"] = "s1"
    data["duties"]["events"]["lifts"] = [{"stage": "s2", "lift": 0.2}]
    data["duties"]["copy"]["lifts"][0]["stage"] = "s2"
    data["duties"]["support"]["tickets"] = [{"from": "s1", "per_user": 0.01}]
    data["duties"]["ground"]["enters"] = "s1"
    data["reviews"]["targets"] = [{"kpi": "k", "stage": "s11", "per_week": 10}]
    big = tmp_path / "big.yaml"
    big.write_text(json.dumps(data), encoding="utf-8")
    parse_scenario(big.read_bytes(), "big.yaml")  # within every cap
    values = tmp_path / "values.yaml"
    values.write_text("a: [\n" + "1,\n" * 30_000 + "]\n")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"{k}: &{k} [{', '.join([f'*{p}'] * 9)}]\n" for p, k in zip("abcdefgh", "bcdefghi",
                                                                     strict=True)))
    proc = run_python(f"""
        import resource
        limit = {MEMORY_LIMIT_MB} * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        from opssim.scenario import ScenarioError, load_scenario
        from opssim.sim import HOURS_PER_WEEK, Engine
        sc = load_scenario({str(big)!r})
        engine = Engine(sc, seed=0)
        engine.set_allocation(sc.plan_hours())
        engine.advance_to(HOURS_PER_WEEK)
        print("played", sc.weeks, len(sc.funnel.stages), len(sc.channels),
              engine.truth().stages[0].reached)
        for path in ({str(bomb)!r}, {str(values)!r}):
            try:
                load_scenario(path)
            except ScenarioError as exc:
                print("refused", exc.errors[0].message)
    """, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    played, *refused = proc.stdout.strip().splitlines()
    assert played.startswith("played 104 12 20 ") and int(played.split()[-1]) > 1_000_000
    assert refused == ["refused scenario too large: more than 10000 values"] * 2


def test_a_duplicate_key_over_an_alias_bomb_is_one_line_at_once() -> None:
    """Fuzz case 4540 (seed 1): ruamel's own duplicate-key message printed the repeated key's
    value, and the repr of nine levels of aliases never finished. The composer now rejects
    the duplicate before anything is expanded."""
    levels = "abcdefgh"
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"{k}: &{k} [{', '.join(['*' + p] * 9)}]" for p, k in pairwise(levels)]
    lines += [lines[-1], "i: &i [" + ", ".join(["*h"] * 9) + "]"]
    with pytest.raises(ScenarioError) as info:
        parse_scenario("\n".join(lines) + "\n", "bomb.yaml")
    (error,) = info.value.errors
    assert (error.line, error.col) == (9, 1)
    assert 'duplicate key "h" (first at line 8)' in error.message
