"""Monte Carlo: many seeds of a scenario under each of several policies."""

from collections.abc import Iterable, Sequence

from opssim.safeio import display_path
from opssim.scenario import Scenario

from .policy import DEFAULT_TIME_LIMIT, Policy, PolicyError, parse_policy
from .rows import Row
from .runner import Lab
from .store import RowStore, StoreError
from .summary import Summary, summarize_rows
from .tasks import Job


def parse_policies(specs: Sequence[str], scenario: Scenario,
                   time_limit: float | None = DEFAULT_TIME_LIMIT) -> list[Policy]:
    """Parse each SPEC (raises :class:`PolicyError`); a SPEC given twice is an error."""
    seen: set[str] = set()
    policies = []
    for spec in specs:
        if spec in seen:
            raise PolicyError(f"policy {spec!r} given twice")
        seen.add(spec)
        policies.append(parse_policy(spec, scenario, time_limit))
    return policies


def check_resumable(store: RowStore, hashes: Iterable[str],
                    policies: Iterable[str] | None = None,
                    seeds: Sequence[int] | None = None) -> None:
    """Refuse to resume a file holding runs that these would not make: another scenario,
    another policy, a seed outside ``seeds`` (raises StoreError saying what differs).
    ``policies`` or ``seeds`` None: not checked (a search makes its own policies)."""
    allowed = set(hashes)
    specs = None if policies is None else set(policies)
    wanted = None if seeds is None else set(seeds)
    fix = "use another --out, or drop --resume to replace it"
    for row in store.rows:
        where = f"{display_path(store.path or '')} holds runs of"
        if row["scenario_hash"] not in allowed:
            raise StoreError(f"{where} another scenario (hash {row['scenario_hash']!r:.40}, "
                             f"not this one): {fix}")
        if specs is not None and row["policy"] not in specs:
            raise StoreError(f"{where} policy {row['policy']!r:.80}, not asked for here "
                             f"(--policy {' '.join(sorted(specs))[:200]}): {fix}")
        if wanted is not None and int(row["seed"]) not in wanted:
            lo, hi = min(wanted), max(wanted)
            raise StoreError(f"{where} seed {row['seed']}, outside the seeds asked for "
                             f"({lo}..{hi}): {fix}")


def monte_carlo(lab: Lab, scenario: Scenario, policies: Sequence[Policy],
                seeds: Sequence[int]) -> dict[str, list[Row]]:
    """Run every policy on every seed (the same seeds: common random numbers)."""
    jobs = [Job(scenario, p) for p in policies]
    results = lab.run(jobs, seeds, label="runs")
    return {p.spec: rows for p, rows in zip(policies, results, strict=True)}


def summarize_policies(results: dict[str, list[Row]], scenario: Scenario) -> list[Summary]:
    """One :class:`Summary` per policy, in the order given."""
    return [summarize_rows(spec, rows, scenario) for spec, rows in results.items()]
