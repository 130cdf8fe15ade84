"""Effect curves: how an amount of effort turns into an effect, with diminishing returns."""


def saturating(x: float, maximum: float, half_at: float) -> float:
    """Return ``maximum * x / (x + half_at)``: zero at zero, half of ``maximum`` at ``half_at``."""
    if x <= 0:
        return 0.0
    return maximum * x / (x + half_at)
