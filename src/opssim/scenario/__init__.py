"""Scenario files: the YAML format, its schema and a loader whose errors point at the line."""

from opssim.scenario.errors import ErrorLine, ScenarioError
from opssim.scenario.loader import (
    Located,
    default_scenario_path,
    load_located,
    load_scenario,
    parse_located,
    parse_scenario,
    scenario_hash,
)
from opssim.scenario.schema import Scenario

__all__ = [
    "ErrorLine",
    "Located",
    "Scenario",
    "ScenarioError",
    "default_scenario_path",
    "load_located",
    "load_scenario",
    "parse_located",
    "parse_scenario",
    "scenario_hash",
]
