"""Render tests run offscreen: no window, no audio, no pygame banner."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"

import copy
import json
from collections.abc import Iterator
from typing import Any

import pygame
import pytest
from ruamel.yaml import YAML

from opssim.render import fonts, layout
from opssim.scenario import Scenario, default_scenario_path, load_scenario, parse_scenario

#: The scenarios the game ships (starter, small-startup, big-company).
SHIPPED = sorted(default_scenario_path().parent.glob("*.yaml"))


@pytest.fixture(scope="session", params=[p.stem for p in SHIPPED])
def shipped(request: pytest.FixtureRequest) -> Scenario:
    """Each scenario the game ships, loaded."""
    return load_scenario(default_scenario_path().parent / f"{request.param}.yaml")


@pytest.fixture(scope="session")
def big() -> Scenario:
    """The big-company scenario: colleagues own partnerships and analysis (locked duties)."""
    return load_scenario(default_scenario_path().parent / "big-company.yaml")


@pytest.fixture
def screen() -> Iterator[pygame.Surface]:
    """A 1280×720 offscreen display, closed afterwards."""
    pygame.display.init()
    pygame.font.init()
    fonts.reset()
    yield pygame.display.set_mode((1280, 720))
    pygame.quit()
    fonts.reset()


@pytest.fixture(autouse=True)
def base_layout() -> Iterator[None]:
    """Each test starts (and leaves) the layout at 1280×720: the scale is global."""
    layout.apply(layout.BASE)
    yield
    layout.apply(layout.BASE)


# -- stress scenarios: everything the schema allows at its limits (12 stages, 20 targets, all 8
# duties, 20 departments, long calendars), labels at their longest, in English and Chinese.
#: A label's longest (the schema's limit for any player-facing text).
MAX_LABEL = 2000
STAGES, TARGETS, DEPARTMENTS = 12, 20, 20


def long_text(seed: str, n: int = MAX_LABEL) -> dict[str, str]:
    """A label of exactly ``n`` characters in each language, starting with ``seed``."""
    en = (seed + " " + "with a name far longer than any screen " * 60)[:n]
    zh = (seed + "一个比任何屏幕都长得多的名字" * 200)[:n]
    return {"en": en, "zh": zh}


def stress_data(label_len: int = MAX_LABEL) -> dict[str, Any]:
    """The big company's scenario pushed to every limit, as the data a YAML file holds."""
    base = YAML(typ="safe").load(default_scenario_path().parent / "big-company.yaml")
    d = copy.deepcopy(base)
    d["id"] = "stress"
    d["title"] = long_text("Stress", label_len)
    stages = [{"id": "aware", "label": long_text("Stage 1", label_len)}]
    for i in range(2, STAGES + 1):
        stages.append({"id": f"s{i}", "label": long_text(f"Stage {i}", label_len),
                       "convert": 0.8, "delay_hours": {"exponential": 6}})
    d["funnel"] = {"stages": stages, "churn": {"stage": f"s{STAGES}", "per_week": 0.02}}
    ids = [s["id"] for s in stages]
    d["channels"] = [{"id": "organic", "enters": "aware", "per_week": 150000}]
    duties = d["duties"]
    duties["copy"]["lifts"] = [{"stage": "s3", "curve": {"curve": "saturating", "max": 0.3,
                                                        "half_at": 5}}]
    duties["events"]["spike"]["enters"] = "s2"
    duties["events"]["lifts"] = [{"stage": "s4", "lift": 0.2}]
    duties["support"]["tickets"] = [{"from": "s3", "per_user": 0.02}]
    duties["ground"]["enters"] = "s2"
    for name, spec in duties.items():
        spec["label"] = long_text(f"Duty {name}", label_len)
        spec["hint"] = long_text(f"Hint {name}", label_len)
    for need in (duties["copy"], duties["events"], duties["analysis"]):
        need.pop("needs", None)
    d["departments"] = {f"d{i}": {"label": long_text(f"Department {i}", label_len),
                                  "response_days": {"exponential": 1}}
                        for i in range(1, DEPARTMENTS + 1)}
    duties["copy"]["needs"] = {"department": "d1", "every": 1}
    d["calendar"] = [{"kind": "holiday", "label": long_text(f"Happening {i}", label_len),
                      "week": 1, "day": 1 + i % 7, "hours": 200, "arrivals_x": 1.2,
                      "convert_x": {ids[3]: 1.1}} for i in range(6)]
    d["reviews"] = {"every_weeks": 1, "targets": [
        {"kpi": f"k{i}", "stage": ids[1 + i % (STAGES - 1)],
         **({"per_week": 1000} if i % 2 else {"total_by_end": 20000})}
        for i in range(TARGETS)]}
    d["expect"] = []
    effects = {"hours": [1, 2], "fatigue": [-3, 4], "reputation": [-2, 1], "budget": -100,
               "evidence": [0, 1], "department": {"id": "d1", "response_x": 1.5,
                                                  "stall_chance": 0.1, "days": 3},
               "funnel": {"arrivals_x": 1.1, "convert_x": {ids[1]: 0.9, ids[2]: 1.1},
                          "days": 2}}
    d["incidents"] = [{"id": f"card{i}", "title": long_text(f"Card {i}", label_len),
                       "text": long_text(f"Situation {i}", label_len), "weight": 20,
                       "choices": [{"id": f"c{j}", "label": long_text(f"Choice {j}", label_len),
                                    "effects": effects} for j in range(4)]}
                      for i in range(3)]  # every card at its longest, all effects each
    d["company"].pop("locked", None)  # all eight duties on sliders
    d["blame"]["promotion"]["skills"] = {name: 0.9 for name in duties}
    return d


def stress_scenario(label_len: int = MAX_LABEL) -> Scenario:
    """:func:`stress_data` loaded (it must validate: it is a scenario an author may write)."""
    text = json.dumps(stress_data(label_len), ensure_ascii=False, indent=1)  # short lines
    return parse_scenario(text, "<stress>")


@pytest.fixture(scope="session")
def stress() -> Scenario:
    """The stress scenario, labels of 2,000 characters (see :func:`stress_data`)."""
    return stress_scenario()


@pytest.fixture(scope="session")
def stress_text() -> str:
    """The stress scenario as a file's text, with a 2,000-character description too."""
    data = stress_data()
    data["description"] = long_text("Description")
    return json.dumps(data, ensure_ascii=False, indent=1)  # short lines: JSON is YAML
