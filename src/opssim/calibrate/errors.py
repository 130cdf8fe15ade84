"""What goes wrong with real data: one-line errors, and a tally of what was dropped."""

from dataclasses import dataclass, field


class CalibrationError(Exception):
    """Bad input that stops a calibration: one line saying where and what."""


@dataclass
class Dropped:
    """Rows and users left out of the fit, each with why (in the order first seen)."""

    reasons: dict[str, int] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)

    def add(self, reason: str, count: int, example: str = "") -> None:
        """Count ``count`` more rows or users dropped for ``reason`` (zero counts are kept out)."""
        if count <= 0:
            return
        self.reasons[reason] = self.reasons.get(reason, 0) + int(count)
        if example and reason not in self.examples:
            self.examples[reason] = example

    def lines(self) -> list[str]:
        """One line per reason: ``12 rows: duplicate (user, event, time) (e.g. ...)``."""
        out = []
        for reason, n in self.reasons.items():
            eg = self.examples.get(reason)
            out.append(f"{n:,} {reason}" + (f" (e.g. {eg})" if eg else ""))
        return out
