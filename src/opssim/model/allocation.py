"""An allocation: the specialist's hours per duty for one week."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType


class AllocationError(ValueError):
    """An allocation the specialist cannot work: unknown duty, negative or too many hours."""


@dataclass(frozen=True, slots=True)
class Allocation:
    """Hours per duty for a week; duties not named get zero hours."""

    hours: Mapping[str, float]

    @classmethod
    def build(
        cls, hours: Mapping[str, float], duties: Iterable[str], max_total: float
    ) -> "Allocation":
        """Validate ``hours`` against the scenario's ``duties`` and weekly cap ``max_total``."""
        duties = tuple(duties)
        clean: dict[str, float] = dict.fromkeys(duties, 0.0)
        for duty, value in hours.items():
            if duty not in clean:
                raise AllocationError(
                    f"unknown duty {duty!r} (this scenario has: {', '.join(duties)})"
                )
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise AllocationError(f"hours for {duty!r} must be a number, got {value!r}")
            value = float(value)
            if not value >= 0 or value == float("inf"):
                raise AllocationError(f"hours for {duty!r} must be a finite number >= 0")
            clean[duty] = value
        total = sum(clean.values())
        if total > max_total + 1e-9:
            raise AllocationError(
                f"{total:g} hours allocated but the week allows at most {max_total:g} "
                "(contract hours plus overtime cap)"
            )
        return cls(MappingProxyType(clean))

    def __deepcopy__(self, memo: dict) -> "Allocation":
        return self  # immutable: copies may share it

    @property
    def total(self) -> float:
        """Total hours allocated."""
        return sum(self.hours.values())

    def get(self, duty: str) -> float:
        """Hours on ``duty`` (zero when absent)."""
        return self.hours.get(duty, 0.0)

    def as_dict(self) -> dict[str, float]:
        """A plain, JSON-friendly copy."""
        return dict(self.hours)
