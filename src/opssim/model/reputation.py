"""The reputation rule: what one review result does to the specialist's reputation.

One rule for every place that needs it — the engine's review, the re-run that follows the
plan's reputation, and anything that explains a result — so they never disagree. Pure: the
scenario's numbers come in through :class:`ReputationRule`.
"""

from collections.abc import Mapping
from dataclasses import dataclass

#: Reputation is kept within these bounds; at the floor the specialist is fired.
FLOOR, CEILING = 0.0, 100.0

#: The verdicts a miss can get; ``inconclusive`` costs what the scenario says it is treated as.
VERDICTS = ("specialist", "shared", "plan", "cleared", "inconclusive")


@dataclass(frozen=True, slots=True)
class ReputationRule:
    """A hit gains ``gain_per_hit``; a miss loses ``lose_per_shortfall_pct`` per percent of
    the target it fell short, times the weight of its verdict (``weights``; an
    ``inconclusive`` verdict weighs as ``inconclusive_as``)."""

    gain_per_hit: float
    lose_per_shortfall_pct: float
    weights: Mapping[str, float]
    inconclusive_as: str = "shared"

    def weight(self, verdict: str) -> float:
        """The share of a miss's cost the specialist carries under ``verdict``."""
        if verdict == "inconclusive":
            verdict = self.inconclusive_as
        return self.weights[verdict]

    def miss_delta(self, target: float, actual: float, verdict: str) -> float:
        """The change a miss of ``target`` at ``actual`` makes under ``verdict`` (≤ 0)."""
        shortfall_pct = 100.0 * (target - actual) / target if target else 0.0
        return -self.lose_per_shortfall_pct * shortfall_pct * self.weight(verdict)

    def hit(self, reputation: float) -> float:
        """Reputation after a hit."""
        return clamp(reputation + self.gain_per_hit)


def clamp(reputation: float) -> float:
    """``reputation`` kept within the floor and the ceiling."""
    return min(CEILING, max(FLOOR, reputation))
