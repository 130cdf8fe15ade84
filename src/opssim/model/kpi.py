"""What a reviewed KPI is: one definition that the engine's reviews, the batch rows, the lint,
the balance report and the window all use.

A KPI counts the new users reaching a stage (times a price, for a revenue KPI) over a window of
weeks, ``from_week`` to ``to_week``:

* a **weekly** KPI (``per_week``) is checked at every review held in a week of the window,
  over the review's period: the hours since the last review. With reviews every two weeks the
  week-2 review counts weeks 1 and 2, even when ``from_week`` is 2; the goal is ``per_week``
  times the weeks of the period;
* a **total** KPI (``total_by_end``) counts the window's users and is checked once, at the
  first review held at or after ``to_week`` (by default the last week, which always has one).

Its figure for a whole run (the ``kpi_<id>`` column, lint's ``kpi_mean``, the report's KPI
columns) is the mean value per week over the window's weeks for a weekly KPI, and the value
over the window for a total.

Pure: no engine here; counts come in as numbers (``entered(stage, start, end)`` in hours).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

HOURS_PER_WEEK = 168


@dataclass(frozen=True, slots=True)
class Kpi:
    """A reviewed KPI: its name, the stage it counts, its goal and its window of weeks."""

    name: str
    stage: str
    weekly: bool
    #: The goal: per week (weekly) or over the window (total).
    amount: float
    from_week: int
    to_week: int
    #: Value of one user: None counts users (whole numbers), a price counts revenue.
    price: float | None = None

    @classmethod
    def of(cls, target: object, weeks: int) -> "Kpi":
        """The KPI of a scenario target (``kpi``, ``stage``, ``per_week`` or ``total_by_end``,
        ``from_week``, optional ``to_week`` and ``price``) in a scenario of ``weeks`` weeks."""
        per_week = getattr(target, "per_week", None)
        to_week = getattr(target, "to_week", None)
        return cls(
            name=target.kpi,
            stage=target.stage,
            weekly=per_week is not None,
            amount=float(per_week if per_week is not None else target.total_by_end),
            from_week=int(getattr(target, "from_week", 1)),
            to_week=min(weeks, int(to_week)) if to_week is not None else weeks,
            price=getattr(target, "price", None),
        )

    @property
    def revenue(self) -> bool:
        """Whether the KPI counts money rather than users."""
        return self.price is not None

    def reviewed_at(self, week: int, last_review_week: int) -> bool:
        """Whether the review closing ``week`` checks this KPI (the one before closed
        ``last_review_week``, 0 when none)."""
        if self.weekly:
            return self.from_week <= week <= self.to_week
        return last_review_week < self.to_week <= week

    def review_weeks(self, weeks: int, every_weeks: int) -> list[int]:
        """The weeks whose review checks this KPI, in a run of ``weeks`` weeks reviewed every
        ``every_weeks`` weeks (and at the end)."""
        held = [w for w in range(1, weeks + 1) if w % every_weeks == 0 or w == weeks]
        return [w for w, last in zip(held, [0, *held], strict=False) if self.reviewed_at(w, last)]

    def counted(self, period_start: int, now: int) -> tuple[int, int]:
        """The hours ``[start, end)`` whose users count at hour ``now``, in a review period
        that began at hour ``period_start``."""
        if self.weekly:
            return period_start, now
        start = (self.from_week - 1) * HOURS_PER_WEEK
        return start, max(start, min(now, self.to_week * HOURS_PER_WEEK))

    def goal(self, start: int, end: int) -> float:
        """The goal over the counted hours ``[start, end)``: a weekly goal pro rata."""
        if self.weekly:
            return self.amount * (end - start) / HOURS_PER_WEEK
        return self.amount

    def measure(self, entered: Callable[[str, int, int], int], period_start: int,
                now: int) -> int | float:
        """The KPI's value at hour ``now`` in a review period that began at ``period_start``,
        given ``entered(stage, start, end)``, the users who reached a stage in hours
        ``[start, end)``: what a review, blame's re-runs, the look-ahead and the window read."""
        return self.value(entered(self.stage, *self.counted(period_start, now)))

    def value(self, users: int) -> int | float:
        """What ``users`` new users at the stage are worth to this KPI."""
        return users if self.price is None else users * self.price

    def week_span(self, week: int) -> tuple[int, int]:
        """The hours behind the KPI's value shown for ``week`` (1-based) in a run's weekly
        series: that week's for a weekly KPI, the window so far for a total."""
        if self.weekly:
            return (week - 1) * HOURS_PER_WEEK, week * HOURS_PER_WEEK
        return self.counted(0, week * HOURS_PER_WEEK)

    def figure(self, series: Sequence[float]) -> float | None:
        """The KPI's one number for a run from its weekly series (values by
        :meth:`week_span`, week 1 first, as far as the run went): the mean over the window's
        weeks (weekly), or the value at the window's end (total); None when the run stopped
        before the window."""
        if self.weekly:
            window = series[self.from_week - 1:self.to_week]
            return sum(window) / len(window) if window else None
        if len(series) < self.from_week:
            return None
        return float(series[: self.to_week][-1])

    def describe(self) -> str:
        """What the figure means, in a phrase: ``signups/wk = mean new users reaching signup
        per week, weeks 2-12 (target 1,150)``."""
        what = f"revenue from new users reaching {self.stage} (at {self.price:,.2f} each)" if (
            self.price is not None) else f"new users reaching {self.stage}"
        weeks = f"weeks {self.from_week}-{self.to_week}"
        if self.weekly:
            return (f"{self.label} = mean {what} per week, {weeks} (target "
                    f"{self.amount:,.0f} a week)")
        return f"{self.label} = {what}, {weeks} (target {self.amount:,.0f})"

    @property
    def label(self) -> str:
        """A short column title: ``signups/wk`` (weekly) or ``paying`` (total)."""
        return f"{self.name}/wk" if self.weekly else self.name


def kpis(targets: Sequence[object], weeks: int) -> tuple[Kpi, ...]:
    """The KPIs of a scenario's targets, in order."""
    return tuple(Kpi.of(t, weeks) for t in targets)
