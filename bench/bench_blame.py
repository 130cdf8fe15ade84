"""Cost of fair blame: a run with counterfactual attribution as a ratio of one without.

    python bench/bench_blame.py [--seeds N] [--policy SPEC] [SCENARIO]

Both variants play the same seeds with the same policy, interleaved so that machine noise hits
them alike; the best of three repetitions of each is compared.
"""

import argparse
import time
from pathlib import Path

from opssim.batch import parse_policy
from opssim.scenario import default_scenario_path, load_scenario
from opssim.sim import HOURS_PER_WEEK, Engine
from opssim.sim.blame import forget_first_hour_reruns


def play(scenario, policy, seed: int, attribution: bool, alone: bool = True) -> int:
    """One run; returns its number of blame events. ``alone``: it makes its own re-runs, none
    kept from an earlier run (a repetition would find them all); else it uses those kept (a
    batch of seeds shares a total's luck runs)."""
    if alone:
        forget_first_hour_reruns()
    engine = Engine(scenario, seed, attribution=attribution)
    for week in range(scenario.weeks):
        if engine.finished:
            break
        engine.set_allocation(policy.hours(engine.snapshot()))
        engine.advance_to((week + 1) * HOURS_PER_WEEK)
    return engine.blame_count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", type=Path, default=default_scenario_path())
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--policy", default="plan")
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    policy = parse_policy(args.policy, scenario)
    best = {False: float("inf"), True: float("inf")}
    blames = 0
    for _ in range(3):
        for attribution in (False, True):
            start = time.perf_counter()
            count = sum(play(scenario, policy, s, attribution) for s in range(args.seeds))
            best[attribution] = min(best[attribution], time.perf_counter() - start)
            blames = count if attribution else blames
    per_run = {k: v / args.seeds for k, v in best.items()}
    print(f"scenario {scenario.id}, policy {args.policy}, {args.seeds} seeds, "
          f"{blames / args.seeds:.1f} blame events per run")
    print(f"run without attribution: {per_run[False] * 1000:.0f} ms")
    print(f"run with attribution:    {per_run[True] * 1000:.0f} ms")
    print(f"ratio attribution/plain: {per_run[True] / per_run[False]:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
