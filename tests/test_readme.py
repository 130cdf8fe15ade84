"""The README's scenario tour is a real scenario: it validates and runs."""

import re
from pathlib import Path

from opssim.batch import run_one
from opssim.scenario import parse_scenario

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_scenario_example_validates_and_runs() -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks, "README has no yaml example"
    scenario = parse_scenario(blocks[0], "README.md")
    data = run_one(scenario, seed=1).data
    assert data["outcome"] in {"promoted", "kept", "fired"}
    assert data["funnel"][0]["reached"] > 0
