"""The difficulty a scenario declares, and what it promises: the share of runs the manager's
plan should win (end promoted). ``opssim lint`` warns when the plan's win rate is clearly
outside the band; the balance report and the title screen use the same words and order."""

from typing import Final

#: Difficulties, easiest first (the title screen sorts scenarios by it).
DIFFICULTY_ORDER: Final = ("tutorial", "easy", "normal", "hard")

#: The plan's win-rate band per difficulty: (lowest, highest) share of runs promoted.
BANDS: Final[dict[str, tuple[float, float]]] = {
    "tutorial": (0.7, 1.0),
    "easy": (0.4, 1.0),
    "normal": (0.1, 0.8),
    "hard": (0.0, 0.3),
}


def band_text(difficulty: str) -> str:
    """``normal wants the plan to win 10%..80% of runs``."""
    low, high = BANDS[difficulty]
    return f"{difficulty} wants the plan to win {low:.0%}..{high:.0%} of runs"
