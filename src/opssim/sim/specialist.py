"""The specialist's body and craft: fatigue that dulls output, skills that grow with practice."""

from collections.abc import Mapping

from opssim.scenario.schema import Specialist

#: Skill of a duty the scenario does not give one for.
DEFAULT_SKILL = 0.3


class SpecialistState:
    """Fatigue (0–100) and a skill (0–1) per duty, updated each working day."""

    def __init__(self, spec: Specialist, duties: tuple[str, ...]) -> None:
        self.spec = spec
        self.fatigue = 0.0
        self.skills = {d: spec.skills.get(d, DEFAULT_SKILL) for d in duties}

    @property
    def freshness(self) -> float:
        """Output quality factor: 1 when rested, ``1 - quality_loss_at_max`` when exhausted."""
        return 1.0 - self.spec.fatigue.quality_loss_at_max * self.fatigue / 100.0

    def work_day(self, today: Mapping[str, float], tiring: Mapping[str, float]) -> None:
        """A working day of ``today``'s hours per duty; ``tiring`` is extra fatigue per hour
        of a duty. The contract's hours are spread evenly over the working days."""
        f = self.spec.fatigue
        total = sum(today.values())
        contract = self.spec.contract_hours / self.spec.workweek.days
        overtime = max(0.0, total - contract)
        slack = max(0.0, contract - total)
        change = (
            f.per_overtime_hour * overtime
            + sum(tiring.get(d, 0.0) * h for d, h in today.items())
            - f.recovery_per_slack_hour * slack
        )
        self.fatigue = min(100.0, max(0.0, self.fatigue + change))
        for d, h in today.items():
            if d in self.skills:
                s = self.skills[d]
                self.skills[d] = min(1.0, s + self.spec.learning_per_hour * h * (1.0 - s))

    def work_week(self, hours: Mapping[str, float], tiring: Mapping[str, float]) -> None:
        """A whole week of ``hours`` per duty, as the engine works it: an even share on each
        working day."""
        days = self.spec.workweek.days
        today = {d: h / days for d, h in hours.items() if h > 0}
        for _ in range(days):
            self.work_day(today, tiring)

    def weekend(self) -> None:
        """Rest between weeks."""
        self.fatigue = max(0.0, self.fatigue - self.spec.fatigue.weekend_recovery)

    def speed(self, duty: str) -> float:
        """Work speed on ``duty``: 1 at skill 0.5 and full freshness."""
        return (0.5 + self.skills.get(duty, DEFAULT_SKILL)) * self.freshness
