"""Headless runs: one run as a plain function, policies, and (later) many runs at once."""

from opssim.batch.policy import Policy, PolicyError, parse_policy
from opssim.batch.run import RunSummary, run_engine, run_one, summarize, versions

__all__ = [
    "Policy",
    "PolicyError",
    "RunSummary",
    "parse_policy",
    "run_engine",
    "run_one",
    "summarize",
    "versions",
]
